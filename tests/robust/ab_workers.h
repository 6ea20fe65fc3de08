/* ab_workers.h - for tests that end a process while threads are busy in
 * deadbolt's shims: WORKERS detached threads take a then b and allocate
 * and free a block in between, forever; ab_workers_start() starts them and
 * ab_workers_warm() returns once each has gone round WARM times. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define WORKERS 2
#define WARM 20000

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static atomic_long done[WORKERS];

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

static void *worker(void *arg)
{
	long id = (long)arg;

	for (long n = 0;; n++) {
		pthread_mutex_lock(&a);
		pthread_mutex_lock(&b);
		alloc_free(48 + n % 200);
		pthread_mutex_unlock(&b);
		pthread_mutex_unlock(&a);
		atomic_store(&done[id], n);
	}
	return NULL;
}

static void ab_workers_start(void)
{
	pthread_attr_t detached;
	pthread_t t;

	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t, &detached, worker, (void *)i);
	pthread_attr_destroy(&detached);
}

static void ab_workers_warm(void)
{
	for (int i = 0; i < WORKERS; i++)
		while (atomic_load(&done[i]) < WARM)
			sched_yield();
}

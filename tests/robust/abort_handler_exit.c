/* abort() from a thread while two detached threads keep taking A then B and
 * allocating; the program's SIGABRT handler ends the process with _exit(7).
 * The runtime's _exit shim then runs inside a signal handler while other
 * threads are inside its lock and malloc shims: no hang, no crash, the
 * status is 7 (an exit, not the signal), and nothing is reported.
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = aborting ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 7
 * EXPECT-JSON: j['processes'][0]['exit'] == 7 and j['processes'][0]['signal'] is None
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

#define WORKERS 2
#define WARM 20000

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static atomic_long done[WORKERS];

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

static void on_abort(int sig)
{
	(void)sig;
	_exit(7);
}

static void *aborter(void *arg)
{
	for (int i = 0; i < WORKERS; i++)
		while (atomic_load(&done[i]) < WARM)
			sched_yield();
	if (write(1, "aborting\n", 9) != 9)
		_exit(9);
	abort();
	return arg;
}

int main(void)
{
	pthread_attr_t detached;
	pthread_t t;

	signal(SIGABRT, on_abort);
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t, &detached, worker, (void *)i);
	pthread_create(&t, NULL, aborter, NULL);
	pthread_join(t, NULL);
	return 0;
}

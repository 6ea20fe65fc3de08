/* quick_exit(5) from main while two detached threads keep taking A then B
 * and allocating.  quick_exit runs the at_quick_exit handler (it writes
 * "quick" with write(2)) and ends the process with _exit from inside libc,
 * not through an interposable call: the runtime sees no exit() and runs no
 * end-of-process work, yet the program's status and output are unchanged
 * and the report has the status 5.  Clean: one lock order; no leak check
 * happens at quick_exit (as with _exit).
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = quick ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 5
 * EXPECT-JSON: j['processes'][0]['exit'] == 5 and j['processes'][0]['signal'] is None
 */
#include <pthread.h>
#include <sched.h>
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

static void on_quick_exit(void)
{
	if (write(1, "quick\n", 6) != 6)
		_exit(9);
}

int main(void)
{
	pthread_attr_t detached;
	pthread_t t;

	at_quick_exit(on_quick_exit);
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t, &detached, worker, (void *)i);
	for (int i = 0; i < WORKERS; i++)
		while (atomic_load(&done[i]) < WARM)
			sched_yield();
	quick_exit(5);
}

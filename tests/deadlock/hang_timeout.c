/* An endless loop, holding a lock, with another thread waiting for it:
 * under `deadbolt run --timeout 1` the program is dumped (every thread's
 * stack, held locks and waits: a `hang` finding) and killed, instead of
 * hanging the suite.
 * TIMEOUT: 30
 * RUN: deadbolt run --timeout 1 --json %json -- %prog
 * EXPECT: hang 1
 * EXPECT-EXIT: 66
 * EXPECT-FUNC: hang spin_forever blocked_on_lock
 * EXPECT-JSON: len(F('hang')[0]['threads']) == 3
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t held;
static volatile unsigned long spins;

__attribute__((noinline)) static void *spin_forever(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&held);
	for (;;)
		spins++;
	return arg;
}

__attribute__((noinline)) static void *blocked_on_lock(void *arg)
{
	pthread_barrier_wait(&held);
	pthread_mutex_lock(&m);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&held, NULL, 2);
	pthread_create(&t1, NULL, spin_forever, NULL);
	pthread_create(&t2, NULL, blocked_on_lock, NULL);
	pthread_join(t1, NULL);
	return 0;
}

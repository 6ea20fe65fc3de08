/* A thread writes a global for 200 ms; the main thread polls it with
 * pthread_tryjoin_np until it ends, then writes the global itself for
 * 200 ms.  A second thread does the same and is joined with
 * pthread_timedjoin_np, a third with pthread_clockjoin_np.  A successful
 * join of any kind orders the thread's writes before the joiner's: clean.
 * A tryjoin that answers EBUSY orders nothing, and must not count the
 * thread as joined.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#define WRITE_MS 200

volatile long shared;

#include "now_ms.h"

__attribute__((noinline)) void *child(void *arg)
{
	long long end = now_ms() + WRITE_MS;

	while (now_ms() < end)
		for (int i = 0; i < 100; i++)
			shared += i;
	return arg;
}

__attribute__((noinline)) void parent_writes(void)
{
	long long end = now_ms() + WRITE_MS;

	while (now_ms() < end)
		for (int i = 0; i < 100; i++)
			shared -= i;
}

/* Join t: how 1, pthread_tryjoin_np polled until it answers (an EBUSY
 * orders nothing); 2, pthread_timedjoin_np; 3, pthread_clockjoin_np. */
static int join_child(pthread_t t, long how, void **ret)
{
	struct timespec ts;
	int r;

	if (how == 1) {
		while ((r = pthread_tryjoin_np(t, ret)) == EBUSY) {
			struct timespec nap = { 0, 1000000 };
			nanosleep(&nap, NULL);
		}
		return r;
	}
	clock_gettime(how == 2 ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 60;
	return how == 2 ? pthread_timedjoin_np(t, ret, &ts)
			: pthread_clockjoin_np(t, ret, CLOCK_MONOTONIC, &ts);
}

int main(void)
{
	for (long how = 1; how <= 3; how++) {
		pthread_t t;
		void *ret;

		if (pthread_create(&t, NULL, child, (void *)how) != 0)
			return 2;
		if (join_child(t, how, &ret) != 0 || ret != (void *)how)
			return (int)(2 + how);
		parent_writes();
	}
	return 0;
}

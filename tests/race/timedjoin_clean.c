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

int main(void)
{
	pthread_t t;
	struct timespec ts;
	void *ret;
	int r;

	if (pthread_create(&t, NULL, child, (void *)1) != 0)
		return 2;
	while ((r = pthread_tryjoin_np(t, &ret)) == EBUSY) {
		struct timespec nap = { 0, 1000000 };
		nanosleep(&nap, NULL);
	}
	if (r != 0 || ret != (void *)1)
		return 3;
	parent_writes();

	if (pthread_create(&t, NULL, child, (void *)2) != 0)
		return 2;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	if (pthread_timedjoin_np(t, &ret, &ts) != 0 || ret != (void *)2)
		return 4;
	parent_writes();

	if (pthread_create(&t, NULL, child, (void *)3) != 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 60;
	if (pthread_clockjoin_np(t, &ret, CLOCK_MONOTONIC, &ts) != 0 || ret != (void *)3)
		return 5;
	parent_writes();
	return 0;
}

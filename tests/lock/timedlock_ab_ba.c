/* Two threads take A then B and B then A with pthread_mutex_timedlock and a
 * one-minute deadline (joined in between).  A timed lock blocks like a lock
 * until its deadline: the threads would hang for a minute and then fail, so
 * the inversion counts.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static void timed(pthread_mutex_t *m)
{
	struct timespec ts;

#ifdef CLOCKLOCK	/* clocklock_ab_ba.c */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += 60;
	if (pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &ts) != 0)
		abort();
#else
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	if (pthread_mutex_timedlock(m, &ts) != 0)
		abort();
#endif
}

#define AB_LOCK(m)	timed(m)
#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

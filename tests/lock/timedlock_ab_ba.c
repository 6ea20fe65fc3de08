/* Two threads take A then B and B then A with pthread_mutex_timedlock and a
 * one-minute deadline (joined in between).  A timed lock blocks like a lock
 * until its deadline: the threads would hang for a minute and then fail, so
 * the inversion counts.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion timed_ab timed_ba
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t a, b;

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

__attribute__((noinline)) void *timed_ab(void *arg)
{
	timed(&a);
	timed(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *timed_ba(void *arg)
{
	timed(&b);
	timed(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(timed_ab);
	run(timed_ba);
	return 0;
}

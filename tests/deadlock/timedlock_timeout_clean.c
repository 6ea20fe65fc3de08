/* Both threads hold one lock and wait for the other with a timed lock:
 * both time out, back off and finish.  Not a deadlock (the waits end by
 * themselves), but the inverted order is still a potential deadlock.
 * TIMEOUT: 20
 * EXPECT: lock-order-inversion 1
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold, both_done;

static void take_timed(pthread_mutex_t *first, pthread_mutex_t *second)
{
	struct timespec ts;

	pthread_mutex_lock(first);
	pthread_barrier_wait(&both_hold);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 300 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if (pthread_mutex_timedlock(second, &ts) == 0)
		pthread_mutex_unlock(second);
	pthread_barrier_wait(&both_done);
	pthread_mutex_unlock(first);
}

static void *ab(void *arg)
{
	take_timed(&a, &b);
	return arg;
}

static void *ba(void *arg)
{
	take_timed(&b, &a);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_barrier_init(&both_done, NULL, 2);
	pthread_create(&t1, NULL, ab, NULL);
	pthread_create(&t2, NULL, ba, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

/* One condition variable waited on with two different mutexes at once: a
 * thread waits on c with m1; main, once that wait has begun, waits on c
 * with m2.
 * TIMEOUT: 20
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'cond-two-mutexes'
 */
#include <pthread.h>
#include <time.h>

static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int waiting, released;

static void *waiter(void *arg)
{
	pthread_mutex_lock(&m1);
	waiting = 1;
	while (!released)
		pthread_cond_wait(&c, &m1);
	pthread_mutex_unlock(&m1);
	return arg;
}

int main(void)
{
	pthread_t t;
	struct timespec ts;
	int w = 0;

	pthread_create(&t, NULL, waiter, NULL);
	while (!w) {	/* m1 is free again only once the waiter is in its wait */
		pthread_mutex_lock(&m1);
		w = waiting;
		pthread_mutex_unlock(&m1);
	}
	pthread_mutex_lock(&m2);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec = 0;
	ts.tv_sec += 0;
	pthread_cond_timedwait(&c, &m2, &ts);
	pthread_mutex_unlock(&m2);
	pthread_mutex_lock(&m1);
	released = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m1);
	pthread_join(t, NULL);
	return 0;
}

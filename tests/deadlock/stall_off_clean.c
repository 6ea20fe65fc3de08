/* The twin of stall.c without --stall-ms: stall reports are off by
 * default, and the wait ends normally.
 * TIMEOUT: 20
 * EXPECT: clean
 */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t held;

static void *slow_holder(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&held);
	usleep(300 * 1000);
	pthread_mutex_unlock(&m);
	return arg;
}

static void *waiter(void *arg)
{
	pthread_barrier_wait(&held);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&held, NULL, 2);
	pthread_create(&t1, NULL, slow_holder, NULL);
	pthread_create(&t2, NULL, waiter, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

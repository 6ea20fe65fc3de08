/* A waiter holds lock L and waits on a condition variable with mutex M; the
 * waker takes M, broadcasts, then takes L while still holding M.  The
 * woken waiter needs M back (inside libc) and the waker needs L: a deadlock
 * through a condition variable, found once the wake is seen.
 * TIMEOUT: 20
 * EXPECT: deadlock 1, lock-order-inversion 1
 * EXPECT-EXIT: 66
 * EXPECT-FUNC: deadlock waiter waker
 * EXPECT-JSON: len(F('deadlock')[0]['threads']) == 2
 */
#include <pthread.h>

static pthread_mutex_t l = PTHREAD_MUTEX_INITIALIZER, m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, go;

__attribute__((noinline)) static void *waiter(void *arg)
{
	pthread_mutex_lock(&l);
	pthread_mutex_lock(&m);
	ready = 1;
	while (!go)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	pthread_mutex_unlock(&l);
	return arg;
}

__attribute__((noinline)) static void *waker(void *arg)
{
	for (;;) {	/* m is free again only once the waiter is in its wait */
		pthread_mutex_lock(&m);
		if (ready)
			break;
		pthread_mutex_unlock(&m);
	}
	go = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_lock(&l);
	pthread_mutex_unlock(&l);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_create(&t1, NULL, waiter, NULL);
	pthread_create(&t2, NULL, waker, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

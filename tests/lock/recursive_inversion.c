/* Twin of recursive_clean.c: a recursive mutex R is taken twice then X by
 * one thread, and X then R by another (joined in between).  Recursion does
 * not help when another thread owns R: a potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_r_r_x take_x_r
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#include <pthread.h>

static pthread_mutex_t r, x;

__attribute__((noinline)) void *take_r_r_x(void *arg)
{
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&x);
	pthread_mutex_unlock(&x);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
	return arg;
}

__attribute__((noinline)) void *take_x_r(void *arg)
{
	pthread_mutex_lock(&x);
	pthread_mutex_lock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&x);
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
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&x, NULL);
	run(take_r_r_x);
	run(take_x_r);
	return 0;
}

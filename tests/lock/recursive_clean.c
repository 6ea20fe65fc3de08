/* A PTHREAD_MUTEX_RECURSIVE mutex R is taken twice by the same thread, then
 * another lock X inside; two threads (joined in between) do the same, so
 * the order is always R -> X.  Taking R again while holding R is no edge R ->
 * R (a recursive mutex does not block on its owner): clean.  Twin:
 * recursive_inversion.c.
 * EXPECT: clean
 */
#include <pthread.h>

static pthread_mutex_t r, x;

static void *take_r_r_x(void *arg)
{
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&x);
	pthread_mutex_unlock(&x);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
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
	run(take_r_r_x);
	return 0;
}

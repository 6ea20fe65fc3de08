/* Threads take a recursive mutex R, then X, then R again while holding X
 * (joined in between).  The second R never blocks: this thread already owns
 * it.  So X -> R is no lock-order edge, and with R -> X alone there is no
 * cycle: clean.  (Counting the re-entry as an edge would report R -> X -> R,
 * a false positive.)  Twin: recursive_inversion.c.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t r, x;

static void *take_r_x_r(void *arg)
{
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&x);
	if (pthread_mutex_lock(&r) != 0)
		abort();
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&x);
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
	run(take_r_x_r);
	run(take_r_x_r);
	return 0;
}

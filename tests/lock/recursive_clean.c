/* A PTHREAD_MUTEX_RECURSIVE mutex R is taken twice by the same thread, then
 * another lock X inside; two threads (joined in between) do the same, so
 * the order is always R -> X.  Taking R again while holding R is no edge R ->
 * R (a recursive mutex does not block on its owner): clean.  Twins (this
 * program, other threads): recursive_inversion.c, recursive_reenter_clean.c.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdlib.h>
#include "../run_thread.h"

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

/* recursive_inversion.c: the other order */
__attribute__((noinline)) void *take_x_r(void *arg)
{
	pthread_mutex_lock(&x);
	pthread_mutex_lock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&x);
	return arg;
}

/* recursive_reenter_clean.c: R again while holding X */
__attribute__((noinline)) void *take_r_x_r(void *arg)
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

/* what the two threads run, one after the other */
#ifndef FIRST
#define FIRST take_r_r_x
#define SECOND take_r_r_x
#endif

int main(void)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &attr);
	pthread_mutexattr_destroy(&attr);
	pthread_mutex_init(&x, NULL);
	run(FIRST);
	run(SECOND);
	return 0;
}

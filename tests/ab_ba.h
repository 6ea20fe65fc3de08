/* ab_ba.h - the lock-order inversion most tests need: two mutexes a and
 * b, take_ab() and take_ba() to take them in either order (not inlined,
 * so reports name them), and run() (run_thread.h) to run one in a thread
 * and join it.
 * A test that takes them another way defines AB_LOCK(m) first. */
#include <pthread.h>

#ifndef AB_LOCK
#define AB_LOCK(m)	pthread_mutex_lock(m)
#endif

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_ab(void *arg)
{
	AB_LOCK(&a);
	AB_LOCK(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	AB_LOCK(&b);
	AB_LOCK(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

#include "run_thread.h"

/* `deadbolt run --lock-order=0` turns lock-order checking off: the A/B
 * inversion (two threads joined in between) goes unreported and run exits
 * with the program's status 0.  Twin: tests/lock/ab_ba.c.
 * RUN: deadbolt run --lock-order=0 --json %json -- %prog
 * EXPECT: clean
 */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

static void *take_ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
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
	run(take_ab);
	run(take_ba);
	return 0;
}

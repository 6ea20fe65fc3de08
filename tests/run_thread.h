/* run_thread.h - run(fn): fn in a thread of its own, joined before run
 * returns, so the orders a test forms come one after the other and never
 * hang. */
#include <pthread.h>

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

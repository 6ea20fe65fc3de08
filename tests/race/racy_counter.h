/* racy_counter.h - the racy global counter several race tests share:
 * bump() increments `counter` without a lock for RACY_MS.  The race lasts
 * that long, whatever the machine's speed: the sampler catches a few
 * accesses per 10 ms window, so time, not a count, finds it.
 * COUNTER_SYMBOL, defined first, gives the counter another symbol name. */
#include <pthread.h>

#include "now_ms.h"

#define RACY_MS 500

#ifndef COUNTER_SYMBOL
#define COUNTER_SYMBOL
#endif

/* volatile: every ++ is a load and a store, none merged or hoisted */
volatile long counter COUNTER_SYMBOL;

__attribute__((noinline)) void *bump(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

/* Two threads of bump(), joined: 0 if the counter moved */
static inline int race_two(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return counter > 0 ? 0 : 3;
}

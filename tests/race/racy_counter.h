/* racy_counter.h - the racy global counter several race tests share:
 * bump() increments `counter` without a lock for RACY_MS.  The race lasts
 * that long, whatever the machine's speed: the sampler catches a few
 * accesses per 10 ms window, so time, not a count, finds it. */
#include "now_ms.h"

#define RACY_MS 500

/* volatile: every ++ is a load and a store, none merged or hoisted */
volatile long counter;

__attribute__((noinline)) void *bump(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

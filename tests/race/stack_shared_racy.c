/* A local of main handed to a thread by address (as OpenMP shares the
 * variables of the function around a region): both threads add to it
 * without a lock.  An access to a thread's own stack is sampled once
 * another thread was caught at that location, so the race between main
 * and the worker is found.  Twin: stack_shared_clean.c.
 * EXPECT: data-race >=1
 * EXPECT-FUNC: data-race add_to
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'stack' and F('data-race')[0]['location']['thread'] == 0
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include "stack_shared.h"

#define RACY_MS 500

static void *work(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			add_to(arg, i);
	return NULL;
}

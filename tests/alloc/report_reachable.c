/* report_reachable=1: blocks still reachable at exit are listed too, with
 * their allocation stack (the report's "reachable" list: not findings, not
 * errors), here a global cache; without it they are only counted.
 * Twin: global_cache_clean.c.
 * RUN: deadbolt run --report-reachable --json %json -- %prog
 * EXPECT: clean
 * EXPECT-JSON: any(f['leak_kind'] == 'reachable' and f['blocks'] == 8 and f['bytes'] == 128 and f['stack'][0]['function'] == 'fill_cache' for f in j['reachable'])
 */
#include <stdlib.h>

void *cache[8];		/* not static: the stores must stay */

__attribute__((noinline)) void fill_cache(void)
{
	for (int i = 0; i < 8; i++)
		cache[i] = malloc(16);
}

int main(void)
{
	fill_cache();
	return 0;
}

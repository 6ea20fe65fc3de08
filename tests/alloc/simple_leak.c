/* Ten blocks of 100 bytes from one call site, each pointer dropped: one
 * definite leak finding with the exact bytes and blocks, allocated in
 * make_garbage called from main.  One more block stays in a global: still
 * reachable, not a finding.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak make_garbage main
 * EXPECT-JSON: F('leak')[0]['bytes'] == 1000 and F('leak')[0]['blocks'] == 10
 * EXPECT-JSON: F('leak')[0]['leak_kind'] == 'definite'
 * EXPECT-JSON: F('leak')[0]['thread'] == 0
 * EXPECT-JSON: j['processes'][0]['leaks']['reachable_blocks'] >= 1
 */
#include <stdlib.h>
#include <string.h>

void *volatile kept;

__attribute__((noinline)) void *make_garbage(size_t n)
{
	void *p = malloc(n);

	memset(p, 0xab, n);
	return p;
}

#include "../scrub.h"

int main(int argc, char **argv)
{
	(void)argv;
	for (int i = 0; i < 9 + argc; i++)	/* 10: argc is 1 */
		make_garbage(100);
	kept = make_garbage(50);
	scrub();
	return 0;
}

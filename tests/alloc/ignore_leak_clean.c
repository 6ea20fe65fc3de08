/* A block leaked on purpose and marked with DEADBOLT_IGNORE_LEAK: neither
 * it nor the block only it points to is reported; the summary counts it as
 * suppressed.  Built with include/deadbolt.h, it runs unchanged without the
 * runtime (the first RUN line).  Twin: simple_leak.c.
 * RUN: %prog
 * RUN: deadbolt run --json %json -- %prog
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['leaks']['suppressed_blocks'] == 1
 * EXPECT-JSON: j['processes'][0]['leaks']['suppressed_bytes'] == 64
 */
#include <stdlib.h>

#include "deadbolt.h"

struct holder {
	char *inner;
	char pad[56];
};

__attribute__((noinline)) void leak_on_purpose(void)
{
	struct holder *h = malloc(sizeof(*h));

	h->inner = malloc(1000);
	DEADBOLT_IGNORE_LEAK(h);
}

#include "../scrub.h"

int main(void)
{
	leak_on_purpose();
	scrub();
	return 0;
}

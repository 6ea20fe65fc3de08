/* A racy counter in a program whose other memory-access instructions,
 * thousands of them, never run (as in a large program, or a Rust binary
 * with its standard library): drawn at random, the two of the race would
 * be armed too late in a short run.  The sampler also arms the
 * instructions where the threads are seen running (a task-clock profile),
 * and finds it.  Twin: global_counter.c.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['race']['candidates'] >= 4096
 */
#include "racy_counter.h"

/* 4096 functions never called, each with an access of its own */
volatile long cold_data[4096];
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define COLD1 __attribute__((used, noinline)) void CAT(cold_, __COUNTER__)(void) \
	{ cold_data[__COUNTER__ % 4096] += 3; }
#define COLD4 COLD1 COLD1 COLD1 COLD1
#define COLD16 COLD4 COLD4 COLD4 COLD4
#define COLD256 COLD16 COLD16 COLD16 COLD16 COLD16 COLD16 COLD16 COLD16 \
	COLD16 COLD16 COLD16 COLD16 COLD16 COLD16 COLD16 COLD16
COLD256 COLD256 COLD256 COLD256 COLD256 COLD256 COLD256 COLD256
COLD256 COLD256 COLD256 COLD256 COLD256 COLD256 COLD256 COLD256

int main(void)
{
	return race_two();
}

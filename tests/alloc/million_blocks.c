/* One million blocks live at exit, in two threads' worth of call sites:
 * half kept in a global array (reachable), half dropped (500,000 definite
 * leaks from one stack, one finding).  The table and the scan must cope:
 * the whole run stays within a bound far above native (well under a
 * second natively).
 * TIMEOUT: 60
 * EXPECT: leak 1
 * EXPECT-FUNC: leak drop_one
 * EXPECT-JSON: F('leak')[0]['blocks'] == 500000 and F('leak')[0]['bytes'] == 500000 * 24
 * EXPECT-JSON: j['processes'][0]['leaks']['reachable_blocks'] >= 500000
 */
#include <stdlib.h>

#define N 500000

static void **kept;

__attribute__((noinline)) void keep_one(size_t i)
{
	kept[i] = malloc(24);
}

__attribute__((noinline)) void drop_one(void)
{
	void *p = malloc(24);

	__asm__ volatile("" : : "r"(p));
}

int main(void)
{
	kept = malloc(N * sizeof(*kept));
	for (size_t i = 0; i < N; i++) {
		keep_one(i);
		drop_one();
	}
	return 0;
}

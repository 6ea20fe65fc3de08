/* One malloc call in the source, four in the binary (the loop is unrolled):
 * four return addresses on one line, which symbolize the same.  They are
 * one leak of 4 blocks and 96 bytes, not four findings of which only the
 * first counts.  (The objdump check makes sure the compiler did unroll.)
 * CFLAGS: -O2
 * RUN: test "$(objdump -d %prog | awk '/<leak_four>:/,/^$/' | grep -c 'call.*malloc')" -ge 2 || exit 3
 * RUN: deadbolt run --json %json -- %prog
 * EXPECT: leak 1
 * EXPECT-JSON: F('leak')[0]['bytes'] == 96 and F('leak')[0]['blocks'] == 4
 * EXPECT-FUNC: leak leak_four
 */
#include <stdlib.h>

__attribute__((noinline)) static void leak_four(void)
{
	void *volatile p;

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++)
		p = malloc(24);
	(void)p;
}

int main(void)
{
	leak_four();
	return 0;
}

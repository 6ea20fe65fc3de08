/* `race:` suppressions, on a synthetic log (racelog.c) of three races:
 * one on `counter` is dropped by `race:counter` (the location's symbol),
 * one on `other` by `race:reader_d` (a frame of its earlier access); one
 * on `third` stays: `leak:third` is for leaks only and `race:nomatch*`
 * matches nothing.  Exit 1: one finding left.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: printf 'race:counter\nrace:reader_d\nleak:third\nrace:nomatch*\n' > %t/supp
 * RUN: deadbolt report --suppressions %t/supp --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 1
 * EXPECT-EXIT: 1
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'third' and j['suppressed'] == 2
 */
#include <unistd.h>

#include "racelog.h"

int counter, other, third;

__attribute__((noinline)) static uint64_t writer_c(void)
{
	counter = 1;
	return rl_here();
}

__attribute__((noinline)) static uint64_t reader_d(void)
{
	other = counter;
	return rl_here();
}

__attribute__((noinline)) static uint64_t writer_e(void)
{
	third = 3;
	return rl_here();
}

static void race(struct racelog *rl, int *where, uint64_t a, uint64_t b)
{
	struct db_race_access x = rl_access(rl, 1, a == 0 ? 0 : DB_RACEF_WRITE, a, 0);
	struct db_race_access y = rl_access(rl, 2, DB_RACEF_WRITE, b, 0);
	uint64_t p = (uint64_t)(uintptr_t)where;

	rl_race(rl, DB_RACE_UNORDERED, DB_RACE_LOC_GLOBAL, p, 4, p, 4, 0, &x, &y);
}

int main(int argc, char **argv)
{
	struct racelog rl;
	uint64_t c, d, e;

	if (argc < 2)
		return 2;
	c = writer_c();
	d = reader_d();
	e = writer_e();
	rl_open_two_threads(&rl, argv[1], (uint64_t)getpid());
	race(&rl, &counter, c, e);
	race(&rl, &other, d, e);
	race(&rl, &third, c, e);
	rl_exit(&rl, 0);
	rl_close(&rl);
	return 0;
}

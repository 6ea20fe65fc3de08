/* Races on atomic locations are dropped, from a synthetic log (racelog.c):
 * a location with a RACE_ATOMIC record after its race, one whose
 * RACE_ATOMIC came first and covers only its upper half, and a race of two
 * atomic accesses.  A race on the word just past an atomic one is kept: an
 * atomic location marks only its own bytes.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: deadbolt report --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 1
 * EXPECT-EXIT: 1
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'words' and F('data-race')[0]['location']['offset'] == 4
 * EXPECT-JSON: F('data-race')[0]['summary'] == "data race on 'words' (+4, 4 bytes): read by thread T2 vs atomic write by thread T1 [witnessed]"
 * EXPECT-JSON: [(a['write'], a['atomic']) for a in F('data-race')[0]['accesses']] == [(True, True), (False, False)]
 */
#include <unistd.h>

#include "racelog.h"

int flag;		/* RACE_ATOMIC after the race */
long half;		/* RACE_ATOMIC before, on bytes 4..7 */
int both;		/* two atomic accesses */
int words[2];		/* words[0] atomic, words[1] raced */

__attribute__((noinline)) static uint64_t site_a(void)
{
	flag = 1;
	return rl_here();
}

__attribute__((noinline)) static uint64_t site_b(void)
{
	half = 2;
	return rl_here();
}

int main(int argc, char **argv)
{
	struct racelog rl;
	uint64_t a, b;

	if (argc < 2)
		return 2;
	a = site_a();
	b = site_b();
	rl_open_two_threads(&rl, argv[1], (uint64_t)getpid());
	rl_atomic(&rl, (uint64_t)(uintptr_t)&half + 4, 4);
	rl_atomic(&rl, (uint64_t)(uintptr_t)&words[0], 4);

	struct db_race_access w = rl_access(&rl, 1, DB_RACEF_WRITE, a, 0);
	struct db_race_access r = rl_access(&rl, 2, 0, b, 0);
	uint64_t p = (uint64_t)(uintptr_t)&flag;
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, p, 4, p, 4, 0, &w, &r);
	p = (uint64_t)(uintptr_t)&half;
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, p, 8, p, 8, 0, &w, &r);

	struct db_race_access aw = w, ar = r;
	aw.flags |= DB_RACEF_ATOMIC;
	ar.flags |= DB_RACEF_ATOMIC;
	p = (uint64_t)(uintptr_t)&both;
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, p, 4, p, 4, 0, &aw, &ar);

	p = (uint64_t)(uintptr_t)&words[1];
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, p, 4, p - 4, 8, 0, &aw, &r);
	rl_atomic(&rl, (uint64_t)(uintptr_t)&flag, 4);
	rl_exit(&rl, 0);
	rl_close(&rl);
	return 0;
}

/* A data race fails `deadbolt run` like any finding: this program writes,
 * next to its own log, the synthetic log (racelog.c) of a process that saw
 * a race on `counter`; `deadbolt run` reports it and exits with the
 * --error-exitcode.
 * RUN: deadbolt run --log-dir %t/logs --error-exitcode 42 --json %json -- %prog %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 1
 * EXPECT-EXIT: 42
 * EXPECT-FUNC: data-race bump
 * EXPECT-STDERR: data race on 'counter' \(\+0, 4 bytes\): write by thread T2 vs write by thread T1 \[witnessed\]
 */
#include <unistd.h>

#include "racelog.h"

int counter;

__attribute__((noinline)) static uint64_t bump(void)
{
	counter++;
	return rl_here();
}

int main(int argc, char **argv)
{
	struct racelog rl;
	uint64_t pc, p = (uint64_t)(uintptr_t)&counter;

	if (argc < 2)
		return 2;
	pc = bump();
	/* a pid of no process: the synthetic one */
	rl_open(&rl, argv[1], 4000000000u + (uint64_t)getpid());
	rl_thread(&rl, 1, 0, 0);
	rl_thread(&rl, 2, 0, 0);
	struct db_race_access a = rl_access(&rl, 1, DB_RACEF_WRITE, pc, 0);
	struct db_race_access b = rl_access(&rl, 2, DB_RACEF_WRITE, pc, 0);
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, p, 4, p, 4, 0, &a, &b);
	rl_exit(&rl, 0);
	rl_close(&rl);
	return 0;
}

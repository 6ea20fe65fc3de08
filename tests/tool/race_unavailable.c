/* Race detection impossible, from synthetic logs (racelog.c): one process
 * could not patch its code (EPERM), a second gave up after starting (a
 * debugger attached), a third ran with race=0.  One line on stderr names
 * the first and counts the other; the text report, not on stderr, says it
 * per process; the JSON gives each process's state, reason and errno, and
 * no totals, since none were logged.  Nothing else is wrong: exit 0.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: deadbolt report -o %t/report.txt %t/logs; grep -q 'races: not checked, detection was unavailable: code cannot be patched' %t/report.txt || echo TEXT-LACKS-COVERAGE >&2
 * RUN: deadbolt report --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: clean
 * EXPECT-EXIT: 0
 * EXPECT-STDERR: ^deadbolt: race detection unavailable in pid [0-9]+: code cannot be patched through /proc/self/mem \(EPERM: denied by a seccomp filter\) \(Operation not permitted\); also in 1 other process$
 * EXPECT-NO-STDERR: TEXT-LACKS-COVERAGE
 * EXPECT-NO-STDERR: debugger
 * EXPECT-JSON: j['processes'][0]['race'] == {'state': 'unavailable', 'reason': 'code cannot be patched through /proc/self/mem (EPERM: denied by a seccomp filter)', 'errno': 1}
 * EXPECT-JSON: j['processes'][1]['race'] == {'state': 'unavailable', 'reason': 'a debugger is attached (TracerPid 42): it owns SIGTRAP and breakpoints', 'errno': None}
 * EXPECT-JSON: j['processes'][2]['race'] == {'state': 'off', 'reason': 'race=0', 'errno': None}
 */
#include <errno.h>
#include <unistd.h>

#include "racelog.h"

int main(int argc, char **argv)
{
	struct racelog rl;
	uint64_t pid = (uint64_t)getpid();

	if (argc < 2)
		return 2;
	rl_open(&rl, argv[1], pid);
	rl_status(&rl, DB_RACE_STATE_UNAVAILABLE, EPERM, "code cannot be patched through "
		  "/proc/self/mem (EPERM: denied by a seccomp filter)");
	rl_exit(&rl, 0);
	rl_close(&rl);
	rl_open(&rl, argv[1], pid + 1);
	rl_status(&rl, DB_RACE_STATE_ON, 0, "");
	rl_status(&rl, DB_RACE_STATE_UNAVAILABLE, 0,
		  "a debugger is attached (TracerPid 42): it owns SIGTRAP and breakpoints");
	rl_exit(&rl, 0);
	rl_close(&rl);
	rl_open(&rl, argv[1], pid + 2);
	rl_status(&rl, DB_RACE_STATE_OFF, 0, "race=0");
	rl_exit(&rl, 0);
	rl_close(&rl);
	return 0;
}

/* quick_exit(5) from main while two detached threads keep taking A then B
 * and allocating.  quick_exit runs the at_quick_exit handler (it writes
 * "quick" with write(2)) and ends the process with _exit from inside libc,
 * not through an interposable call: the runtime sees no exit() and runs no
 * end-of-process work, yet the program's status and output are unchanged
 * and the report has the status 5.  Clean: one lock order; no leak check
 * happens at quick_exit (as with _exit).
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = quick ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 5
 * EXPECT-JSON: j['processes'][0]['exit'] == 5 and j['processes'][0]['signal'] is None
 */
#include <unistd.h>

#include "ab_workers.h"

static void on_quick_exit(void)
{
	if (write(1, "quick\n", 6) != 6)
		_exit(9);
}

int main(void)
{
	at_quick_exit(on_quick_exit);
	ab_workers_start();
	ab_workers_warm();
	quick_exit(5);
}

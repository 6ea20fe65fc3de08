/* abort() from a thread while two detached threads keep taking A then B and
 * allocating; the program's SIGABRT handler ends the process with _exit(7).
 * The runtime's _exit shim then runs inside a signal handler while other
 * threads are inside its lock and malloc shims: no hang, no crash, the
 * status is 7 (an exit, not the signal), and nothing is reported.
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = aborting ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 7
 * EXPECT-JSON: j['processes'][0]['exit'] == 7 and j['processes'][0]['signal'] is None
 */
#include <signal.h>
#include <unistd.h>

#include "ab_workers.h"

static void on_abort(int sig)
{
	(void)sig;
	_exit(7);
}

static void *aborter(void *arg)
{
	ab_workers_warm();
	if (write(1, "aborting\n", 9) != 9)
		_exit(9);
	abort();
	return arg;
}

int main(void)
{
	pthread_t t;

	signal(SIGABRT, on_abort);
	ab_workers_start();
	pthread_create(&t, NULL, aborter, NULL);
	pthread_join(t, NULL);
	return 0;
}

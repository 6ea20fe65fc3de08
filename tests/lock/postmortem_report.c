/* Two threads form the A/B inversion (joined in between), then the program
 * kills itself with SIGKILL: no handler, no atexit, nothing after.  The raw
 * log kept everything up to then, so `deadbolt report` on the log directory
 * shows the inversion post mortem (report exits 1 when it finds something).
 * The log has no exit record: exit and signal are unknown.
 * RUN: mkdir %t/logs
 * RUN: deadbolt run --log-dir %t/logs --keep-logs -- %prog
 * RUN: deadbolt report --json %json %t/logs
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 1
 * EXPECT-JSON: j['processes'][0]['exit'] is None
 */
#include <pthread.h>
#include <signal.h>

/* initialised again in main: created at an init site */
#include "../ab_ba.h"

int main(void)
{
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(take_ba);
	raise(SIGKILL);
	return 0;
}

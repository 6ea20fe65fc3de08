/* A log directory holding a real log with the A/B inversion and, beside it,
 * deadbolt.1.log made of random bytes.  `deadbolt report` on the directory
 * still shows the real finding (one process, one inversion) and names the
 * bad file on stderr.  Exit 1: findings.
 * RUN: mkdir %t/logs
 * RUN: deadbolt run --log-dir %t/logs --keep-logs -- %prog
 * RUN: head -c 4096 /dev/urandom > %t/logs/deadbolt.1.log
 * RUN: deadbolt report --json %json %t/logs
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-STDERR: deadbolt\.1\.log
 * EXPECT-JSON: len(j['processes']) == 1
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

/* A log whose last record was cut short (truncate -s -5), as a full disk or
 * a crash in the middle of a write would leave it.  The program forms the
 * A/B inversion first and then keeps logging (a thread taking two new locks
 * C -> D: thread, lock and edge records, then the exit record), so only
 * records after the cycle are damaged.  `deadbolt report` keeps what came
 * before the damage: the inversion is still there, and it names the
 * damaged log on stderr.  Exit 1: findings.
 * RUN: mkdir %t/logs
 * RUN: deadbolt run --log-dir %t/logs --keep-logs -- %prog
 * RUN: truncate -s -5 %t/logs/deadbolt.*.log
 * RUN: deadbolt report --json %json %t/logs
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-STDERR: deadbolt\.[0-9]+\.log
 */
#include <pthread.h>

#include "../ab_ba.h"

static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;

static void *take_cd(void *arg)
{
	pthread_mutex_lock(&c);
	pthread_mutex_lock(&d);
	pthread_mutex_unlock(&d);
	pthread_mutex_unlock(&c);
	return arg;
}

int main(void)
{
	run(take_ab);
	run(take_ba);
	run(take_cd);
	return 0;
}

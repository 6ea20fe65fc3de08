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

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

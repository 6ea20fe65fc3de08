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

static pthread_mutex_t a, b;

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
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(take_ba);
	raise(SIGKILL);
	return 0;
}

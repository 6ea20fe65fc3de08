/* With --on-deadlock=report the deadlock is reported and the program left
 * hanging (for a debugger); --timeout then dumps and kills it: both the
 * deadlock and the hang are in the report, the deadlock first in the log.
 * TIMEOUT: 30
 * RUN: deadbolt run --on-deadlock=report --timeout 2 --json %json -- %prog
 * EXPECT: deadlock 1, lock-order-inversion 1, hang 1
 * EXPECT-EXIT: 66
 * EXPECT-JSON: j['processes'][0]['signal'] == 9
 */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&b);
	return arg;
}

static void *ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&a);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_create(&t1, NULL, ab, NULL);
	pthread_create(&t2, NULL, ba, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

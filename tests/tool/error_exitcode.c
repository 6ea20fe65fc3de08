/* `deadbolt run --error-exitcode 9` on a program with the A/B inversion
 * (two threads joined in between) that itself exits 0: a finding was made,
 * so run exits with the chosen status instead of the default 66.
 * RUN: deadbolt run --error-exitcode 9 --json %json -- %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 9
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
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

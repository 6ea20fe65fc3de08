/* main holds M and joins a thread that waits for M: main waits for the
 * thread, the thread for main.  A deadlock through pthread_join.
 * TIMEOUT: 20
 * EXPECT: deadlock 1
 * EXPECT-EXIT: 66
 * EXPECT-JSON: any(t['waits_for'].get('thread') is not None for t in F('deadlock')[0]['threads'])
 * EXPECT-FUNC: deadlock wants_m
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void *wants_m(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_mutex_lock(&m);
	pthread_create(&t, NULL, wants_m, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&m);
	return 0;
}

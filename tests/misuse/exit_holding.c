/* A thread returns from its start routine still holding a mutex.
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'exit-holding'
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *forgets_unlock(void *arg)
{
	pthread_mutex_lock(&m);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, forgets_unlock, NULL);
	pthread_join(t, NULL);
	return 0;
}

/* A thread returns from its start routine still holding a mutex.  The
 * report says where the lock was taken (the caller of the lock call).
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'exit-holding'
 * EXPECT-JSON: F('misuse')[0]['other_stack'][0]['function'] == 'forgets_unlock'
 * EXPECT-JSON: 'taken in forgets_unlock' in F('misuse')[0]['summary']
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

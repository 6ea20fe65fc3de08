/* Unlock of a mutex nobody holds.
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'unlock-unlocked'
 * EXPECT-FUNC: misuse unlock_twice
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void unlock_twice(void)
{
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_unlock(&m);
}

int main(void)
{
	unlock_twice();
	return 0;
}

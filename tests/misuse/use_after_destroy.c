/* Lock of a destroyed mutex (glibc answers EINVAL; the program ignores it).
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'use-after-destroy'
 */
#include <pthread.h>

int main(void)
{
	pthread_mutex_t m;

	pthread_mutex_init(&m, NULL);
	pthread_mutex_destroy(&m);
	pthread_mutex_lock(&m);
	return 0;
}

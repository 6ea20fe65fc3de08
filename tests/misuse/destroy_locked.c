/* Destroy of a mutex its thread still holds.
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'destroy-locked'
 */
#include <pthread.h>

int main(void)
{
	pthread_mutex_t m;

	pthread_mutex_init(&m, NULL);
	pthread_mutex_lock(&m);
	pthread_mutex_destroy(&m);
	return 0;
}

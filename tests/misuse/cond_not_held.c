/* pthread_cond_timedwait with a mutex the thread does not hold.
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'cond-not-held'
 */
#include <pthread.h>
#include <time.h>

int main(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_cond_timedwait(&c, &m, &ts);
	return 0;
}

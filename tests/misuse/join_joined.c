/* A second join of a thread already joined (undefined behaviour: glibc may
 * crash or hang; deadbolt reports it and answers ESRCH instead).
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'join-joined'
 */
#include <pthread.h>

static void *worker(void *arg)
{
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, worker, NULL);
	pthread_join(t, NULL);
	pthread_join(t, NULL);
	return 0;
}

/* Join of a detached thread (glibc answers EINVAL).
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'join-detached'
 */
#include <pthread.h>

static pthread_barrier_t started, go;

static void *worker(void *arg)
{
	pthread_barrier_wait(&started);
	pthread_barrier_wait(&go);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_barrier_init(&started, NULL, 2);
	pthread_barrier_init(&go, NULL, 2);
	pthread_create(&t, NULL, worker, NULL);
	pthread_barrier_wait(&started);
	pthread_detach(t);
	pthread_join(t, NULL);
	pthread_barrier_wait(&go);
	return 0;
}

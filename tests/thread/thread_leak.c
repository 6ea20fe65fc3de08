/* A thread still running at exit that was neither joined nor detached.
 * EXPECT: thread-leak 1
 * EXPECT-FUNC: thread-leak start_forgotten
 */
#include <pthread.h>
#include <unistd.h>

static pthread_barrier_t started;

static void *forgotten(void *arg)
{
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return arg;
}

__attribute__((noinline)) static void start_forgotten(void)
{
	pthread_t t;

	pthread_create(&t, NULL, forgotten, NULL);
}

int main(void)
{
	pthread_barrier_init(&started, NULL, 2);
	start_forgotten();
	pthread_barrier_wait(&started);
	return 0;
}

/* The clean twins of thread_leak.c: one thread joined, one created
 * detached and one detached later, both still running at exit.
 * EXPECT: clean
 */
#include <pthread.h>
#include <unistd.h>

static pthread_barrier_t started;

static void *quick(void *arg)
{
	return arg;
}

static void *forever(void *arg)
{
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_attr_t a;

	pthread_barrier_init(&started, NULL, 3);
	pthread_create(&t, NULL, quick, NULL);
	pthread_join(t, NULL);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_create(&t, &a, forever, NULL);
	pthread_create(&t, NULL, forever, NULL);
	pthread_detach(t);
	pthread_barrier_wait(&started);
	return 0;
}

/* A thread holds a lock across a slow operation (here a 400 ms sleep: the
 * slowness is the behaviour under test) while another waits for it.  With
 * --stall-ms=100 the waiter's stall is reported, naming the holder and
 * where it took the lock.
 * TIMEOUT: 20
 * RUN: deadbolt run --stall-ms=100 --json %json -- %prog
 * EXPECT: stall 1
 * EXPECT-FUNC: stall slow_holder waiter
 */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t held;

__attribute__((noinline)) static void *slow_holder(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&held);
	usleep(400 * 1000);
	pthread_mutex_unlock(&m);
	return arg;
}

__attribute__((noinline)) static void *waiter(void *arg)
{
	pthread_barrier_wait(&held);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&held, NULL, 2);
	pthread_create(&t1, NULL, slow_holder, NULL);
	pthread_create(&t2, NULL, waiter, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

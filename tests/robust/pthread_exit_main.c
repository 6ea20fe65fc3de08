/* main ends with pthread_exit() while two threads go on; once the main
 * thread is gone (the first waits until /proc/self/exe can no longer be
 * read, which is what happens when the thread-group leader has exited),
 * they take A then B and B then A (ordered by a join, no hang), and the
 * process ends when the last thread returns (status 0, no exit() call
 * anywhere).  pthread_exit also loaded libgcc_s to unwind main.  The
 * runtime must keep working after the main thread's state is gone, keep
 * its module map right (the program is still the program, though its path
 * can no longer be read from /proc/self/exe), and report the inversion
 * with both functions.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_t first;
static pthread_barrier_t main_gone;

static void wait_main_gone(void)
{
	char path[4096];

	pthread_barrier_wait(&main_gone);
	while (readlink("/proc/self/exe", path, sizeof(path)) > 0)
		sched_yield();
}

__attribute__((noinline)) void *take_ab(void *arg)
{
	wait_main_gone();
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	pthread_join(first, NULL);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_t second;

	pthread_barrier_init(&main_gone, NULL, 2);
	pthread_create(&first, NULL, take_ab, NULL);
	pthread_create(&second, NULL, take_ba, NULL);
	pthread_detach(second);
	/* first starts only once main is on its way out */
	pthread_barrier_wait(&main_gone);
	pthread_exit(NULL);
}

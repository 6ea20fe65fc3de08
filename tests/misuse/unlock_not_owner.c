/* A thread unlocks a mutex another thread holds (the owner waits at a
 * barrier meanwhile).  The owner then returns believing it holds the mutex,
 * which deadbolt reports too: two misuses.
 * EXPECT: misuse 2
 * EXPECT-JSON: sorted(f['misuse'] for f in F('misuse')) == ['exit-holding', 'unlock-not-owner']
 * EXPECT-JSON: [f['other_thread'] for f in F('misuse') if f['misuse'] == 'unlock-not-owner'] == [1]
 * EXPECT-FUNC: misuse foreign_unlock
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t locked, unlocked;

static void *owner(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&locked);
	pthread_barrier_wait(&unlocked);
	return arg;
}

__attribute__((noinline)) static void *foreign_unlock(void *arg)
{
	pthread_barrier_wait(&locked);
	pthread_mutex_unlock(&m);
	pthread_barrier_wait(&unlocked);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&locked, NULL, 2);
	pthread_barrier_init(&unlocked, NULL, 2);
	pthread_create(&t1, NULL, owner, NULL);
	pthread_create(&t2, NULL, foreign_unlock, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

/* A thread's held stack can show a lock the lock itself says is free: here
 * main unlocks a mutex the owner thread took (a misuse, reported), so the
 * owner's stack keeps it; then main destroys the mutex, which is free by
 * then.  That destroy is no misuse, however the owner's stack reads (the
 * same happens for an instant after every unlock: the entry leaves the
 * stack just after the real unlock, and a thread that took the lock
 * meanwhile may destroy or free it).  A destroy while the owner really
 * holds the mutex is one.
 * EXPECT: misuse 3
 * EXPECT-JSON: sorted(f['misuse'] for f in F('misuse')) == ['destroy-locked', 'exit-holding', 'unlock-not-owner']
 * EXPECT-FUNC: misuse destroy_held
 * EXPECT-JSON: [f['other_thread'] for f in F('misuse') if f['misuse'] == 'destroy-locked'] == [1]
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t locked, done;

static void *owner(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_mutex_lock(&held);
	pthread_barrier_wait(&locked);
	pthread_barrier_wait(&done);
	pthread_mutex_unlock(&held);
	return arg;
}

__attribute__((noinline)) static void destroy_free(void)
{
	pthread_mutex_destroy(&m);
}

__attribute__((noinline)) static void destroy_held(void)
{
	pthread_mutex_destroy(&held);
}

int main(void)
{
	pthread_t t;

	pthread_barrier_init(&locked, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&t, NULL, owner, NULL);
	pthread_barrier_wait(&locked);
	pthread_mutex_unlock(&m);	/* not main's: unlock-not-owner */
	destroy_free();			/* free by now: no misuse */
	destroy_held();			/* the owner holds it: destroy-locked */
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	return 0;
}

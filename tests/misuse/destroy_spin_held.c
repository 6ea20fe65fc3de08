/* Destroy of a spinlock another thread holds (it waits at a barrier with
 * the lock taken).  The lock's own word must read as held: on x86-64
 * glibc a free spinlock is 1 and a held one 0 or below.
 * EXPECT: misuse 2
 * EXPECT-JSON: sorted(f['misuse'] for f in F('misuse')) == ['destroy-locked', 'exit-holding']
 * EXPECT-JSON: [f['other_thread'] for f in F('misuse') if f['misuse'] == 'destroy-locked'] == [1]
 * EXPECT-FUNC: misuse destroy_it
 */
#include <pthread.h>

static pthread_spinlock_t s;
static pthread_barrier_t locked, done;

static void *holder(void *arg)
{
	pthread_spin_lock(&s);
	pthread_barrier_wait(&locked);
	pthread_barrier_wait(&done);
	return arg;		/* still holding s: exit-holding */
}

__attribute__((noinline)) static void destroy_it(void)
{
	pthread_spin_destroy(&s);
}

int main(void)
{
	pthread_t t;

	pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE);
	pthread_barrier_init(&locked, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&t, NULL, holder, NULL);
	pthread_barrier_wait(&locked);
	destroy_it();
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	return 0;
}

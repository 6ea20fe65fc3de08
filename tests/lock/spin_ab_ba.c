/* Two threads take spinlocks A then B and B then A (joined in between).
 * Spinlocks deadlock like mutexes (spinning forever instead of sleeping):
 * a potential deadlock, reported with the locks' type.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion spin_ab spin_ba
 * EXPECT-JSON: all(l['type'] == 'spinlock' for l in F('lock-order-inversion')[0]['locks'])
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_spinlock_t a, b;

__attribute__((noinline)) void *spin_ab(void *arg)
{
	pthread_spin_lock(&a);
	pthread_spin_lock(&b);
	pthread_spin_unlock(&b);
	pthread_spin_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *spin_ba(void *arg)
{
	pthread_spin_lock(&b);
	pthread_spin_lock(&a);
	pthread_spin_unlock(&a);
	pthread_spin_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_spin_init(&a, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&b, PTHREAD_PROCESS_PRIVATE);
	run(spin_ab);
	run(spin_ba);
	return 0;
}

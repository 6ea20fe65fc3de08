/* One thread takes spinlocks A then B; another, holding B, takes A only
 * with pthread_spin_trylock.  A trylock never spins: no edge into A, clean.
 * Twin: spin_ab_ba.c.  The trylock succeeds (the first thread was joined):
 * the program checks it.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdlib.h>
#include "../run_thread.h"

static pthread_spinlock_t a, b;

static void *spin_ab(void *arg)
{
	pthread_spin_lock(&a);
	pthread_spin_lock(&b);
	pthread_spin_unlock(&b);
	pthread_spin_unlock(&a);
	return arg;
}

static void *spin_b_trylock_a(void *arg)
{
	pthread_spin_lock(&b);
	if (pthread_spin_trylock(&a) != 0)
		abort();
	pthread_spin_unlock(&a);
	pthread_spin_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_spin_init(&a, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&b, PTHREAD_PROCESS_PRIVATE);
	run(spin_ab);
	run(spin_b_trylock_a);
	return 0;
}

/* Twin of trylock_clean.c: one thread takes A then B; another gets B with
 * pthread_mutex_trylock and then, holding it, blocks on A.  The trylock
 * itself cannot block, but once it succeeded B is held like any lock, and
 * waiting for A while holding B inverts A -> B: edges out of a trylocked
 * lock count.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab trylock_b_take_a
 */
#include <pthread.h>
#include <stdlib.h>

#include "../ab_ba.h"

__attribute__((noinline)) void *trylock_b_take_a(void *arg)
{
	if (pthread_mutex_trylock(&b) != 0)
		abort();
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(trylock_b_take_a);
	return 0;
}

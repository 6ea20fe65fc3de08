/* One thread takes A then B; another, holding B, takes A only with
 * pthread_mutex_trylock.  A trylock never blocks, so B -> A cannot be half of
 * a deadlock: no edge into a trylocked lock, clean.  Twin:
 * trylock_then_lock.c.  The trylock succeeds (the first thread was joined):
 * the program checks it, so the lock really was held.
 * EXPECT: clean
 */
#include <stdlib.h>

#include "../ab_ba.h"

static void *take_b_trylock_a(void *arg)
{
	pthread_mutex_lock(&b);
	if (pthread_mutex_trylock(&a) != 0)
		abort();
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

int main(void)
{
	run(take_ab);
	run(take_b_trylock_a);
	return 0;
}

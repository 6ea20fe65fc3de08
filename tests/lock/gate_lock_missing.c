/* Twin of gate_lock_clean.c: the first thread takes A then B under the gate
 * lock G, the second takes B then A without G.  Nothing serialises the two
 * orders any more: a potential deadlock (the cycle A -> B -> A is not gated
 * by a lock held on both edges).
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_gab take_ba
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#include <pthread.h>

#include "../ab_ba.h"

static pthread_mutex_t g = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_gab(void *arg)
{
	pthread_mutex_lock(&g);
	take_ab(arg);
	pthread_mutex_unlock(&g);
	return arg;
}

int main(void)
{
	run(take_gab);
	run(take_ba);
	return 0;
}

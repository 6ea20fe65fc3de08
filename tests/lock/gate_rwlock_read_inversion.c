/* Two threads take A then B and B then A, each while holding a common outer
 * rwlock G, but only in read mode.  Readers share G, so G serialises
 * nothing: both threads could hold G at once and deadlock on A and B.  A
 * gate must be held exclusively on every edge of the cycle: potential
 * deadlock.  Twin: gate_rwlock_write_clean.c.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion read_gate_ab read_gate_ba
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_rwlock_t g = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *read_gate_ab(void *arg)
{
	pthread_rwlock_rdlock(&g);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_rwlock_unlock(&g);
	return arg;
}

__attribute__((noinline)) void *read_gate_ba(void *arg)
{
	pthread_rwlock_rdlock(&g);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	pthread_rwlock_unlock(&g);
	return arg;
}

int main(void)
{
	run(read_gate_ab);
	run(read_gate_ba);
	return 0;
}

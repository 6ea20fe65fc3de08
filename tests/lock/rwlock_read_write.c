/* Twin of rwlock_read_read_clean.c: one thread read-locks A then
 * write-locks B, another read-locks B then write-locks A (joined in
 * between).  Run together, each can hold its read lock while the other's
 * write lock waits for it: a potential deadlock, reported with the modes.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion read_a_write_b read_b_write_a
 * EXPECT-JSON: all(l['type'] == 'rwlock' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: all(e['from_mode'] == 'read' and e['to_mode'] == 'write' for e in F('lock-order-inversion')[0]['edges'])
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_rwlock_t a, b;

__attribute__((noinline)) void *read_a_write_b(void *arg)
{
	pthread_rwlock_rdlock(&a);
	pthread_rwlock_wrlock(&b);
	pthread_rwlock_unlock(&b);
	pthread_rwlock_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *read_b_write_a(void *arg)
{
	pthread_rwlock_rdlock(&b);
	pthread_rwlock_wrlock(&a);
	pthread_rwlock_unlock(&a);
	pthread_rwlock_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_rwlock_init(&a, NULL);
	pthread_rwlock_init(&b, NULL);
	run(read_a_write_b);
	run(read_b_write_a);
	return 0;
}

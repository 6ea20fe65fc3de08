/* Two locks of the program's own, spinlocks on C11 atomics that no pthread
 * call sees, annotated with include/deadbolt.h.  One thread takes A then B,
 * another B then A (joined in between, so no hang), and a third takes A
 * with a try-lock while holding B, which adds no edge.  The inversion is
 * found between the two annotated locks.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: all(l['type'] == 'custom' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <deadbolt.h>
#include "../run_thread.h"

struct spin {
	atomic_bool held;
};

static struct spin a, b;

static void spin_lock(struct spin *s)
{
	DEADBOLT_LOCK_ACQUIRE(s, 0);
	while (atomic_exchange_explicit(&s->held, true, memory_order_acquire))
		;
	DEADBOLT_LOCK_ACQUIRED(s, 0);
}

static bool spin_trylock(struct spin *s)
{
	if (atomic_exchange_explicit(&s->held, true, memory_order_acquire))
		return false;
	DEADBOLT_LOCK_ACQUIRED(s, DEADBOLT_LOCK_TRY);
	return true;
}

static void spin_unlock(struct spin *s)
{
	DEADBOLT_LOCK_RELEASED(s);
	atomic_store_explicit(&s->held, false, memory_order_release);
}

__attribute__((noinline)) static void *take_ab(void *arg)
{
	spin_lock(&a);
	spin_lock(&b);
	spin_unlock(&b);
	spin_unlock(&a);
	return arg;
}

__attribute__((noinline)) static void *take_ba(void *arg)
{
	spin_lock(&b);
	spin_lock(&a);
	spin_unlock(&a);
	spin_unlock(&b);
	return arg;
}

__attribute__((noinline)) static void *try_a_under_b(void *arg)
{
	spin_lock(&b);
	if (spin_trylock(&a))
		spin_unlock(&a);
	spin_unlock(&b);
	return arg;
}

int main(void)
{
	DEADBOLT_LOCK_CREATED(&a);
	DEADBOLT_LOCK_CREATED(&b);
	run(take_ab);
	run(try_a_under_b);
	run(take_ba);
	DEADBOLT_LOCK_DESTROYED(&a);
	DEADBOLT_LOCK_DESTROYED(&b);
	return 0;
}

/* Locks a program builds of atomics, which deadbolt does not follow (as
 * Rust's std Mutex, Qt's QMutex, or a spinlock of its own): the data they
 * guard is touched by two threads with no happens-before deadbolt knows
 * of, and is no race.
 *   - a heap account, its lock word inside it, taken and given by
 *     functions of their own (not inlined): the object holds a word that
 *     an exchange touches;
 *   - a global counter whose spinlock is inlined where it is used: the
 *     code around the access compare-exchanges.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 * EXPECT-JSON: j['processes'][0]['race']['withheld'] >= 1
 */
#include <pthread.h>
#include <stdlib.h>

#include "now_ms.h"

#define CLEAN_MS 700	/* both threads must be caught at one location, under load too */

struct account {
	int lock;		/* 0: free */
	long balance;
	long ops;
};

__attribute__((noinline)) static void take(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

__attribute__((noinline)) static void give(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

static struct {
	int lock;
	long counter;
} g;

static inline __attribute__((always_inline)) void g_take(void)
{
	int free = 0;

	while (!__atomic_compare_exchange_n(&g.lock, &free, 1, 0, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		free = 0;
		__builtin_ia32_pause();
	}
}

/* no atomic instruction of its own: only the object holds one's word */
__attribute__((noinline)) static void bump_account(struct account *a, int i)
{
	take(&a->lock);
	a->balance += i;
	a->ops++;
	give(&a->lock);
}

__attribute__((noinline)) static void bump_global(void)
{
	g_take();
	g.counter++;
	__atomic_store_n(&g.lock, 0, __ATOMIC_RELEASE);
}

__attribute__((noinline)) static void *worker(void *arg)
{
	long long end = now_ms() + CLEAN_MS;

	while (now_ms() < end) {
		for (int i = 0; i < 100; i++) {
			bump_account(arg, i);
			bump_global();
		}
	}
	return NULL;
}

int main(void)
{
	struct account *a = calloc(1, sizeof(*a));
	pthread_t t[2];

	if (!a)
		return 1;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, a) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	int ok = a->ops > 0 && g.counter > 0;
	free(a);
	return ok ? 0 : 1;
}

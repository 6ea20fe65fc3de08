/* Two threads share globals only through atomic operations: C11
 * atomic_fetch_add, atomic_store (seq_cst), atomic_load and
 * compare_exchange, and the __atomic builtins __atomic_fetch_add,
 * __atomic_exchange_n, __atomic_store_n and __atomic_load_n with
 * __ATOMIC_SEQ_CST.  gcc emits a locked instruction or xchg for every one of
 * these writes (loads are plain moves): each location is touched by an
 * atomic read-modify-write, so none of them is a race.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

/* Long enough for each global to be sampled many times */
#define CLEAN_MS 300

atomic_long hits;		/* atomic_fetch_add: lock add */
atomic_long last_id;		/* atomic_store (xchg), atomic_load */
atomic_long high_water;		/* compare_exchange (lock cmpxchg), atomic_load */
long raw_adds;			/* __atomic_fetch_add */
long raw_swaps;			/* __atomic_exchange_n */
long raw_stores;		/* __atomic_store_n (xchg), __atomic_load_n */

#include "now_ms.h"

__attribute__((noinline)) void *work(void *arg)
{
	long id = (long)arg;	/* 1 or 2 */
	long long end = now_ms() + CLEAN_MS;
	long n = 0;

	while (now_ms() < end) {
		for (int i = 0; i < 100; i++, n++) {
			atomic_fetch_add(&hits, 1);
			atomic_store(&last_id, id);
			if (atomic_load(&last_id) == 0)
				abort();

			long v = n * 2 + id, cur = atomic_load(&high_water);
			while (v > cur &&
			       !atomic_compare_exchange_weak(&high_water, &cur, v))
				;

			__atomic_fetch_add(&raw_adds, 2, __ATOMIC_SEQ_CST);
			if (__atomic_exchange_n(&raw_swaps, id, __ATOMIC_SEQ_CST) > 2)
				abort();
			__atomic_store_n(&raw_stores, n, __ATOMIC_SEQ_CST);
			if (__atomic_load_n(&raw_stores, __ATOMIC_SEQ_CST) < 0)
				abort();
		}
	}
	return (void *)n;
}

int main(void)
{
	pthread_t t[2];
	long total = 0;

	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, work, (void *)(i + 1)) != 0)
			return 2;
	for (int i = 0; i < 2; i++) {
		void *n;

		pthread_join(t[i], &n);
		total += (long)n;
	}
	return atomic_load(&hits) == total && raw_adds == 2 * total ? 0 : 3;
}

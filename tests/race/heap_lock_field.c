/* A heap struct holds a mutex and two counters: `balance` is updated under
 * the mutex, `hits` right after it, without: a race on `hits` only.  The
 * finding names the block (its size, the offset of the field, the stack
 * that allocated it in make_account), and the accesses come from
 * deposit().  Its clean twin is in the same block: `balance`, always under
 * the lock, is never reported.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race deposit make_account
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'heap'
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] is None and F('data-race')[0].get('symbol') is None
 * EXPECT-JSON: F('data-race')[0]['location']['size'] == 8
 * EXPECT-JSON: F('data-race')[0]['location']['block']['offset'] == 48 and F('data-race')[0]['location']['block']['size'] == 56
 * EXPECT-JSON: 'make_account' in [f['function'] for f in F('data-race')[0]['location']['block']['stack']]
 * EXPECT-JSON: all('deposit' in [f['function'] for f in a['stack']] for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2 and any(a['write'] for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

struct account {
	pthread_mutex_t lock;
	long balance;		/* under lock */
	volatile long hits;	/* not under lock: the race */
};
/* the offsets the EXPECT-JSON lines above name */
_Static_assert(offsetof(struct account, hits) == 48, "hits at 48");
_Static_assert(sizeof(struct account) == 56, "56 bytes");

/* Set before the threads start, only read after: not a race. */
struct account *acct;

#include "now_ms.h"

__attribute__((noinline)) struct account *make_account(void)
{
	struct account *a = malloc(sizeof(*a));

	if (!a)
		abort();
	pthread_mutex_init(&a->lock, NULL);
	a->balance = 0;
	a->hits = 0;
	return a;
}

__attribute__((noinline)) void *deposit(void *arg)
{
	struct account *a = acct;
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end) {
		pthread_mutex_lock(&a->lock);
		a->balance++;
		pthread_mutex_unlock(&a->lock);
		/* many unlocked updates per lock hand-over: most pairs of
		 * them are not ordered by the mutex either */
		for (int i = 0; i < 100; i++)
			a->hits++;
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];

	acct = make_account();
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, deposit, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&acct->lock);
	free(acct);
	return 0;
}

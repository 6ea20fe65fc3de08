/* Twin of many_locks_clean.c: the same 100,000 live mutexes locked in
 * disjoint pairs (2k, 2k+1), lower index first, then one last thread takes
 * one pair in the middle the other way round.  Exactly one of the 50,000
 * pairs is inverted: one potential deadlock, not lost among the others.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion invert_one_pair
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 * TIMEOUT: 300
 */
#include <pthread.h>
#include <stdlib.h>

#define LOCKS 100000

static pthread_mutex_t *locks;

static void *lock_pairs(void *arg)
{
	for (int i = 0; i + 1 < LOCKS; i += 2) {
		pthread_mutex_lock(&locks[i]);
		pthread_mutex_lock(&locks[i + 1]);
		pthread_mutex_unlock(&locks[i + 1]);
		pthread_mutex_unlock(&locks[i]);
	}
	return arg;
}

__attribute__((noinline)) void *invert_one_pair(void *arg)
{
	pthread_mutex_lock(&locks[LOCKS / 2 + 1]);
	pthread_mutex_lock(&locks[LOCKS / 2]);
	pthread_mutex_unlock(&locks[LOCKS / 2]);
	pthread_mutex_unlock(&locks[LOCKS / 2 + 1]);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	locks = malloc(LOCKS * sizeof(*locks));
	if (!locks)
		return 2;
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	run(lock_pairs);
	run(invert_one_pair);
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&locks[i]);
	free(locks);
	return 0;
}

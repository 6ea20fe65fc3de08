/* 100,000 live mutexes, initialised and kept alive to the end, locked in
 * disjoint pairs (2k, 2k+1), lower index first, by one thread and then the
 * same way by another (joined in between).  50,000 edges, all agreeing with
 * the index order: clean, however large the lock table grows.  Twin:
 * many_locks_inversion.c.
 * EXPECT: clean
 * TIMEOUT: 300
 */
#include <pthread.h>
#include <stdlib.h>
#include "../run_thread.h"

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

/* many_locks_inversion.c: the second thread takes one pair the other way */
#ifdef INVERT_ONE_PAIR
__attribute__((noinline)) void *invert_one_pair(void *arg)
{
	pthread_mutex_lock(&locks[LOCKS / 2 + 1]);
	pthread_mutex_lock(&locks[LOCKS / 2]);
	pthread_mutex_unlock(&locks[LOCKS / 2]);
	pthread_mutex_unlock(&locks[LOCKS / 2 + 1]);
	return arg;
}
#define SECOND_THREAD invert_one_pair
#else
#define SECOND_THREAD lock_pairs
#endif

int main(void)
{
	locks = malloc(LOCKS * sizeof(*locks));
	if (!locks)
		return 2;
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	run(lock_pairs);
	run(SECOND_THREAD);
	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_destroy(&locks[i]);
	free(locks);
	return 0;
}

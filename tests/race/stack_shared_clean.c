/* A local of main handed to a thread by address, both adding to it under
 * a mutex, main reading it after the join: no race, though accesses to
 * main's own stack are sampled once the worker was caught there.  Twin:
 * stack_shared_racy.c.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['traps'] > 0
 */
#include "stack_shared.h"

#define CLEAN_MS 400

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
	long long end = now_ms() + CLEAN_MS;

	while (now_ms() < end)
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&lock);
			add_to(arg, i);
			pthread_mutex_unlock(&lock);
		}
	return NULL;
}

/* A local of main handed to a thread by address, both adding to it under
 * a mutex, main reading it after the join: no race, though accesses to
 * main's own stack are sampled once the worker was caught there.  Twin:
 * stack_shared_racy.c.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>

#include "now_ms.h"

#define CLEAN_MS 400

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void add_to(volatile long *sum, long v)
{
	*sum += v;
}

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

int main(void)
{
	volatile long sum = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, work, (void *)&sum) != 0)
		return 1;
	work((void *)&sum);
	pthread_join(t, NULL);
	add_to(&sum, 1);
	return sum == 0;
}

/* Both threads update a global under a mutex, but not the same one: thread
 * under_a holds lock_a, thread under_b holds lock_b.  Neither lock orders
 * the other thread's writes: a data race, and the report shows each access
 * with the one lock it held, two different locks.
 * Twin: mutex_counter_clean.c (one mutex for both).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race under_a under_b
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'total'
 * EXPECT-JSON: all(len(a['locks']) == 1 for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: len({a['locks'][0]['address'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: all(not a['atomic'] for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
volatile long total;

#include "now_ms.h"

__attribute__((noinline)) void *under_a(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&lock_a);
			total++;
			pthread_mutex_unlock(&lock_a);
		}
	return arg;
}

__attribute__((noinline)) void *under_b(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&lock_b);
			total++;
			pthread_mutex_unlock(&lock_b);
		}
	return arg;
}

int main(void)
{
	pthread_t a, b;

	if (pthread_create(&a, NULL, under_a, NULL) != 0 ||
	    pthread_create(&b, NULL, under_b, NULL) != 0)
		return 2;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return total > 0 ? 0 : 3;
}

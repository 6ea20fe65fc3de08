/* Two threads increment a global counter, each increment under one mutex:
 * no race, whether the accesses are sampled in one window or in different
 * ones (the mutex orders them and both threads hold it).  glibc's own plain
 * stores into the mutex are not the program's race either.
 * Twin: global_counter.c.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <time.h>

/* Long enough for `counter` to be sampled many times */
#define CLEAN_MS 300

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
volatile long counter;

#include "now_ms.h"

__attribute__((noinline)) void *bump_locked(void *arg)
{
	long long end = now_ms() + CLEAN_MS;
	long n = 0;

	(void)arg;
	while (now_ms() < end) {
		for (int i = 0; i < 100; i++) {
			pthread_mutex_lock(&lock);
			counter++;
			pthread_mutex_unlock(&lock);
		}
		n += 100;
	}
	return (void *)n;
}

int main(void)
{
	pthread_t t[2];
	long total = 0;

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump_locked, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++) {
		void *n;

		pthread_join(t[i], &n);
		total += (long)n;
	}
	return counter == total ? 0 : 3;
}

/* The racy counter of global_counter.c under `deadbolt run --race=0`: race
 * detection is off, nothing is reported, and the process says so.
 * RUN: deadbolt run --race=0 --json %json -- %prog
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'off'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <time.h>

#define RACY_MS 500	/* as long as global_counter.c, which is found */

volatile long counter;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

__attribute__((noinline)) void *bump(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

int main(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return counter > 0 ? 0 : 3;
}

/* The runtime preloaded from a copy under another name, outside the system
 * directories (as a user's own install might be): the sampler must still
 * leave deadbolt's own code alone, found by address, not by file name.
 * Before, a breakpoint in the runtime itself killed the program with
 * SIGTRAP.  The racy counter of global_counter.c is found as usual and the
 * program exits 0.
 * RUN: cp %lib %t/dbcopy.so && LD_PRELOAD=%t/dbcopy.so DEADBOLT_OPTIONS=log_dir=%t %prog
 * RUN: deadbolt report --json %json %t
 * EXPECT: data-race 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['race']['state'] == 'on'
 */
#include <pthread.h>
#include <time.h>

#define RACY_MS 500

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

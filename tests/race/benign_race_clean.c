/* Two threads bump a statistics counter without a lock, as long as
 * global_counter.c races on its counter; an approximate count is all the
 * program wants, and it says so with DEADBOLT_BENIGN_RACE: the race on that
 * range is never reported.
 * Twin: global_counter.c (the same race, not annotated).
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <time.h>

#include "deadbolt.h"

/* As long as global_counter.c's race, which is found in every run */
#define RACY_MS 500

volatile long stats_hits;	/* approximate on purpose */

#include "now_ms.h"

__attribute__((noinline)) void *count_hits(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			stats_hits++;
	return arg;
}

int main(void)
{
	pthread_t t[2];

	DEADBOLT_BENIGN_RACE((void *)&stats_hits, sizeof(stats_hits));
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, count_hits, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return stats_hits > 0 ? 0 : 3;
}

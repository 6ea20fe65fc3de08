/* One thread writes a global, another only reads it, with no
 * synchronisation: a read/write data race.  Of the two accesses reported,
 * the writer's (produce) is a write and the reader's (watch_level) a read.
 * Twin: rwlock_clean.c (readers and writers under a rwlock).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race produce watch_level
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'level'
 * EXPECT-JSON: sorted(a['write'] for a in F('data-race')[0]['accesses']) == [False, True]
 * EXPECT-JSON: [a['write'] for a in F('data-race')[0]['accesses'] if 'watch_level' in [f['function'] for f in a['stack']]] == [False]
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

volatile long level;

#include "now_ms.h"

__attribute__((noinline)) void *produce(void *arg)
{
	long long end = now_ms() + RACY_MS;
	long n = 0;

	/* stores only: the one thread that writes never reads level */
	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			level = ++n;
	return arg;
}

__attribute__((noinline)) void *watch_level(void *arg)
{
	long long end = now_ms() + RACY_MS;
	long seen = 0;

	(void)arg;
	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			seen += level & 1;
	return (void *)seen;
}

int main(void)
{
	pthread_t w, r;

	if (pthread_create(&w, NULL, produce, NULL) != 0 ||
	    pthread_create(&r, NULL, watch_level, NULL) != 0)
		return 2;
	pthread_join(w, NULL);
	pthread_join(r, NULL);
	return level > 0 ? 0 : 3;
}

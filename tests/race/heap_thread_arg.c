/* A heap struct is the argument of pthread_create; the parent and the
 * child both update its `progress` field for half a second with no
 * synchronisation between them.  The finding is in
 * the block allocated by new_job, at the offset of `progress`; one access is
 * the parent's (parent_work), the other the child's (child_work).
 * `id` is written before pthread_create and read after: not a race.
 * Twin: create_join_clean.c.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race parent_work child_work new_job
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'heap'
 * EXPECT-JSON: F('data-race')[0]['location']['block']['offset'] == 8 and F('data-race')[0]['location']['block']['size'] == 16
 * EXPECT-JSON: 'new_job' in [f['function'] for f in F('data-race')[0]['location']['block']['stack']]
 * EXPECT-JSON: sorted(f for a in F('data-race')[0]['accesses'] for f in {'parent_work', 'child_work'} & {x['function'] for x in a['stack']}) == ['child_work', 'parent_work']
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

struct job {
	long id;
	volatile long progress;	/* both threads, no lock: the race */
};
_Static_assert(offsetof(struct job, progress) == 8, "progress at 8");
_Static_assert(sizeof(struct job) == 16, "16 bytes");

#include "now_ms.h"

__attribute__((noinline)) struct job *new_job(long id)
{
	struct job *j = malloc(sizeof(*j));

	if (!j)
		abort();
	j->id = id;
	j->progress = 0;
	return j;
}

__attribute__((noinline)) void *child_work(void *arg)
{
	struct job *j = arg;
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			j->progress++;
	return NULL;
}

__attribute__((noinline)) void parent_work(struct job *j)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			j->progress++;
}

int main(void)
{
	struct job *j = new_job(7);
	pthread_t t;

	if (pthread_create(&t, NULL, child_work, j) != 0)
		return 2;
	parent_work(j);
	pthread_join(t, NULL);
	int ok = j->id == 7 && j->progress > 0;
	free(j);
	return ok ? 0 : 3;
}

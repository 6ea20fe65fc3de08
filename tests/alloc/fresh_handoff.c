/* Each thread keeps its newest blocks out of the allocation table, in a
 * cache of its own.  Here every block is handed to another thread while it
 * is still its maker's newest: a producer allocates one block at a time and
 * waits until the consumer has taken it.  The consumer's frees find each in
 * the producer's cache; so do its realloc of some, its ignore of one and
 * its second free of one (a double free, reported, not passed on).  Five
 * blocks are dropped: four while the producer's cache is on (so the cache
 * holds them, and hands them to the table as it moves on or as its thread
 * ends), one after the producer has set its cache aside (a thread whose
 * blocks go elsewhere does without it).  The main thread drops one more,
 * still in its own cache at exit.
 * EXPECT: leak 2, misuse 1
 * EXPECT-FUNC: misuse free_twice
 * EXPECT-JSON: {f['stack'][0]['function']: (f['blocks'], f['bytes']) for f in F('leak')} == {'make_block': (5, 5 * 64), 'main_leak': (1, 33)}
 * EXPECT-JSON: j['processes'][0]['leaks']['suppressed_blocks'] == 1
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "deadbolt.h"

#define BLOCKS	6000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static char *box;		/* the block being handed on */
static int taken = 1;		/* the consumer has the last one */
void *volatile sink;

static __attribute__((noinline)) char *make_block(int i)
{
	char *p = malloc(64);

	memset(p, i & 0xff, 64);
	return p;
}

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < BLOCKS; i++) {
		char *p = make_block(i);
		pthread_mutex_lock(&mu);
		while (!taken)
			pthread_cond_wait(&cv, &mu);
		box = p;
		taken = 0;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static __attribute__((noinline)) void free_twice(char *p)
{
	char *volatile q = p;

	free(q);
	free(q);
}

static bool dropped(int i)
{
	return i == 100 || i == 300 || i == 600 || i == 900 || i == 5000;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < BLOCKS; i++) {
		pthread_mutex_lock(&mu);
		while (taken)
			pthread_cond_wait(&cv, &mu);
		char *p = box;
		taken = 1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		if (p[0] != (char)(i & 0xff))
			abort();
		if (dropped(i)) {
			sink = p;
			sink = NULL;
		} else if (i == 500) {
			free_twice(p);
		} else if (i == 700) {
			DEADBOLT_IGNORE_LEAK(p);
			sink = p;
			sink = NULL;
		} else if (i % 100 == 50) {
			char *q = realloc(p, 4096);	/* moves: the old block is freed */
			if (!q || q[63] != (char)(i & 0xff))
				abort();
			free(q);
		} else {
			free(p);
		}
	}
	return NULL;
}

static __attribute__((noinline)) void main_leak(void)
{
	char *p = malloc(33);

	memset(p, 7, 33);
	sink = p;
	sink = NULL;
}

#include "../scrub.h"

int main(void)
{
	pthread_t a, b;

	pthread_create(&b, NULL, consumer, NULL);
	pthread_create(&a, NULL, producer, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	main_leak();
	scrub();
	return 0;
}

/* hb_annotation_clean.c without its annotations: the record is handed
 * back and forth through an atomic flag (relaxed operations plus fences)
 * that deadbolt cannot see as synchronisation, so the record's accesses look
 * unordered and are reported.  They never overlap in time (the record has
 * one owner at a time), so the evidence is "unordered", not "witnessed".
 * The flag itself is atomic (its stores are xchg): never reported.
 * This is the report a user silences with DEADBOLT_HAPPENS_BEFORE/AFTER.
 * EXPECT: data-race >=1
 * EXPECT-FUNC: data-race side_a side_b
 * EXPECT-JSON: all(f['symbol'] == 'record' for f in F('data-race'))
 * EXPECT-JSON: all(f['evidence'] == 'unordered' for f in F('data-race'))
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

atomic_int turn;		/* 0: the record is A's, 1: B's */
long record[2];			/* {round, check = round * 5}, plain accesses */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void take(int me)
{
	while (atomic_load_explicit(&turn, memory_order_relaxed) != me)
		sched_yield();
	atomic_thread_fence(memory_order_acquire);
}

static void give(int to)
{
	atomic_thread_fence(memory_order_release);
	atomic_exchange_explicit(&turn, to, memory_order_relaxed);
}

__attribute__((noinline)) void *side_a(void *arg)
{
	long long end = now_ms() + RACY_MS;
	long bad = 0;

	(void)arg;
	for (;;) {
		take(0);
		bad += record[1] != record[0] * 5;
		if (now_ms() >= end) {
			record[0] = -1;		/* B stops */
			give(1);
			break;
		}
		record[0]++;
		record[1] = record[0] * 5;
		give(1);
	}
	return (void *)bad;
}

__attribute__((noinline)) void *side_b(void *arg)
{
	long bad = 0;

	(void)arg;
	for (;;) {
		take(1);
		if (record[0] < 0)
			break;
		bad += record[1] != record[0] * 5;
		record[0]++;
		record[1] = record[0] * 5;
		give(0);
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t a, b;
	void *bad_a, *bad_b;

	if (pthread_create(&a, NULL, side_a, NULL) != 0 ||
	    pthread_create(&b, NULL, side_b, NULL) != 0)
		return 2;
	pthread_join(a, &bad_a);
	pthread_join(b, &bad_b);
	return bad_a == NULL && bad_b == NULL ? 0 : 3;
}

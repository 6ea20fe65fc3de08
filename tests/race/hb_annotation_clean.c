/* Two threads hand a global record back and forth through an atomic flag
 * (relaxed operations plus fences): a hand-off deadbolt cannot see, since
 * plain loads and stores look the same whatever their memory order.  The
 * program tells it with DEADBOLT_HAPPENS_BEFORE(&turn) before giving the
 * record away and DEADBOLT_HAPPENS_AFTER(&turn) after taking it: the
 * record's accesses are ordered, no race.  The flag's stores are exchanges
 * (xchg): a locked read-modify-write, so the flag itself is atomic.
 * Twin: hb_annotation_missing.c (the same without the annotations).
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "deadbolt.h"

/* Long enough for each word of the record to be sampled many times
 * (hb_annotation_missing.c sets its own) */
#ifndef RUN_MS
#define RUN_MS 300
#endif

atomic_int turn;		/* 0: the record is A's, 1: B's */
long record[2];			/* {round, check = round * 5}, plain accesses */

#include "now_ms.h"

static void take(int me)
{
	while (atomic_load_explicit(&turn, memory_order_relaxed) != me)
		sched_yield();
	atomic_thread_fence(memory_order_acquire);
	DEADBOLT_HAPPENS_AFTER(&turn);
}

static void give(int to)
{
	DEADBOLT_HAPPENS_BEFORE(&turn);
	atomic_thread_fence(memory_order_release);
	atomic_exchange_explicit(&turn, to, memory_order_relaxed);
}

__attribute__((noinline)) void *side_a(void *arg)
{
	long long end = now_ms() + RUN_MS;
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

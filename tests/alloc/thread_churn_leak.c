/* Threads started one after another, each allocating from a few call
 * sites (so each unwinds, and libunwind builds its per-thread cache of
 * frame shapes: 256 KiB it maps, and unmaps when the thread ends).
 * deadbolt keeps those mappings for the next thread: past the first
 * threads, a thread must cost a few page faults, not the 64 of a fresh
 * cache (the program fails with 3 otherwise).  The last thread leaks one
 * block: its stack must still be unwound right through the reused cache.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak grab last_work
 * EXPECT-JSON: F('leak')[0]['bytes'] == 77 and F('leak')[0]['blocks'] == 1
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define THREADS	60
#define WARM	20	/* threads before the faults are counted */

static long faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static __attribute__((noinline)) void *grab(size_t n)
{
	void *p = malloc(n);

	if (p)
		memset(p, 1, n);
	return p;
}

static void *work(void *arg)
{
	void *p[32];

	(void)arg;
	for (int i = 0; i < 32; i++)
		p[i] = i & 1 ? grab(32 + i) : malloc(100 + i);
	for (int i = 0; i < 32; i++)
		free(p[i]);
	return NULL;
}

static __attribute__((noinline)) void *last_work(void *arg)
{
	void *volatile mine;	/* volatile: on this thread's stack only */

	work(arg);
	mine = grab(77);
	(void)mine;
	return NULL;
}

int main(void)
{
	long before = 0;

	for (int i = 0; i < THREADS; i++) {
		pthread_t t;
		if (i == WARM)
			before = faults();
		if (pthread_create(&t, NULL, i == THREADS - 1 ? last_work : work, NULL) != 0)
			return 2;
		pthread_join(t, NULL);
	}
	long per = (faults() - before) / (THREADS - WARM);
	if (per >= 32) {
		fprintf(stderr, "thread_churn: %ld page faults per thread\n", per);
		return 3;
	}
	return 0;
}

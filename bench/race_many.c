/* race_many.c - a racy counter among K other globals and K other
 * instructions that write them, for the detection table of
 * bench/race_detect.sh.
 *
 * Two threads increment the global `counter` without a lock for -t ms (the
 * race of tests/race/global_counter.c); with -m each increment is under a
 * mutex instead (no race: a report is a false positive).  Between blocks of
 * increments each thread also writes the next of "its" extra globals:
 * thread 0 the even ones, thread 1 the odd ones, so every extra is written
 * by one thread only (never a race).  Each extra is its own symbol, written
 * by its own instruction: K more locations for a sampler of data, K more
 * sites for a sampler of code, to share its budget with the race.  They
 * come from a generated file that defines race_touch(i) (a switch, one
 * `extra_i++` per case) and `const int race_nextras` (race_detect.sh writes
 * one per K).
 *
 * Prints one line: "counter N extras K ms T".
 * Usage: race_many [-t MS] [-m]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

extern void race_touch(int i);	/* extra_i++ */
extern const int race_nextras;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
volatile long counter;		/* the race (or, with -m, not) */

static int run_ms = 500;	/* -t */
static int locked;		/* -m */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

__attribute__((noinline)) void *racer(void *arg)
{
	long me = (long)arg;
	long long end = now_ms() + run_ms;
	int next = (int)me;	/* my next extra: me, me + 2, ... */

	while (now_ms() < end) {
		if (locked) {
			for (int i = 0; i < 100; i++) {
				pthread_mutex_lock(&lock);
				counter++;
				pthread_mutex_unlock(&lock);
			}
		} else {
			for (int i = 0; i < 1000; i++)
				counter++;
		}
		if (next < race_nextras)
			race_touch(next);
		next += 2;
		if (next >= race_nextras)
			next = (int)me;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	/* no getopt, no stderr: their variables would be copied into this
	 * executable's data (copy relocations), extra candidates */
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == 't' && i + 1 < argc) {
			run_ms = atoi(argv[++i]);
		} else if (argv[i][0] == '-' && argv[i][1] == 'm') {
			locked = 1;
		} else {
			dprintf(2, "usage: race_many [-t MS] [-m]\n");
			return 2;
		}
	}
	long long start = now_ms();

	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, racer, (void *)i) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("counter %ld extras %d ms %lld\n", counter, race_nextras,
	       now_ms() - start);
	return 0;
}

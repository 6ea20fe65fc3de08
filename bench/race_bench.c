/* race_bench.c - what race detection costs a program without races, run
 * natively, under deadbolt, and under deadbolt with race=0 by bench/run.sh.
 *
 * Two threads do a fixed number of iterations (-n, per thread) of race-free
 * work on globals, the kind the sampler watches and traps on:
 *   every iteration   its own private counter (a global only it writes)
 *   every 8th         a shared counter under a mutex
 *   every 8th (+4)    a shared atomic counter (atomic_fetch_add)
 * The count is fixed, not time-boxed, so every run does the same work and a
 * ratio of times is the cost per iteration.  The time is taken from the
 * moment both threads are released (a barrier) to the last join: start-up
 * and the exit-time work of the runtime (leak scan, log) are not in it.
 *
 * Prints "race-mix ns/iter N" (nanoseconds per iteration of one thread),
 * then "checksum ..." (the same on every run, or the work was not done).
 * Usage: race_bench [-n ITERATIONS]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long iters = 20000000;	/* -n */

static pthread_barrier_t go;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* each written by one thread only; apart, so they share no cache line */
volatile long private0 __attribute__((aligned(64)));
volatile long private1 __attribute__((aligned(64)));
volatile long shared __attribute__((aligned(64)));	/* under lock */
atomic_long hits __attribute__((aligned(64)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

__attribute__((noinline)) void *work(void *arg)
{
	volatile long *mine = arg;

	pthread_barrier_wait(&go);
	for (long i = 0; i < iters; i++) {
		++*mine;
		if ((i & 7) == 0) {
			pthread_mutex_lock(&lock);
			shared++;
			pthread_mutex_unlock(&lock);
		} else if ((i & 7) == 4) {
			atomic_fetch_add(&hits, 1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == 'n' && i + 1 < argc) {
			iters = atol(argv[++i]);
		} else {
			dprintf(2, "usage: race_bench [-n ITERATIONS]\n");
			return 2;
		}
	}
	if (pthread_barrier_init(&go, NULL, 3) != 0 ||
	    pthread_create(&t[0], NULL, work, (void *)&private0) != 0 ||
	    pthread_create(&t[1], NULL, work, (void *)&private1) != 0)
		return 1;
	pthread_barrier_wait(&go);
	double start = now();

	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	double ns = (now() - start) * 1e9 / (double)iters;

	printf("race-mix ns/iter %.2f\n", ns);
	printf("checksum %ld %ld %ld %ld\n", private0, private1, shared,
	       atomic_load(&hits));
	pthread_barrier_destroy(&go);
	return 0;
}

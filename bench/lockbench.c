/* lockbench.c - pthread lock microbenchmark, run natively and under deadbolt.
 *
 * Each case times a fixed number of operations (scaled by -s) and prints one
 * line "case unit ns/op".  The counts are fixed rather than time-boxed so a
 * native and a preloaded run do exactly the same work and their ratio is the
 * overhead per operation; bench/run.sh interleaves the runs and takes medians.
 *
 *   mutex-d1..d3  one thread, uncontended; depth d takes d distinct mutexes in
 *                 a fixed order, then releases them: d lock/unlock pairs, so
 *                 the held-lock set and the chain cache are exercised
 *   mutex-contend 2 threads, 1 mutex, a shared counter inside
 *   rwlock-rd/wr  one thread, uncontended
 *   spinlock      one thread, uncontended
 *   trylock       one thread, pthread_mutex_trylock (succeeds) + unlock
 *   cond-pingpong 2 threads hand a turn back and forth through a mutex and a
 *                 condition variable; one op is one round trip (two wakeups)
 *   malloc-free   64-byte malloc + free (deadbolt's allocation table)
 *
 * Every case first runs 1/16 of its count untimed, so the one-time work of a
 * new lock or a new lock chain (deadbolt's slow path) stays out of the
 * steady-state figure; then SLICES timed runs of 1/SLICES each.
 *
 * Usage: lockbench [-s SCALE] [-c CASE]   (SCALE < 1 for helgrind)
 *        lockbench -l                     (list the cases: "case unit")
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NMUTEX 3	/* deepest nesting measured */
/* A case is timed in this many slices and reports the median slice, so a
 * burst of other load on the machine spoils one slice, not the figure. */
#define SLICES 5

static pthread_mutex_t mtx[NMUTEX] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER,
};
static pthread_rwlock_t rwl = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t start;

/* Written under mtx[0] only; volatile so the critical sections are not merged
 * or hoisted out of the loop. */
static volatile long shared;
static int turn;		/* cond-pingpong: whose move, under mtx[0] */
static void *volatile sink;	/* keeps malloc/free from being elided */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "lockbench: %s: %s\n", what, strerror(err));
	exit(1);
}

static void nested(long n, int depth)
{
	for (long i = 0; i < n; i++) {
		for (int d = 0; d < depth; d++)
			pthread_mutex_lock(&mtx[d]);
		for (int d = depth - 1; d >= 0; d--)
			pthread_mutex_unlock(&mtx[d]);
	}
}

static void run_d1(long n) { nested(n, 1); }
static void run_d2(long n) { nested(n, 2); }
static void run_d3(long n) { nested(n, 3); }

static void run_rd(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_rwlock_rdlock(&rwl);
		pthread_rwlock_unlock(&rwl);
	}
}

static void run_wr(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_rwlock_wrlock(&rwl);
		pthread_rwlock_unlock(&rwl);
	}
}

static void run_spin(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_spin_lock(&spin);
		pthread_spin_unlock(&spin);
	}
}

static void run_try(long n)
{
	for (long i = 0; i < n; i++) {
		if (pthread_mutex_trylock(&mtx[0]) == 0)
			pthread_mutex_unlock(&mtx[0]);
	}
}

static void run_malloc(long n)
{
	for (long i = 0; i < n; i++) {
		sink = malloc(64);
		free(sink);
	}
}

/* Two-thread cases: both workers wait on the barrier with the timing thread,
 * so thread creation is outside the timed interval. */
struct worker {
	long n;
	int id;
};

static void *contend(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start);
	for (long i = 0; i < w->n; i++) {
		pthread_mutex_lock(&mtx[0]);
		shared = shared + 1;
		pthread_mutex_unlock(&mtx[0]);
	}
	return NULL;
}

static void *pingpong(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start);
	pthread_mutex_lock(&mtx[0]);
	for (long i = 0; i < w->n; i++) {
		while (turn != w->id)
			pthread_cond_wait(&cond, &mtx[0]);
		turn = !w->id;
		pthread_cond_signal(&cond);
	}
	pthread_mutex_unlock(&mtx[0]);
	return NULL;
}

static double two_threads(void *(*fn)(void *), long n)
{
	pthread_t th[2];
	struct worker w[2];
	double t0;
	int err;

	turn = 0;
	for (int i = 0; i < 2; i++) {
		w[i].n = n;
		w[i].id = i;
		err = pthread_create(&th[i], NULL, fn, &w[i]);
		if (err)
			die("pthread_create", err);
	}
	pthread_barrier_wait(&start);
	t0 = now();
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	return now() - t0;
}

static void *idle(void *arg)
{
	return arg;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double timed(void (*fn)(long), long n)
{
	double t0 = now();

	fn(n);
	return now() - t0;
}

enum kind { ONE, CONTEND, PINGPONG };

struct bcase {
	const char *name;
	const char *unit;	/* what one op is */
	enum kind kind;
	void (*fn)(long);	/* ONE only */
	long iters;		/* loop iterations at scale 1 */
	int ops;		/* ops per unit of n: the depth, or the threads */
};

/* Counts give ~30-100 ms per case natively on a 2-core VM; a cond round trip
 * costs two futex wakeups there (~20 us), hence its small count. */
static const struct bcase cases[] = {
	{ "mutex-d1", "pair", ONE, run_d1, 3000000, 1 },
	{ "mutex-d2", "pair", ONE, run_d2, 1500000, 2 },
	{ "mutex-d3", "pair", ONE, run_d3, 1000000, 3 },
	{ "mutex-contend", "pair", CONTEND, NULL, 1000000, 2 },
	{ "rwlock-rd", "pair", ONE, run_rd, 2000000, 1 },
	{ "rwlock-wr", "pair", ONE, run_wr, 2000000, 1 },
	{ "spinlock", "pair", ONE, run_spin, 3000000, 1 },
	{ "trylock", "pair", ONE, run_try, 2000000, 1 },
	{ "cond-pingpong", "roundtrip", PINGPONG, NULL, 5000, 1 },
	{ "malloc-free", "pair", ONE, run_malloc, 3000000, 1 },
};

static double run_case(const struct bcase *c, long n)
{
	switch (c->kind) {
	case ONE:
		return timed(c->fn, n);
	case CONTEND:
		return two_threads(contend, n);
	case PINGPONG:
		return two_threads(pingpong, n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	double scale = 1.0;
	pthread_t th;
	int opt, err, found = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "s:c:l")) != -1) {
		switch (opt) {
		case 's':
			scale = strtod(optarg, NULL);
			break;
		case 'c':
			only = optarg;
			break;
		case 'l':
			for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
				printf("%s %s\n", cases[i].name, cases[i].unit);
			return 0;
		default:
			fprintf(stderr, "usage: lockbench [-s SCALE] [-c CASE] | -l\n");
			return 2;
		}
	}
	if (!(scale > 0)) {
		fprintf(stderr, "lockbench: -s wants a positive number\n");
		return 2;
	}
	err = pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	if (err)
		die("pthread_spin_init", err);
	err = pthread_barrier_init(&start, NULL, 3);
	if (err)
		die("pthread_barrier_init", err);
	/* glibc skips the atomic instructions of mutexes and malloc while a
	 * process has never had a second thread; the programs deadbolt watches
	 * have, so measure that path. */
	err = pthread_create(&th, NULL, idle, NULL);
	if (err)
		die("pthread_create", err);
	pthread_join(th, NULL);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bcase *c = &cases[i];
		long n = (long)(c->iters * scale);
		double t, ns[SLICES];

		if (only && strcmp(only, c->name) != 0)
			continue;
		found = 1;
		if (n < 16 * SLICES)
			n = 16 * SLICES;
		run_case(c, n / 16);
		for (int k = 0; k < SLICES; k++) {
			t = run_case(c, n / SLICES);
			/* CONTEND: each of the 2 threads does n pairs */
			ns[k] = t * 1e9 / ((double)(n / SLICES) * c->ops);
		}
		qsort(ns, SLICES, sizeof(ns[0]), cmp_double);
		printf("%-14s %-10s %10.1f\n", c->name, c->unit, ns[SLICES / 2]);
		fflush(stdout);
	}
	if (!found) {
		fprintf(stderr, "lockbench: no case named %s\n", only);
		return 2;
	}
	return 0;
}

/* mallocbench.c - malloc-heavy microbenchmark, run natively and under deadbolt
 * (and under LeakSanitizer, heaptrack and memcheck for comparison).
 *
 * THREADS threads (default 2) each make OPS allocations (default 2,000,000)
 * of small mixed sizes: mostly 8..256 bytes, one in 16 up to 4 KiB.  Each
 * thread keeps its last RING blocks in a ring, so the block an allocation
 * replaces is freed (a working set of live blocks, freed in FIFO order);
 * one allocation in 8 is grown or shrunk by realloc first; one in 64 joins
 * the thread's tail of blocks that stay live until exit (reachable: the
 * leak check at exit scans them).  The sizes come from a fixed-seed
 * generator, so every run does the same work; the program prints a
 * checksum of it, the same natively and preloaded.
 *
 * bench/run.sh times the whole process (start-up, the work, the exit with
 * its leak check) and reads its peak RSS.
 *
 * Usage: mallocbench [-n OPS] [-t THREADS]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING	1024	/* live working set per thread */
#define TAIL	64	/* one allocation in TAIL stays live until exit */
#define MAXT	64

struct worker {
	long ops;
	unsigned seed;
	uint64_t sum;		/* checksum of what was done */
	void **tail;		/* blocks kept to the end */
	long ntail;
	pthread_t th;
} __attribute__((aligned(64)));	/* a line each: no false sharing of seed/sum */

static unsigned next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static size_t pick_size(unsigned *s)
{
	unsigned r = next(s);

	if ((r & 15) == 0)
		return 256 + (r >> 4) % 3840;	/* up to 4 KiB */
	return 8 + (r >> 4) % 249;		/* 8..256 */
}

static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char *ring[RING] = { 0 };

	w->tail = malloc((size_t)(w->ops / TAIL + 1) * sizeof(*w->tail));
	if (!w->tail)
		return NULL;
	for (long i = 0; i < w->ops; i++) {
		size_t n = pick_size(&w->seed);
		unsigned char *p = malloc(n);
		if (!p)
			abort();
		p[0] = (unsigned char)i;
		p[n - 1] = (unsigned char)n;
		if ((next(&w->seed) & 7) == 0) {
			size_t m = pick_size(&w->seed);
			unsigned char *q = realloc(p, m);
			if (!q)
				abort();
			p = q;
			p[m - 1] = (unsigned char)m;
			n = m;
		}
		w->sum += n + p[0];
		if (i % TAIL == 0) {
			w->tail[w->ntail++] = p;
			continue;
		}
		unsigned char **slot = &ring[i % RING];
		free(*slot);
		*slot = p;
	}
	for (int i = 0; i < RING; i++)
		free(ring[i]);
	return NULL;
}

/* global: the tails stay reachable at exit, after main has returned */
static struct worker w[MAXT];

int main(int argc, char **argv)
{
	long ops = 2000000;
	int threads = 2;
	uint64_t sum = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			ops = atol(argv[++i]);
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: mallocbench [-n OPS] [-t THREADS]\n");
			return 2;
		}
	}
	if (threads < 1 || threads > MAXT || ops < 1) {
		fprintf(stderr, "mallocbench: bad -n or -t\n");
		return 2;
	}
	for (int t = 0; t < threads; t++) {
		memset(&w[t], 0, sizeof(w[t]));
		w[t].ops = ops;
		w[t].seed = 12345u + (unsigned)t;
		if (pthread_create(&w[t].th, NULL, work, &w[t]) != 0) {
			fprintf(stderr, "mallocbench: pthread_create failed\n");
			return 1;
		}
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(w[t].th, NULL);
		sum += w[t].sum;
	}
	printf("%d threads x %ld allocations, checksum %llu, %ld blocks live at exit\n",
	       threads, ops, (unsigned long long)sum, threads * (ops / TAIL + 1));
	return 0;
}

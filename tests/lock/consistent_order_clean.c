/* Four threads run at once (released together by a barrier) and take
 * subsets of A, B, C, D, always in that global order: A -> B -> C -> D,
 * A -> C, B -> D, A -> D, C -> D.  Every edge agrees with one total order,
 * so no cycle can exist: clean.  Twins: ab_ba.c, cycle3.c.
 * EXPECT: clean
 */
#include <pthread.h>

#define THREADS 4
#define ROUNDS 1000

static pthread_mutex_t l[4] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static pthread_barrier_t start;
static long taken[THREADS];	/* one slot per thread: no shared writes */

/* Lock the locks whose bit is set in mask, lowest index first. */
static void take(unsigned mask, long *count)
{
	for (int i = 0; i < 4; i++)
		if (mask & 1u << i)
			pthread_mutex_lock(&l[i]);
	++*count;
	for (int i = 3; i >= 0; i--)
		if (mask & 1u << i)
			pthread_mutex_unlock(&l[i]);
}

static void *worker(void *arg)
{
	static const unsigned masks[] = { 0xf, 0x5, 0xa, 0x9, 0xc, 0x3, 0x6 };

	pthread_barrier_wait(&start);
	for (int r = 0; r < ROUNDS; r++)
		take(masks[r % 7], arg);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	long sum = 0;

	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, &taken[i]);
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		sum += taken[i];
	}
	pthread_barrier_destroy(&start);
	return sum == THREADS * ROUNDS ? 0 : 1;
}

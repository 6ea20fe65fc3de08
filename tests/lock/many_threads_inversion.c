/* Twin of many_threads_clean.c: the same 200 threads take the pool in
 * increasing index order, then, after they were joined, one more thread
 * takes pool[9] and then pool[3].  Among all the agreeing edges, this one
 * closes a cycle (pool[3] -> pool[9] was surely taken by some thread, the
 * program checks): a potential deadlock, found in a large graph.  How many
 * cycles one new edge closes is the detector's choice, hence >= 1.
 * EXPECT: lock-order-inversion >=1
 * EXPECT-FUNC: lock-order-inversion invert
 * TIMEOUT: 300
 */
#include <pthread.h>
#include <stdint.h>

#define THREADS 200
#define POOL 16
#define OPS 10000

static pthread_mutex_t pool[POOL];
static pthread_barrier_t start;
static long total;		/* guarded by pool[0] */
static int took_3_9;		/* guarded by pool[3] */

static void *worker(void *arg)
{
	uint32_t x = 2463534242u + (uint32_t)(uintptr_t)arg * 7919u;
	int ops = 0;

	pthread_barrier_wait(&start);
	while (ops < OPS) {
		unsigned mask = 0;
		int n = 0;

		for (int k = 0; k < 3; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			if (k == 0 || x & 1)
				mask |= 1u << (x >> 8) % POOL;
		}
		for (int i = 0; i < POOL; i++)
			if (mask & 1u << i) {
				pthread_mutex_lock(&pool[i]);
				n++;
			}
		if ((mask & 0x208) == 0x208)
			took_3_9 = 1;
		for (int i = POOL - 1; i >= 0; i--)
			if (mask & 1u << i)
				pthread_mutex_unlock(&pool[i]);
		ops += n;
	}
	pthread_mutex_lock(&pool[0]);
	total += ops;
	pthread_mutex_unlock(&pool[0]);
	return NULL;
}

__attribute__((noinline)) void *invert(void *arg)
{
	pthread_mutex_lock(&pool[9]);
	pthread_mutex_lock(&pool[3]);
	pthread_mutex_unlock(&pool[3]);
	pthread_mutex_unlock(&pool[9]);
	return arg;
}

int main(void)
{
	static pthread_t t[THREADS];
	pthread_attr_t attr;

	for (int i = 0; i < POOL; i++)
		pthread_mutex_init(&pool[i], NULL);
	pthread_barrier_init(&start, NULL, THREADS);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1 << 20);
	for (uintptr_t i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], &attr, worker, (void *)i) != 0)
			return 2;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_attr_destroy(&attr);
	pthread_barrier_destroy(&start);
	if (!took_3_9)
		return 3;
	pthread_create(&t[0], NULL, invert, NULL);
	pthread_join(t[0], NULL);
	return total >= (long)THREADS * OPS ? 0 : 1;
}

/* 200 threads, released together by a barrier, each do 10,000 lock
 * operations on a pool of 16 mutexes: one to three pseudo-random locks at a
 * time, always taken in increasing index order.  All edges agree with that
 * order, so no cycle: clean, under real contention and with many threads
 * alive at once.  Twin: many_threads_inversion.c.
 * EXPECT: clean
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

#ifdef INVERT_AT_END	/* many_threads_inversion.c */
__attribute__((noinline)) void *invert(void *arg)
{
	pthread_mutex_lock(&pool[9]);
	pthread_mutex_lock(&pool[3]);
	pthread_mutex_unlock(&pool[3]);
	pthread_mutex_unlock(&pool[9]);
	return arg;
}
#endif

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
#ifdef INVERT_AT_END
	if (!took_3_9)
		return 3;
	pthread_create(&t[0], NULL, invert, NULL);
	pthread_join(t[0], NULL);
#endif
	return total >= (long)THREADS * OPS ? 0 : 1;
}

/* Three threads in a ring: each holds lock i and waits for lock i+1.  A
 * real deadlock through three threads, reported with all three and ended.
 * TIMEOUT: 20
 * EXPECT: deadlock 1, lock-order-inversion 1
 * EXPECT-EXIT: 66
 * EXPECT-JSON: len(F('deadlock')[0]['threads']) == 3
 * EXPECT-JSON: len({t['thread'] for t in F('deadlock')[0]['threads']}) == 3
 */
#include <pthread.h>

#define N 3
static pthread_mutex_t m[N] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
				PTHREAD_MUTEX_INITIALIZER };
static pthread_barrier_t all_hold;

__attribute__((noinline)) static void *ring(void *arg)
{
	long i = (long)arg;

	pthread_mutex_lock(&m[i]);
	pthread_barrier_wait(&all_hold);
	pthread_mutex_lock(&m[(i + 1) % N]);
	return arg;
}

int main(void)
{
	pthread_t t[N];

	pthread_barrier_init(&all_hold, NULL, N);
	for (long i = 0; i < N; i++)
		pthread_create(&t[i], NULL, ring, (void *)i);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	return 0;
}

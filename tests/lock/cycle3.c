/* Three threads in a ring: thread i takes L[i] then L[(i+1) % 3], one after
 * the other (joined in between).  No two of them invert a pair, but the
 * three edges form one cycle L0 -> L1 -> L2 -> L0: a potential deadlock of
 * three threads, reported once with its three edges.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_pair
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 3
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['locks']) == 3
 * EXPECT-JSON: len({e['thread'] for e in F('lock-order-inversion')[0]['edges']}) == 3
 */
#include <pthread.h>
#include <stdint.h>

#ifndef N
#define N 3	/* cycle5.c: 5 */
#endif

static pthread_mutex_t l[N];

__attribute__((noinline)) void *take_pair(void *arg)
{
	uintptr_t i = (uintptr_t)arg;

	pthread_mutex_lock(&l[i]);
	pthread_mutex_lock(&l[(i + 1) % N]);
	pthread_mutex_unlock(&l[(i + 1) % N]);
	pthread_mutex_unlock(&l[i]);
	return NULL;
}

int main(void)
{
	for (int i = 0; i < N; i++)
		pthread_mutex_init(&l[i], NULL);
	for (uintptr_t i = 0; i < N; i++) {
		pthread_t t;

		pthread_create(&t, NULL, take_pair, (void *)i);
		pthread_join(t, NULL);
	}
	return 0;
}

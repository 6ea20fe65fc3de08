/* Five threads in a ring: thread i takes L[i] then L[(i+1) % 5], one after
 * the other (joined in between).  No two of them invert a pair, but the five
 * edges form one cycle L0 -> L1 -> L2 -> L3 -> L4 -> L0: a potential deadlock
 * of five threads, reported once with its five edges.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_pair
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 5
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['locks']) == 5
 * EXPECT-JSON: len({e['thread'] for e in F('lock-order-inversion')[0]['edges']}) == 5
 * EXPECT-JSON: all(e['to'] == F('lock-order-inversion')[0]['edges'][(i + 1) % 5]['from'] for i, e in enumerate(F('lock-order-inversion')[0]['edges']))
 */
#include <pthread.h>
#include <stdint.h>

#define N 5

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

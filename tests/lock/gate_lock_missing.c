/* Twin of gate_lock_clean.c: the first thread takes A then B under the gate
 * lock G, the second takes B then A without G.  Nothing serialises the two
 * orders any more: a potential deadlock (the cycle A -> B -> A is not gated
 * by a lock held on both edges).
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_gab take_ba
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#include <pthread.h>

static pthread_mutex_t g = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_gab(void *arg)
{
	pthread_mutex_lock(&g);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&g);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	run(take_gab);
	run(take_ba);
	return 0;
}

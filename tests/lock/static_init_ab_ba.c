/* Two threads take A then B and B then A (joined in between), both mutexes
 * statically initialised with PTHREAD_MUTEX_INITIALIZER: the runtime never
 * sees an init call and learns of them at first use, which is where their
 * site points.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: all(l['site'] == 'first-use' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: all(l['site_stack'] for l in F('lock-order-inversion')[0]['locks'])
 */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
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
	run(take_ab);
	run(take_ba);
	return 0;
}

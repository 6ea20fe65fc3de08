/* `deadbolt run --stack-depth=2` reaches the runtime: the A/B inversion is
 * still found, and no stack in the report keeps more than 2 frames
 * (counting real frames; inlined ones expand a frame without adding to the
 * depth).
 * RUN: deadbolt run --stack-depth=2 --json %json -- %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-JSON: all(0 < len([f for f in s if not f['inlined']]) <= 2 for e in F('lock-order-inversion')[0]['edges'] for s in (e['stack'], e['from_stack']))
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

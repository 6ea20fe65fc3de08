/* One thread takes A then B; another, holding B, takes A only with
 * pthread_mutex_trylock.  A trylock never blocks, so B -> A cannot be half of
 * a deadlock: no edge into a trylocked lock, clean.  Twin:
 * trylock_then_lock.c.  The trylock succeeds (the first thread was joined):
 * the program checks it, so the lock really was held.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t a, b;

static void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

static void *take_b_trylock_a(void *arg)
{
	pthread_mutex_lock(&b);
	if (pthread_mutex_trylock(&a) != 0)
		abort();
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
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(take_b_trylock_a);
	return 0;
}

/* Helper for early_constructor.c: a library whose constructor takes two
 * locks in one order and starts a thread that takes them in the other, all
 * before main and, depending on the loader's order, before deadbolt's own
 * constructor. */
#include <pthread.h>

static pthread_mutex_t ea = PTHREAD_MUTEX_INITIALIZER, eb = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void *ctor_thread_ba(void *p)
{
	pthread_mutex_lock(&eb);
	pthread_mutex_lock(&ea);
	pthread_mutex_unlock(&ea);
	pthread_mutex_unlock(&eb);
	return p;
}

__attribute__((noinline, constructor)) static void ctor_ab(void)
{
	pthread_t t;

	pthread_mutex_lock(&ea);
	pthread_mutex_lock(&eb);
	pthread_mutex_unlock(&eb);
	pthread_mutex_unlock(&ea);
	pthread_create(&t, 0, ctor_thread_ba, 0);
	pthread_join(t, 0);
}

/* Helper library of dlclose_inversion.c: two mutexes of its own, taken in
 * both orders by two functions. */
#include <pthread.h>

static pthread_mutex_t lib_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lib_b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *lib_take_ab(void *arg)
{
	pthread_mutex_lock(&lib_a);
	pthread_mutex_lock(&lib_b);
	pthread_mutex_unlock(&lib_b);
	pthread_mutex_unlock(&lib_a);
	return arg;
}

__attribute__((noinline)) void *lib_take_ba(void *arg)
{
	pthread_mutex_lock(&lib_b);
	pthread_mutex_lock(&lib_a);
	pthread_mutex_unlock(&lib_a);
	pthread_mutex_unlock(&lib_b);
	return arg;
}

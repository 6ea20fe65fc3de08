/* Helper library of dlclose_first_edge.c: a plugin that takes the two locks
 * it is given, in the order given. */
#include <pthread.h>

__attribute__((noinline)) void plugin_take(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

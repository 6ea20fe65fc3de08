/* Helper library of dlclose_reuse_clean.c, built twice: lib_take() takes
 * the caller's lock and the library's own mutex, caller's first, or (built
 * with -DREVERSED) the library's first. */
#include <pthread.h>

static pthread_mutex_t lib_m = PTHREAD_MUTEX_INITIALIZER;

void *lib_mutex(void)
{
	return &lib_m;
}

void lib_take(pthread_mutex_t *outer)
{
#ifdef REVERSED
	pthread_mutex_lock(&lib_m);
	pthread_mutex_lock(outer);
	pthread_mutex_unlock(outer);
	pthread_mutex_unlock(&lib_m);
#else
	pthread_mutex_lock(outer);
	pthread_mutex_lock(&lib_m);
	pthread_mutex_unlock(&lib_m);
	pthread_mutex_unlock(outer);
#endif
}

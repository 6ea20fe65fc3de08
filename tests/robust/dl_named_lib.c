/* Helper library of dlclose_symbolize.c, built twice: lib_take2(x, y)
 * takes x then y in a function named first_take or (built with -DSECOND)
 * secnd_take; the two builds have the same layout. */
#include <pthread.h>

#ifdef SECOND
#define TAKE secnd_take
#else
#define TAKE first_take
#endif

__attribute__((noinline)) void TAKE(pthread_mutex_t *x, pthread_mutex_t *y)
{
	pthread_mutex_lock(x);
	pthread_mutex_lock(y);
	pthread_mutex_unlock(y);
	pthread_mutex_unlock(x);
}

void lib_take2(pthread_mutex_t *x, pthread_mutex_t *y)
{
	TAKE(x, y);
}

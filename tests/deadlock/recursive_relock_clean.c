/* The clean twin of self_deadlock.c: a recursive mutex taken twice by its
 * owner is fine, and an error-checking one answers EDEADLK instead of
 * hanging: neither is a deadlock.
 * EXPECT: clean
 */
#include <errno.h>
#include <pthread.h>

int main(void)
{
	pthread_mutex_t r, e;
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&e, &a);
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_lock(&e);
	int rc = pthread_mutex_lock(&e);
	pthread_mutex_unlock(&e);
	return rc == EDEADLK ? 0 : 1;
}

/* The clean twin of the unlock misuses: locks, trylocks, rwlocks and
 * spinlocks each released once by the thread that took them, out of order
 * too, a recursive mutex twice.
 * EXPECT: clean
 */
#include <pthread.h>

int main(void)
{
	pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER, r;
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_spinlock_t s;
	pthread_mutexattr_t at;

	pthread_mutexattr_init(&at);
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &at);
	pthread_spin_init(&s, 0);
	pthread_mutex_lock(&a);
	pthread_mutex_trylock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_rdlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_rwlock_unlock(&rw);
	pthread_spin_lock(&s);
	pthread_spin_unlock(&s);
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
	pthread_mutex_destroy(&r);
	pthread_spin_destroy(&s);
	return 0;
}

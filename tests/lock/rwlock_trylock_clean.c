/* One thread write-locks A then B; another, holding B, takes A with
 * pthread_rwlock_trywrlock and, later, with pthread_rwlock_tryrdlock.  A
 * trylock never blocks: no edge into A, clean.  Twin:
 * rwlock_write_inversion.c.  The trylocks succeed (the first thread was
 * joined): the program checks it.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdlib.h>
#include "../run_thread.h"

static pthread_rwlock_t a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t b = PTHREAD_RWLOCK_INITIALIZER;

static void *write_ab(void *arg)
{
	pthread_rwlock_wrlock(&a);
	pthread_rwlock_wrlock(&b);
	pthread_rwlock_unlock(&b);
	pthread_rwlock_unlock(&a);
	return arg;
}

static void *write_b_trylock_a(void *arg)
{
	pthread_rwlock_wrlock(&b);
	if (pthread_rwlock_trywrlock(&a) != 0)
		abort();
	pthread_rwlock_unlock(&a);
	if (pthread_rwlock_tryrdlock(&a) != 0)
		abort();
	pthread_rwlock_unlock(&a);
	pthread_rwlock_unlock(&b);
	return arg;
}

int main(void)
{
	run(write_ab);
	run(write_b_trylock_a);
	return 0;
}

/* Two threads read-lock A then B and B then A (joined in between).  Readers
 * do not exclude readers (glibc's default rwlock prefers readers, so a
 * waiting writer cannot make a reader block), so a cycle whose every
 * acquisition is a read lock cannot deadlock: clean.  Twin:
 * rwlock_read_write.c.
 * EXPECT: clean
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_rwlock_t a, b;

static void *read_ab(void *arg)
{
	pthread_rwlock_rdlock(&a);
	pthread_rwlock_rdlock(&b);
	pthread_rwlock_unlock(&b);
	pthread_rwlock_unlock(&a);
	return arg;
}

static void *read_ba(void *arg)
{
	pthread_rwlock_rdlock(&b);
	pthread_rwlock_rdlock(&a);
	pthread_rwlock_unlock(&a);
	pthread_rwlock_unlock(&b);
	return arg;
}

int main(void)
{
	pthread_rwlock_init(&a, NULL);
	pthread_rwlock_init(&b, NULL);
	run(read_ab);
	run(read_ba);
	return 0;
}

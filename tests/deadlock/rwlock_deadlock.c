/* A reader holds rwlock R and wants mutex M; a writer holds M and wants R
 * for writing: the writer waits for the reader, the reader for the writer.
 * TIMEOUT: 20
 * EXPECT: deadlock 1, lock-order-inversion 1
 * EXPECT-EXIT: 66
 * EXPECT-FUNC: deadlock reader writer
 */
#include <pthread.h>

static pthread_rwlock_t r = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

__attribute__((noinline)) static void *reader(void *arg)
{
	pthread_rwlock_rdlock(&r);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&m);
	return arg;
}

__attribute__((noinline)) static void *writer(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&both_hold);
	pthread_rwlock_wrlock(&r);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_create(&t1, NULL, reader, NULL);
	pthread_create(&t2, NULL, writer, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	return 0;
}

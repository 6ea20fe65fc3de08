/* Twin of gate_rwlock_read_inversion.c: the outer rwlock G is held in
 * write mode while each thread takes A then B, or B then A.  A writer
 * excludes everyone, so G serialises the two orders like a mutex gate:
 * clean.
 * EXPECT: clean
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_rwlock_t g = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *write_gate_ab(void *arg)
{
	pthread_rwlock_wrlock(&g);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_rwlock_unlock(&g);
	return arg;
}

static void *write_gate_ba(void *arg)
{
	pthread_rwlock_wrlock(&g);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	pthread_rwlock_unlock(&g);
	return arg;
}

int main(void)
{
	run(write_gate_ab);
	run(write_gate_ba);
	return 0;
}

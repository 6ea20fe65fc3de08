/* Two threads write-lock A then B and B then A (joined in between): with
 * writers both locks are exclusive, so this is the plain A/B inversion on
 * rwlocks.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion write_ab write_ba
 * EXPECT-JSON: all(l['type'] == 'rwlock' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: all(e['from_mode'] == 'write' and e['to_mode'] == 'write' for e in F('lock-order-inversion')[0]['edges'])
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_rwlock_t a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t b = PTHREAD_RWLOCK_INITIALIZER;

__attribute__((noinline)) void *write_ab(void *arg)
{
	pthread_rwlock_wrlock(&a);
	pthread_rwlock_wrlock(&b);
	pthread_rwlock_unlock(&b);
	pthread_rwlock_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *write_ba(void *arg)
{
	pthread_rwlock_wrlock(&b);
	pthread_rwlock_wrlock(&a);
	pthread_rwlock_unlock(&a);
	pthread_rwlock_unlock(&b);
	return arg;
}

int main(void)
{
	run(write_ab);
	run(write_ba);
	return 0;
}

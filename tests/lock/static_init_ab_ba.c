/* Two threads take A then B and B then A (joined in between), both mutexes
 * statically initialised with PTHREAD_MUTEX_INITIALIZER: the runtime never
 * sees an init call and learns of them at first use, which is where their
 * site points.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: all(l['site'] == 'first-use' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: all(l['site_stack'] for l in F('lock-order-inversion')[0]['locks'])
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

/* The runtime without the tool: LD_PRELOAD=libdeadbolt.so with only
 * log_dir set, the program forms the A/B inversion and exits 0; then
 * `deadbolt report --json` on that directory (which holds other files too)
 * finds it.  Exit 1: findings.
 * RUN: LD_PRELOAD=%lib DEADBOLT_OPTIONS=log_dir=%t %prog
 * RUN: deadbolt report --json %json %t
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 1 and j['processes'][0]['exit'] == 0
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

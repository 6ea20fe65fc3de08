/* `deadbolt run --error-exitcode 9` on a program with the A/B inversion
 * (two threads joined in between) that itself exits 0: a finding was made,
 * so run exits with the chosen status instead of the default 66.
 * RUN: deadbolt run --error-exitcode 9 --json %json -- %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 9
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

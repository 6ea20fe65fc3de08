/* `deadbolt run --stack-depth=2` reaches the runtime: the A/B inversion is
 * still found, and no stack in the report keeps more than 2 frames
 * (counting real frames; inlined ones expand a frame without adding to the
 * depth).
 * RUN: deadbolt run --stack-depth=2 --json %json -- %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-JSON: all(0 < len([f for f in s if not f['inlined']]) <= 2 for e in F('lock-order-inversion')[0]['edges'] for s in (e['stack'], e['from_stack']))
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

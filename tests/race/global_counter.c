/* Two threads increment a global counter without a lock for half a second:
 * a data race on `counter`.  The finding names the global (symbol, module,
 * 8 bytes at offset 0); its two accesses come from bump() in two distinct
 * threads, at least one a write, neither atomic nor under a lock; each
 * access's stack runs from bump down to libc's start_thread.
 * Twins: mutex_counter_clean.c (the same loop under a mutex),
 * benign_race_clean.c (annotated), race_off.c (with race=0).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'global' and F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: F('data-race')[0]['location']['size'] == 8 and F('data-race')[0]['location']['offset'] == 0
 * EXPECT-JSON: F('data-race')[0]['location']['module'].endswith('/race/global_counter')
 * EXPECT-JSON: F('data-race')[0]['evidence'] in ('witnessed', 'unordered') and F('data-race')[0]['count'] >= 1
 * EXPECT-JSON: len(F('data-race')[0]['accesses']) == 2 and len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: any(a['write'] for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: not any(a['atomic'] or a['locks'] for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: all(a['stack'][0]['function'] == 'bump' for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: all(any(f['function'] == 'start_thread' for f in a['stack']) for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['race']['state'] == 'on'
 * EXPECT-JSON: j['processes'][0]['race']['watched'] >= 1 and j['processes'][0]['race']['windows'] >= 1
 */
#include "racy_counter.h"

int main(void)
{
	return race_two();
}

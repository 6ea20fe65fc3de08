/* Two threads take A then B and B then A, one after the other (joined in
 * between), so the program never hangs, but the order is inverted: a
 * potential deadlock.  Both edges of the cycle carry the stack where the
 * second lock was taken and the stack where the first one was, in two
 * distinct threads.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['locks']) == 2
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 * EXPECT-JSON: all(e['stack'] and e['from_stack'] for e in F('lock-order-inversion')[0]['edges'])
 * EXPECT-JSON: len({e['thread'] for e in F('lock-order-inversion')[0]['edges']}) == 2
 * EXPECT-JSON: all(l['type'] == 'mutex' and l['site'] == 'init' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: [(e['from'], e['to']) for e in F('lock-order-inversion')[0]['edges']] in ([('M1', 'M2'), ('M2', 'M1')], [('M2', 'M1'), ('M1', 'M2')])
 * EXPECT-JSON: all(len({f['function'] for f in e['stack'] + e['from_stack']} & {'take_ab', 'take_ba'}) == 1 for e in F('lock-order-inversion')[0]['edges'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>

/* initialised again in main: created at an init site */
#include "../ab_ba.h"

int main(void)
{
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(take_ba);
	return 0;
}

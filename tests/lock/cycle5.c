/* Five threads in a ring: thread i takes L[i] then L[(i+1) % 5], one after
 * the other (joined in between): cycle3.c with five.  No two of them invert
 * a pair, but the five edges form one cycle L0 -> L1 -> L2 -> L3 -> L4 ->
 * L0: a potential deadlock of five threads, reported once with its five
 * edges, in ring order.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_pair
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 5
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['locks']) == 5
 * EXPECT-JSON: len({e['thread'] for e in F('lock-order-inversion')[0]['edges']}) == 5
 * EXPECT-JSON: all(e['to'] == F('lock-order-inversion')[0]['edges'][(i + 1) % 5]['from'] for i, e in enumerate(F('lock-order-inversion')[0]['edges']))
 */
#define N 5
#include "cycle3.c"

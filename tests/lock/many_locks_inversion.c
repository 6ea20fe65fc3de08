/* Twin of many_locks_clean.c: the same 100,000 live mutexes locked in
 * disjoint pairs (2k, 2k+1), lower index first, then one last thread takes
 * one pair in the middle the other way round.  Exactly one of the 50,000
 * pairs is inverted: one potential deadlock, not lost among the others.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion invert_one_pair
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 * TIMEOUT: 300
 */
#define INVERT_ONE_PAIR 1
#include "many_locks_clean.c"

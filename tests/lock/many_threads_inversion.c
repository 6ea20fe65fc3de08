/* Twin of many_threads_clean.c: the same 200 threads take the pool in
 * increasing index order, then, after they were joined, one more thread
 * takes pool[9] and then pool[3].  Among all the agreeing edges, this one
 * closes a cycle (pool[3] -> pool[9] was surely taken by some thread, the
 * program checks): a potential deadlock, found in a large graph.  How many
 * cycles one new edge closes is the detector's choice, hence >= 1.
 * EXPECT: lock-order-inversion >=1
 * EXPECT-FUNC: lock-order-inversion invert
 * TIMEOUT: 300
 */
#define INVERT_AT_END 1
#include "many_threads_clean.c"

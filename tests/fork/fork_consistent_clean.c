/* Twin of fork_keeps_graph.c: the parent takes A then B, forks, and the
 * child takes A then B again.  The child inherits the parent's order and
 * agrees with it: clean in both processes.
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 2
 */
#define CHILD_TAKES take_ab
#include "fork_keeps_graph.c"

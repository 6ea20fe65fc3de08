/* Threads take a recursive mutex R, then X, then R again while holding X
 * (joined in between).  The second R never blocks: this thread already owns
 * it.  So X -> R is no lock-order edge, and with R -> X alone there is no
 * cycle: clean.  (Counting the re-entry as an edge would report R -> X -> R,
 * a false positive.)  Twin: recursive_inversion.c.
 * EXPECT: clean
 */
#define FIRST take_r_x_r
#define SECOND take_r_x_r
#include "recursive_clean.c"

/* `deadbolt run --lock-order=0` turns lock-order checking off: the A/B
 * inversion (two threads joined in between) goes unreported and run exits
 * with the program's status 0.  Twin: tests/lock/ab_ba.c.
 * RUN: deadbolt run --lock-order=0 --json %json -- %prog
 * EXPECT: clean
 */
#include "../lock/ab_ba.c"

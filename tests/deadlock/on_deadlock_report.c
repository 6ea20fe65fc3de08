/* With --on-deadlock=report the deadlock is reported and the program left
 * hanging (for a debugger); --timeout then dumps and kills it: both the
 * deadlock and the hang are in the report, the deadlock first in the log.
 * TIMEOUT: 30
 * RUN: deadbolt run --on-deadlock=report --timeout 2 --json %json -- %prog
 * EXPECT: deadlock 1, lock-order-inversion 1, hang 1
 * EXPECT-EXIT: 66
 * EXPECT-JSON: j['processes'][0]['signal'] == 9
 */
/* the program of on_deadlock_abort.c: an AB/BA deadlock */
#include "on_deadlock_abort.c"

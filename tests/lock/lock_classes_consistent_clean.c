/* With --lock-classes=1, two objects of one struct type, each with locks a
 * and b from the same init code, are both locked a then b (joined in
 * between): lock_classes.c with its second object taken in the same order.
 * The classes agree (a -> b only): clean, no false positive from the class
 * graph.
 * RUN: deadbolt run --lock-classes=1 --json %json -- %prog
 * EXPECT: clean
 */
#define SECOND_OBJ take_a_b
#include "lock_classes.c"

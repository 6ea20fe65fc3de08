/* Twin of lock_classes.c, the same program without --lock-classes: obj[0]
 * is locked a -> b and obj[1] b -> a, so no two lock instances form a cycle;
 * only their classes would.  By default deadbolt checks instances: clean.
 * EXPECT: clean
 */
#include "lock_classes.c"

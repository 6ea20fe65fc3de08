/* first_fd_is_3.c under a descriptor limit of 32, set before the program
 * (and deadbolt with it) starts.  deadbolt's descriptors cannot go to 640
 * and up then; they must not stay on the program's lowest numbers either:
 * the first open is still 3.
 * EXPECT: clean
 */
#define LOW_LIMIT 32
#include "first_fd_is_3.c"

/* The runtime preloaded from a copy under another name, outside the system
 * directories (as a user's own install might be): the sampler must still
 * leave deadbolt's own code alone, found by address, not by file name.
 * Before, a breakpoint in the runtime itself killed the program with
 * SIGTRAP.  The racy counter of global_counter.c is found as usual and the
 * program exits 0.
 * RUN: cp %lib %t/dbcopy.so && LD_PRELOAD=%t/dbcopy.so DEADBOLT_OPTIONS=log_dir=%t %prog
 * RUN: deadbolt report --json %json %t
 * EXPECT: data-race 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['race']['state'] == 'on'
 */
/* the program of global_counter.c: bump() races on `counter` */
#include "global_counter.c"

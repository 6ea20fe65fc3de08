/* The racy counter of global_counter.c under `deadbolt run --race=0`: race
 * detection is off, nothing is reported, and the process says so.
 * RUN: deadbolt run --race=0 --json %json -- %prog
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'off'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include "global_counter.c"

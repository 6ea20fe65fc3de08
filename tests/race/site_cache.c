/* The racy counter of global_counter.c, run twice with one site cache
 * (race_cache).  The first run disassembles the program and writes its
 * sites there; the second reads them back instead of loading the
 * disassembler (the JSON says every sampled module came from the cache),
 * and finds the same race.
 * RUN: deadbolt run --race-cache=%t/c --json %t/first.json -- %prog; ls %t/c | grep -q '^sites-'
 * RUN: deadbolt run --race-cache=%t/c --json %json -- %prog
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['race']['modules'] >= 1
 * EXPECT-JSON: j['processes'][0]['race']['modules_cached'] == j['processes'][0]['race']['modules']
 */
#include "global_counter.c"

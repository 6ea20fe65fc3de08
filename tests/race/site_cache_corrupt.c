/* The racy counter of global_counter.c with a site cache that does not
 * match: a first run fills it, then every cache file keeps its header but
 * gets random bytes for sites.  It is not used: the program is disassembled again (no module counts as
 * cached), the race is found, and the cache is written afresh, which a
 * last run then uses.
 * RUN: deadbolt run --race-cache=%t/c --json %t/first.json -- %prog
 * RUN: for f in %t/c/sites-*; do head -c 40 $f > %t/head; cat %t/head > $f; head -c 4096 /dev/urandom >> $f; done
 * RUN: deadbolt run --race-cache=%t/c --json %json -- %prog; s=$?
 * RUN: deadbolt run --race-cache=%t/c --json %t/last.json -- %prog
 * RUN: python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['processes'][0]['race']; sys.exit(r['modules_cached'] != r['modules'])" %t/last.json && exit $s
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['race']['modules'] >= 1 and j['processes'][0]['race']['modules_cached'] == 0
 */
#include "global_counter.c"

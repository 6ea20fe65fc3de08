/* hb_annotation_clean.c without its annotations: the record is handed
 * back and forth through an atomic flag (relaxed operations plus fences)
 * that deadbolt cannot see as synchronisation, so the record's accesses look
 * unordered and are reported.  They never overlap in time (the record has
 * one owner at a time), so the evidence is "unordered", not "witnessed".
 * The flag itself is atomic (its stores are xchg): never reported.
 * This is the report a user silences with DEADBOLT_HAPPENS_BEFORE/AFTER.
 * EXPECT: data-race >=1
 * EXPECT-FUNC: data-race side_a side_b
 * EXPECT-JSON: all(f['symbol'] == 'record' for f in F('data-race'))
 * EXPECT-JSON: all(f['evidence'] == 'unordered' for f in F('data-race'))
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
/* hb_annotation_clean.c's program with the annotations compiled out (the
 * header is included first; its guard keeps these definitions) */
#include "deadbolt.h"
#undef DEADBOLT_HAPPENS_BEFORE
#undef DEADBOLT_HAPPENS_AFTER
#define DEADBOLT_HAPPENS_BEFORE(addr) ((void)(addr))
#define DEADBOLT_HAPPENS_AFTER(addr) ((void)(addr))
/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RUN_MS 500
#include "hb_annotation_clean.c"

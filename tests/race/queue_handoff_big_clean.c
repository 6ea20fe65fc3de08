/* queue_handoff_clean.c with messages of about 20 KiB whose payload lies
 * five pages into the block: a free must find the sampled locations of a
 * block of many pages, not only of its first lines, or the next message
 * malloc puts there pairs with the old one.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#define PAYLOAD_AT 20000
#include "queue_handoff_clean.c"

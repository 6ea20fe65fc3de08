/* global_counter.c linked by lld, as Rust (1.90 and later) and many
 * clang builds link: the writable data that is not RELRO gets a segment of
 * its own after the RELRO one, where GNU ld puts both in one.  The race on
 * `counter` is found all the same.
 * EXPECT: data-race 1
 * LDFLAGS: -fuse-ld=lld
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'global' and F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['race']['globals'] >= 1
 */
#include "racy_counter.h"

int main(void)
{
	return race_two();
}

/* The racy counter of global_counter.c under a Rust (legacy) mangled
 * name, as rustc names a `static mut`: the finding names it as Rust does,
 * without the hash that ends the mangled name.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'app::stats::HITS'
 */
#define COUNTER_SYMBOL __asm__("_ZN3app5stats4HITS17h0123456789abcdefE")
#include "racy_counter.h"

int main(void)
{
	return race_two();
}

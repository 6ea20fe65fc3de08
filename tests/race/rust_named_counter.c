/* The racy counter of global_counter.c under a Rust (legacy) mangled
 * name, as rustc names a `static mut`: the finding names it as Rust does,
 * without the hash that ends the mangled name.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'app::stats::HITS'
 */
#include <pthread.h>
#include <time.h>

#include "now_ms.h"

#define RACY_MS 500

volatile long hits __asm__("_ZN3app5stats4HITS17h0123456789abcdefE");

__attribute__((noinline)) void *bump(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			hits++;
	return arg;
}

int main(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return hits == 0;
}

/* Frames of Rust's standard library, which rustc compiles into the program
 * with its sources named /rustc/<commit>/library/..., are not the
 * program's own: a finding is named after the program's code around them.
 * Here a heap block allocated through such a frame (a stand-in for
 * alloc::alloc::alloc) is raced on: the report says it was allocated in
 * new_counter, the program's function that called it, not in the wrapper.
 * EXPECT: data-race >=1
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'heap'
 * EXPECT-JSON: 'allocated at new_counter' in F('data-race')[0]['summary']
 * EXPECT-JSON: F('data-race')[0]['location']['block']['stack'][0]['function'] == 'std_alloc'
 */
#include <pthread.h>
#include <stdlib.h>

#include "../race/now_ms.h"

#define RACY_MS 500

#line 1 "/rustc/0123456789abcdef/library/alloc/src/alloc.rs"
__attribute__((noinline)) void *std_alloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p)
		abort();
	return p;
}
#line 30 "rust_std_frames.c"

__attribute__((noinline)) volatile long *new_counter(void)
{
	return std_alloc(sizeof(long));
}

__attribute__((noinline)) void *bump(void *arg)
{
	volatile long *c = arg;
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			++*c;
	return NULL;
}

int main(void)
{
	volatile long *c = new_counter();
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, (void *)c) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	long v = *c;
	free((void *)c);
	return v > 0 ? 0 : 3;
}

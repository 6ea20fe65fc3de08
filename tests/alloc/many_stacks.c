/* The stack depot grows while the program runs: 16,384 allocations, each
 * from a call path of its own (14 levels, each a call from left() or from
 * right(), as the bits of a number say), all freed, take its table from
 * 16K slots through two doublings.  A thread drops a block from
 * make_garbage before them, and another thread, through the same path,
 * after (each thread unwinds its own: its stack cache is its own): both
 * blocks keep their stacks through the doublings and are reported as one
 * leak of two blocks, in make_garbage called from drop.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak make_garbage drop
 * EXPECT-JSON: F('leak')[0]['bytes'] == 154 and F('leak')[0]['blocks'] == 2
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS	14

void *volatile sink;

__attribute__((noinline)) void *make_garbage(size_t n)
{
	void *p = malloc(n);

	memset(p, 0xab, n);
	return p;
}

static void *right(unsigned depth, unsigned path);

/* Each level's call comes from left() or right(): a return address of its
 * own in the stack.  The store after the call keeps it a call. */
__attribute__((noinline)) static void *left(unsigned depth, unsigned path)
{
	void *p = !depth ? malloc(16) : path & 1 ? left(depth - 1, path >> 1) :
		  right(depth - 1, path >> 1);

	sink = p;
	return p;
}

__attribute__((noinline)) static void *right(unsigned depth, unsigned path)
{
	void *p = !depth ? malloc(16) : path & 1 ? left(depth - 1, path >> 1) :
		  right(depth - 1, path >> 1);

	sink = p;
	return p;
}

#include "../scrub.h"

__attribute__((noinline)) static void *drop(void *arg)
{
	make_garbage(77);
	sink = NULL;
	return arg;
}

int main(void)
{
	pthread_t t;

	for (int round = 0; round < 2; round++) {
		if (pthread_create(&t, NULL, drop, NULL) != 0 || pthread_join(t, NULL) != 0)
			return 1;
		for (unsigned path = 0; !round && path < 1u << LEVELS; path++)
			free(left(LEVELS, path));
	}
	sink = NULL;
	scrub();
	return 0;
}

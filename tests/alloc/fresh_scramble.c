/* Four threads allocate blocks and swap them through a shared array of
 * slots with atomic exchanges; whoever takes a block out frees it.  A block
 * is freed by its maker or by another thread, at any time after it was
 * made: often while it is still among its maker's newest (in its cache),
 * sometimes while its maker is moving it to the table.  Every 997th block
 * is dropped instead.  The allocation table and the caches must lose and
 * duplicate nothing: exactly the dropped blocks leak (the ones left in
 * the array at the end are freed), and no free is taken for a double or
 * an unknown one.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak make_block worker
 * EXPECT-JSON: F('leak')[0]['blocks'] == 4 * (40000 // 997)
 * EXPECT-JSON: F('leak')[0]['bytes'] == 40 * 4 * (40000 // 997)
 * EXPECT-JSON: not F('misuse')
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define THREADS	4
#define PER	40000		/* blocks each thread makes */
#define SLOTS	64

static _Atomic(char *) slot[SLOTS];
static _Thread_local void *volatile sink;	/* each thread's own: no race */

static __attribute__((noinline)) char *make_block(unsigned tag)
{
	char *p = malloc(40);

	memset(p, (int)(tag & 0xff), 40);
	return p;
}

static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 2654435761u + 1;

	for (unsigned i = 1; i <= PER; i++) {
		char *p = make_block(i);
		if (i % 997 == 0) {	/* dropped */
			sink = p;
			sink = NULL;
			continue;
		}
		seed = seed * 1103515245u + 12345u;
		char *old = atomic_exchange(&slot[(seed >> 16) % SLOTS], p);
		free(old);	/* someone's block, maybe this thread's own */
	}
	return NULL;
}

#include "../scrub.h"

int main(void)
{
	pthread_t t[THREADS];

	for (uintptr_t k = 0; k < THREADS; k++)
		pthread_create(&t[k], NULL, worker, (void *)k);
	for (int k = 0; k < THREADS; k++)
		pthread_join(t[k], NULL);
	for (int k = 0; k < SLOTS; k++)
		free(atomic_exchange(&slot[k], NULL));
	scrub();
	return 0;
}

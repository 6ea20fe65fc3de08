/* Three blocks pointing at each other in a ring, nothing else pointing in,
 * and a fourth hanging off the ring: the ring has no outside owner, so one
 * of its blocks (the first in address order) is reported as the definite
 * leak and the others, reached from it, as indirect.  LeakSanitizer would
 * call them all indirect and show no definite leak at all.
 * Each block comes from its own line: four findings.
 * EXPECT: leak 4
 * EXPECT-JSON: sorted(f['leak_kind'] for f in F('leak')) == ['definite', 'indirect', 'indirect', 'indirect']
 * EXPECT-JSON: all(f['blocks'] == 1 for f in F('leak'))
 */
#include <stdlib.h>

struct ring {
	struct ring *next;
	void *extra;
};

__attribute__((noinline)) void make_ring(void)
{
	struct ring *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *c = malloc(sizeof(*c));

	a->next = b;
	b->next = c;
	c->next = a;
	a->extra = b->extra = NULL;
	c->extra = malloc(sizeof(struct ring));
	__asm__ volatile("" : : "r"(a) : "memory");	/* the stores happen */
}

#include "../scrub.h"

int main(void)
{
	make_ring();
	scrub();
	return 0;
}

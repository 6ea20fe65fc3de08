/* alloc.c - the program's heap blocks.
 *
 * For now: a freed (or moved) block ends the identity of the locks inside
 * it, so a reused address never aliases an old lock.  The block's size
 * comes from the allocator (malloc_usable_size).
 */
#include <malloc.h>

#include "internal.h"

void db_alloc_init(void)
{
}

void db_alloc_add(struct db_thread *t, void *p, size_t n)
{
	(void)t;
	(void)p;
	(void)n;
}

void db_alloc_free(struct db_thread *t, void *p)
{
	(void)t;
	db_lock_forget_range((uintptr_t)p, malloc_usable_size(p));
	db_real.free(p);
}

void *db_alloc_realloc(struct db_thread *t, void *p, size_t n)
{
	size_t old = p ? malloc_usable_size(p) : 0;

	(void)t;
	if (old > n)	/* the tail is gone whether or not the block moves */
		db_lock_forget_range((uintptr_t)p + n, old - n);
	void *q = db_real.realloc(p, n);
	if (q && q != p && old)
		db_lock_forget_range((uintptr_t)p, old < n ? old : n);
	return q;
}

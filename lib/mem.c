/* mem.c - the runtime's own memory.  Never the program's malloc: a shim
 * that allocated through it would recurse, and would change the program's
 * heap layout.  Small blocks come from 1 MiB mmap'd arenas, carved into
 * power-of-two size classes with free lists; large ones are mapped
 * directly.  mem_lock (a spinlock, held for a few instructions) guards the
 * arenas and free lists; fork holds it across the fork.
 */
#include <sched.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define ARENA_SIZE	(1u << 20)	/* bytes mapped at a time for small blocks */
#define MIN_SHIFT	4		/* smallest class: 16 bytes */
#define MAX_SHIFT	16		/* largest class: 64 KiB; above: own mapping */
#define NCLASS		(MAX_SHIFT - MIN_SHIFT + 1)

struct free_block { struct free_block *next; };

static db_spin_t mem_lock;
static struct free_block *free_list[NCLASS];
static char *arena_cur, *arena_end;

/* The lock was taken when db_spin_lock tried: wait for it. */
void db_spin_lock_slow(db_spin_t *s)
{
	for (;;) {
		for (int i = 0; atomic_load_explicit(&s->v, memory_order_relaxed); i++) {
			if (i > 64)
				sched_yield();
			else
				__builtin_ia32_pause();
		}
		if (!atomic_exchange_explicit(&s->v, 1, memory_order_acquire))
			return;
	}
}

void *db_mem_map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

void db_mem_populate(void *p, size_t n)
{
	uintptr_t lo = (uintptr_t)p & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)p + n + 4095) & ~(uintptr_t)4095;

	if (p && n)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
}

static int size_class(size_t n)
{
	int c = 0;

	while (((size_t)1 << (c + MIN_SHIFT)) < n)
		c++;
	return c;
}

void *db_mem_alloc(size_t n)
{
	if (n == 0)
		n = 1;
	if (n > ((size_t)1 << MAX_SHIFT))
		return db_mem_map((n + 4095) & ~(size_t)4095);
	int c = size_class(n);
	size_t sz = (size_t)1 << (c + MIN_SHIFT);
	void *p = NULL;

	db_spin_lock(&mem_lock);
	if (free_list[c]) {
		p = free_list[c];
		free_list[c] = free_list[c]->next;
	} else {
		/* a block of a line or more starts a line: two threads'
		 * records (or two locks' nodes) never share one */
		if (sz >= 64)
			arena_cur = (char *)(((uintptr_t)arena_cur + 63) & ~(uintptr_t)63);
		if (arena_cur > arena_end || (size_t)(arena_end - arena_cur) < sz) {
			/* the tail of the old arena is abandoned: < 64 KiB per MiB */
			char *a = db_mem_map(ARENA_SIZE);
			if (a) {
				arena_cur = a;
				arena_end = a + ARENA_SIZE;
			}
		}
		if ((size_t)(arena_end - arena_cur) >= sz) {
			p = arena_cur;
			arena_cur += sz;
		}
	}
	db_spin_unlock(&mem_lock);
	if (p)
		memset(p, 0, sz);
	return p;
}

void db_mem_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n == 0)
		n = 1;
	if (n > ((size_t)1 << MAX_SHIFT)) {
		munmap(p, (n + 4095) & ~(size_t)4095);
		return;
	}
	int c = size_class(n);
	struct free_block *b = p;

	db_spin_lock(&mem_lock);
	b->next = free_list[c];
	free_list[c] = b;
	db_spin_unlock(&mem_lock);
}

void db_mem_atfork_prepare(void)
{
	db_spin_lock(&mem_lock);
}

void db_mem_atfork_parent(void)
{
	db_spin_unlock(&mem_lock);
}

void db_mem_atfork_child(void)
{
	db_spin_unlock(&mem_lock);
}

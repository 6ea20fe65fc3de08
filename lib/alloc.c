/* alloc.c - the program's heap blocks: the allocation table, frees of
 * blocks already freed or never allocated, and the leak scan at exit.
 *
 * The table.  Every block the real allocator returns to the program is a
 * 16-byte slot in one of DB_ALLOC_SHARDS open-addressing tables (linear
 * probing, backward-shift deletion, no tombstones).  The shard is chosen by
 * the block's 64 MiB region first (glibc gives each thread an arena of its
 * own, so threads mostly keep to their own shards and their lock and table
 * lines stay in their own core's cache), then by a hash of the address;
 * each shard has its own spinlock, held for a probe or a rehash, never
 * across a call that can block or run program code.  Tables come from
 * mem.c and double when five eighths full (fuller, the runs a removal
 * walks get long: at three quarters, removals cost mallocbench 5-10%).  A
 * slot packs the address, the allocation stack id, the size, the
 * allocating thread, the fork generation and the ignored flag (see
 * SLOT_*): 16 bytes per block at any count, 26-51 bytes of table.
 *
 * What is not in the table: blocks allocated before deadbolt started, while
 * the reentrancy guard was held (deadbolt's own callers: dlsym, libunwind;
 * a signal handler that interrupted deadbolt), unaligned or above the 47-bit
 * user space.  A free of such a block is passed to the real free: a pointer
 * missing from the table proves nothing by itself.  A free is a misuse only
 * when that is certain: the pointer was freed through the table and nothing
 * allocated since could have returned it without the table knowing (each
 * allocation deadbolt could not record bumps untracked_epoch; a recent free
 * remembers the epoch it happened in), or it cannot be a heap block at all
 * (unaligned, inside a loaded module, unmapped).  Those are reported and
 * not passed on: glibc would abort, or worse.
 *
 * fork: the child keeps the table; its blocks from before the fork carry
 * the parent's generation (SLOT_GEN), so the child's leak report leaves
 * them to the parent.
 *
 * The leak scan runs once, at exit, after everything else the program does
 * at exit: its handler is registered with __cxa_atexit and no DSO at start,
 * before __libc_start_main registers the loader's destructor pass, so it
 * runs after the atexit handlers and after every ELF destructor.  It stops
 * the other threads (ptrace from a helper process, so no signal reaches the
 * program), collects and sorts the blocks, marks what
 * the roots reach (writable memory that is neither heap nor deadbolt's own:
 * modules' data, anonymous mappings the program or its libraries made;
 * each thread's stack from its stack pointer up, its registers, its DTV),
 * then classifies the rest like Valgrind: a leaked block no other leaked
 * block reaches is definite, the blocks it reaches indirect (in a cycle of
 * leaked blocks with nothing outside pointing in, the first in address
 * order is the definite one).  It never calls malloc: its memory is mapped.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <malloc.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define GROUP_BITS	6	/* 64 groups of shards, by 64 MiB region */
#define SUB_BITS	4	/* 16 shards a group, by address hash */
#define DB_ALLOC_SHARDS	(1 << (GROUP_BITS + SUB_BITS))	/* tables, each with its lock */
#define REGION_SHIFT	26
#define SHARD_MIN	64	/* slots of a shard's first table */
#define DB_FREE_RING	32	/* recent frees remembered per shard, to tell a
				 * double free for sure */

/* A slot.  w0: address >> 3 (44 bits: user addresses are below 2^47) and the
 * stack id above it; w1: size (40 bits, clamped), thread id + 1 (16 bits, 0:
 * unknown or too large), fork generation (4 bits), ignored flag. */
struct slot {
	uint64_t w0, w1;
};

#define SLOT_ADDR_BITS	44
#define SLOT_ADDR_MASK	((1ull << SLOT_ADDR_BITS) - 1)
#define SLOT_STACK_MAX	((1ull << (64 - SLOT_ADDR_BITS)) - 1)
#define SLOT_SIZE_MASK	((1ull << 40) - 1)
#define SLOT_TID_SHIFT	40
#define SLOT_TID_MAX	0xffffu
#define SLOT_GEN_SHIFT	56
#define SLOT_GEN_MASK	0xfu
#define SLOT_IGNORED	(1ull << 60)

static inline uintptr_t slot_addr(const struct slot *e)
{
	return (uintptr_t)((e->w0 & SLOT_ADDR_MASK) << 3);
}

static inline uint64_t slot_stack(const struct slot *e)
{
	return e->w0 >> SLOT_ADDR_BITS;
}

static inline size_t slot_size(const struct slot *e)
{
	return (size_t)(e->w1 & SLOT_SIZE_MASK);
}

static inline uint32_t slot_tid(const struct slot *e)
{
	uint32_t v = (uint32_t)(e->w1 >> SLOT_TID_SHIFT) & SLOT_TID_MAX;

	return v ? v - 1 : UINT32_MAX;
}

static inline unsigned slot_gen(const struct slot *e)
{
	return (unsigned)(e->w1 >> SLOT_GEN_SHIFT) & SLOT_GEN_MASK;
}

/* A shard's recent frees (made with its first table: the shard array
 * itself stays one cache line a shard, 64 KiB in all, which fork and the
 * leak scan lock whole). */
struct free_ring {
	uint32_t at;
	uint32_t epoch[DB_FREE_RING];
	uintptr_t addr[DB_FREE_RING];	/* addresses freed through the table */
};

struct shard {
	db_spin_t lock;		/* guards everything below */
	uint32_t mask;		/* slots - 1; the table is NULL until first use */
	uint32_t bits;		/* log2(slots) */
	uint32_t count;
	struct slot *tab;
	struct free_ring *ring;	/* with the first table */
} __attribute__((aligned(64)));

static struct shard shards[DB_ALLOC_SHARDS];

/* Allocations deadbolt returned to someone without recording them. */
static atomic_uint untracked_epoch;
/* 1 while blocks are recorded: leak_check is on and the scan has not run. */
static atomic_int tracking;
/* At exit: allocations get no stack (freeres, the scan). */
static atomic_int exiting;
static unsigned fork_gen;	/* this process's generation (SLOT_GEN_MASK bits) */

static int (*find_object)(void *, struct dl_find_object *);	/* glibc >= 2.35 */
static void (*libc_freeres)(void);
static void (*tls_static_info)(size_t *, size_t *);
static const unsigned *sizeof_pthread;
static const uint32_t *pthread_tid;	/* libthread_db's {bits, count, offset} */

static void leak_atexit(void *arg);
extern int __cxa_atexit(void (*fn)(void *), void *arg, void *dso);

void db_alloc_init(void)
{
	if (!db_opt.leak_check)
		return;
	*(void **)&find_object = dlsym(RTLD_DEFAULT, "_dl_find_object");
	*(void **)&libc_freeres = dlsym(RTLD_DEFAULT, "__libc_freeres");
	*(void **)&tls_static_info = dlsym(RTLD_DEFAULT, "_dl_get_tls_static_info");
	sizeof_pthread = dlsym(RTLD_DEFAULT, "_thread_db_sizeof_pthread");
	pthread_tid = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	atomic_store(&tracking, 1);
	/* no DSO handle: run by exit() itself, not by our own destructors */
	__cxa_atexit(leak_atexit, NULL, NULL);
}

/* ---- the table ------------------------------------------------------------ */

/* Fibonacci hashing: one multiply; the top bits pick the shard in its group
 * (SUB_BITS), the next ones the slot. */
static inline uint64_t addr_hash(uintptr_t a)
{
	return (uint64_t)(a >> 3) * 0x9e3779b97f4a7c15ull;
}

static inline struct shard *shard_of(uintptr_t a, uint64_t h)
{
	uint64_t g = ((uint64_t)(a >> REGION_SHIFT) * 0xc2b2ae3d27d4eb4full) >> (64 - GROUP_BITS);

	return &shards[g << SUB_BITS | h >> (64 - SUB_BITS)];
}

static inline uint32_t index_of(uint64_t h, uint32_t bits)
{
	return (uint32_t)((h << SUB_BITS) >> (64 - bits));
}

static inline uint32_t home(uint64_t w0, uint32_t bits)
{
	return index_of((w0 & SLOT_ADDR_MASK) * 0x9e3779b97f4a7c15ull, bits);
}

/* Place a slot in a table with room (no duplicate of its key). */
static void place(struct slot *tab, uint32_t mask, uint32_t bits, const struct slot *e)
{
	for (uint32_t i = home(e->w0, bits);; i = (i + 1) & mask)
		if (!tab[i].w0) {
			tab[i] = *e;
			return;
		}
}

static bool grow_table(struct shard *s)
{
	uint32_t old = s->tab ? s->mask + 1 : 0;
	uint32_t bits = old ? s->bits + 1 : (uint32_t)__builtin_ctz(SHARD_MIN);

	if (bits > 31)
		return false;
	uint32_t cap = 1u << bits;
	if (!s->ring && !(s->ring = db_mem_alloc(sizeof(*s->ring))))
		return false;
	struct slot *tab = db_mem_alloc((size_t)cap * sizeof(*tab));
	if (!tab)
		return false;
	db_mem_populate(tab, (size_t)cap * sizeof(*tab));	/* rehashed at random */
	for (uint32_t i = 0; i < old; i++)
		if (s->tab[i].w0)
			place(tab, cap - 1, bits, &s->tab[i]);
	if (old)
		db_mem_free(s->tab, (size_t)old * sizeof(*tab));
	s->tab = tab;
	s->mask = cap - 1;
	s->bits = bits;
	return true;
}

/* Double the table (or make the first), keeping errno (db_mem_alloc may
 * map).  Caller holds s->lock. */
static DB_NOINLINE bool grow(struct shard *s)
{
	int e = errno;
	bool ok = grow_table(s);

	errno = e;
	return ok;
}

/* Caller holds s->lock.  A slot already holding the address is stale (its
 * block was freed where deadbolt could not see it): overwritten. */
static bool insert(struct shard *s, const struct slot *e, uint64_t h)
{
	if ((!s->tab || s->count >= (s->mask + 1) / 8 * 5) && !grow(s))
		return false;
	uint64_t key = e->w0 & SLOT_ADDR_MASK;
	struct slot *tab = s->tab;
	uint32_t mask = s->mask;
	for (uint32_t i = index_of(h, s->bits);; i = (i + 1) & mask) {
		struct slot *x = &tab[i];
		if (!x->w0) {
			*x = *e;
			s->count++;
			return true;
		}
		if ((x->w0 & SLOT_ADDR_MASK) == key) {
			*x = *e;
			return true;
		}
	}
}

static struct slot *lookup(struct shard *s, uintptr_t a, uint64_t h)
{
	uint64_t key = (uint64_t)a >> 3;

	if (!s->tab)
		return NULL;
	for (uint32_t i = index_of(h, s->bits);; i = (i + 1) & s->mask) {
		struct slot *x = &s->tab[i];
		if (!x->w0)
			return NULL;
		if ((x->w0 & SLOT_ADDR_MASK) == key)
			return x;
	}
}

/* Remove a's slot into *out; false if a is not in the table.  Caller holds
 * s->lock.  Backward shift: later slots of the cluster that may live here
 * move up, so a probe never stops early. */
static bool take(struct shard *s, uintptr_t a, uint64_t h, struct slot *out)
{
	struct slot *x = lookup(s, a, h);

	if (!x)
		return false;
	*out = *x;
	/* the table in locals: stores into it may alias *s */
	struct slot *tab = s->tab;
	uint32_t mask = s->mask, bits = s->bits, i = (uint32_t)(x - tab), j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!tab[j].w0)
			break;
		uint32_t k = home(tab[j].w0, bits);
		/* slot j stays unless its home lies cyclically outside (i, j] */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			tab[i] = tab[j];
			i = j;
		}
	}
	tab[i].w0 = tab[i].w1 = 0;
	s->count--;
	return true;
}

/* Caller holds s->lock. */
static void remember_free(struct shard *s, uintptr_t a)
{
	struct free_ring *r = s->ring;	/* a has a slot: the table exists */
	uint32_t i = r->at++ % DB_FREE_RING;

	r->addr[i] = a;
	r->epoch[i] = atomic_load_explicit(&untracked_epoch, memory_order_relaxed);
}

void db_alloc_untracked(void)
{
	atomic_fetch_add_explicit(&untracked_epoch, 1, memory_order_relaxed);
}

static DB_NOINLINE DB_COLD void table_full(void)
{
	static atomic_int once;
	int e = errno;

	db_alloc_untracked();
	if (!atomic_exchange(&once, 1))
		db_warn("out of memory for the allocation table: blocks allocated from "
			"now on are not checked for leaks");
	errno = e;
}

/* The slot for a block just allocated by t (DB_THREAD_DEAD: a thread in its
 * last TLS destructors: no tid, no stack). */
static void make_slot(struct db_thread *t, uintptr_t a, size_t n, uintptr_t pc,
		      uintptr_t sp, struct slot *e)
{
	uint64_t stack = 0;
	uint32_t tid = 0;

	if (DB_LIKELY(t != DB_THREAD_DEAD)) {
		tid = t->tid < SLOT_TID_MAX - 1 ? t->tid + 1 : 0;
		int depth = (int)db_opt.malloc_stack_depth;
		if (depth > 0 && !atomic_load_explicit(&exiting, memory_order_relaxed)) {
			stack = db_stack_alloc_id(t, pc, sp, depth);
			if (stack > SLOT_STACK_MAX)
				stack = 0;
		}
	}
	e->w0 = ((uint64_t)a >> 3) | (stack << SLOT_ADDR_BITS);
	e->w1 = (n < SLOT_SIZE_MASK ? (uint64_t)n : SLOT_SIZE_MASK) |
		((uint64_t)tid << SLOT_TID_SHIFT) | ((uint64_t)fork_gen << SLOT_GEN_SHIFT);
}

/* Not 8-aligned or beyond 47 bits: not a block the table can hold. */
static inline bool odd_addr(uintptr_t a)
{
	return (a & 7) || (a >> 47);
}

/* ---- fresh blocks ----------------------------------------------------------
 * Most blocks die young, freed by the thread that allocated them a few
 * allocations later (sqlite3: 99% of its frees are of one of the freeing
 * thread's last four blocks).  Each thread keeps its newest FRESH_N blocks
 * out of the table, in a cache of its own that it reads and writes with
 * plain loads and stores: no lock, no read-modify-write.  A new block takes
 * the oldest slot, whose block, if still live, moves to the table first; a
 * free looks from the newest slot down.
 *
 * Another thread's free finds a block there too: a free that misses its own
 * cache and the table looks in every cache, takes the block out of the one
 * that holds it with a compare-and-swap of its slot to empty (a steal), and
 * looks in the table again.  A block moving from a cache to the table is
 * inserted (under its shard's lock, and only if its slot still holds it)
 * before the slot is emptied, so a look at the table, the caches and the
 * table again, in that order, cannot miss it; a steal that lands between
 * the insert and the emptying finds the table's copy on its second look and
 * takes that too.
 *
 * A cache pays only where blocks die young on the thread that made them: a
 * thread whose cache keeps moving blocks to the table (they live long) or
 * losing them to other threads (they are handed on) does without it for
 * FRESH_OFF allocations.
 *
 * Caches are never freed: a thread that ends moves its blocks to the table
 * and leaves its cache to the next new thread, so the registry is safe to
 * read at any time.  A free a thread makes from a cache is remembered in
 * its own cache's ring, as the table's are in their shard's (double frees).
 */

#define FRESH_N		8	/* blocks a thread keeps (a power of 2) */
#define FRESH_RING	16	/* frees from caches remembered */
#define FRESH_MAX	4096	/* caches at most; more threads go without */
#define FRESH_PERIOD	1024	/* allocations between looks at how a cache does */
#define FRESH_OFF	65536	/* allocations without the cache after a bad period */

struct db_fresh {
	_Atomic uint64_t w0[FRESH_N];	/* the slot's w0; 0: empty */
	_Atomic uint64_t w1[FRESH_N];
	uint32_t top;			/* the slot the next block takes: the oldest */
	uint32_t allocs, moved;		/* this period: blocks cached, moved out */
	uint32_t off;			/* allocations left without the cache */
	atomic_uint stolen;		/* this period: blocks other threads took */
	uint32_t ring_at;
	_Atomic uintptr_t ring_addr[FRESH_RING];
	atomic_uint ring_epoch[FRESH_RING];
	struct db_fresh *next_free;
} __attribute__((aligned(64)));

static struct db_fresh *_Atomic fresh_all[FRESH_MAX];
static atomic_uint nfresh;		/* caches made */
static struct db_fresh *fresh_free;	/* caches of threads that ended */
static db_spin_t fresh_lock;		/* nfresh's growth, fresh_free */
/* a thread that could not have a cache: off for good */
static struct db_fresh fresh_none = { .off = UINT32_MAX };

static DB_NOINLINE struct db_fresh *fresh_new(struct db_thread *t)
{
	int e = errno;
	struct db_fresh *f;

	db_spin_lock(&fresh_lock);
	if ((f = fresh_free)) {
		fresh_free = f->next_free;
	} else {
		unsigned n = atomic_load_explicit(&nfresh, memory_order_relaxed);
		if (n < FRESH_MAX && (f = db_mem_alloc(sizeof(*f)))) {
			atomic_store_explicit(&fresh_all[n], f, memory_order_release);
			atomic_store_explicit(&nfresh, n + 1, memory_order_release);
		}
	}
	db_spin_unlock(&fresh_lock);
	errno = e;
	if (!f)
		f = &fresh_none;
	else	/* a cache left by an ended thread is empty; its ring stays */
		f->allocs = f->moved = f->off = 0;
	return t->fresh = f;
}

static inline struct db_fresh *fresh_of(struct db_thread *t)
{
	return DB_LIKELY(t->fresh != NULL) ? t->fresh : fresh_new(t);
}

/* Move slot k's block, whose w0 was v, to the table, unless another
 * thread's free took it meanwhile; empty the slot.  The cache's own thread
 * only (or a forked child, for the threads it lost). */
static DB_NOINLINE void fresh_move(struct db_fresh *f, unsigned k, uint64_t v)
{
	struct slot e = { v, atomic_load_explicit(&f->w1[k], memory_order_relaxed) };
	uintptr_t a = slot_addr(&e);
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);
	bool ok = true;

	db_spin_lock(&s->lock);
	if (atomic_load_explicit(&f->w0[k], memory_order_relaxed) == v)
		ok = insert(s, &e, h);
	db_spin_unlock(&s->lock);
	atomic_store_explicit(&f->w0[k], 0, memory_order_release);
	if (!ok)
		table_full();
}

static void fresh_empty(struct db_fresh *f)
{
	for (unsigned k = 0; k < FRESH_N; k++) {
		uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_relaxed);
		if (v)
			fresh_move(f, k, v);
	}
}

/* A period's end: a cache that moved half its blocks to the table, or
 * lost more than one in 32 to other threads, is set aside for a while. */
static DB_NOINLINE void fresh_period(struct db_fresh *f)
{
	uint32_t stolen = atomic_exchange_explicit(&f->stolen, 0, memory_order_relaxed);

	if (f->moved > FRESH_PERIOD / 2 || stolen > FRESH_PERIOD / 32) {
		fresh_empty(f);
		f->off = FRESH_OFF;
	}
	f->allocs = f->moved = 0;
}

/* Cache block e (the table does not have it); false: the cache is off. */
static inline bool fresh_add(struct db_fresh *f, const struct slot *e)
{
	if (DB_UNLIKELY(f->off)) {
		if (f->off != UINT32_MAX)
			f->off--;
		return false;
	}
	unsigned k = f->top++ & (FRESH_N - 1);
	uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_relaxed);
	if (v) {
		fresh_move(f, k, v);
		f->moved++;
	}
	atomic_store_explicit(&f->w1[k], e->w1, memory_order_relaxed);
	atomic_store_explicit(&f->w0[k], e->w0, memory_order_release);
	if (DB_UNLIKELY(++f->allocs == FRESH_PERIOD))
		fresh_period(f);
	return true;
}

/* a was freed by f's thread (a block of its cache, or stolen from another's). */
static inline void fresh_remember(struct db_fresh *f, uintptr_t a)
{
	uint32_t r = f->ring_at++ % FRESH_RING;

	/* the address first: a reader that sees the new epoch sees it */
	atomic_store_explicit(&f->ring_addr[r], a, memory_order_relaxed);
	atomic_store_explicit(&f->ring_epoch[r],
			      atomic_load_explicit(&untracked_epoch, memory_order_relaxed),
			      memory_order_release);
}

/* Take a's block out of its own thread's cache f (newest first). */
static inline bool fresh_take(struct db_fresh *f, uintptr_t a, struct slot *out)
{
	uint64_t key = (uint64_t)a >> 3;

	for (unsigned i = 1; i <= FRESH_N; i++) {
		unsigned k = (f->top - i) & (FRESH_N - 1);
		uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_relaxed);
		if ((v & SLOT_ADDR_MASK) != key)
			continue;
		out->w0 = v;
		out->w1 = atomic_load_explicit(&f->w1[k], memory_order_relaxed);
		atomic_store_explicit(&f->w0[k], 0, memory_order_relaxed);
		fresh_remember(f, a);
		return true;
	}
	return false;
}

/* Take a's block out of any cache (but skip's), with a compare-and-swap. */
static DB_NOINLINE bool fresh_steal(const struct db_fresh *skip, uintptr_t a, struct slot *out)
{
	uint64_t key = (uint64_t)a >> 3;
	unsigned n = atomic_load_explicit(&nfresh, memory_order_acquire);

	for (unsigned i = 0; i < n; i++) {
		struct db_fresh *f = atomic_load_explicit(&fresh_all[i], memory_order_acquire);
		for (unsigned k = 0; f != skip && k < FRESH_N; k++) {
			uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_acquire);
			if ((v & SLOT_ADDR_MASK) != key)
				continue;
			/* its owner writes w1 only while w0 is 0: read before
			 * the swap, it is the w1 of v if the swap succeeds */
			uint64_t w1 = atomic_load_explicit(&f->w1[k], memory_order_relaxed);
			if (atomic_compare_exchange_strong(&f->w0[k], &v, 0)) {
				out->w0 = v;
				out->w1 = w1;
				atomic_fetch_add_explicit(&f->stolen, 1, memory_order_relaxed);
				return true;
			}
		}
	}
	return false;
}

/* Was a freed through a cache while untracked_epoch was ep? */
static bool fresh_freed(uintptr_t a, uint32_t ep)
{
	unsigned n = atomic_load_explicit(&nfresh, memory_order_acquire);

	for (unsigned i = 0; i < n; i++) {
		struct db_fresh *f = atomic_load_explicit(&fresh_all[i], memory_order_acquire);
		for (unsigned r = 0; r < FRESH_RING; r++)
			if (atomic_load_explicit(&f->ring_epoch[r], memory_order_acquire) == ep &&
			    atomic_load_explicit(&f->ring_addr[r], memory_order_relaxed) == a)
				return true;
	}
	return false;
}

void db_alloc_thread_gone(struct db_thread *t)
{
	struct db_fresh *f = t->fresh;

	if (!f || f == &fresh_none)
		return;
	fresh_empty(f);
	t->fresh = NULL;
	db_spin_lock(&fresh_lock);
	f->next_free = fresh_free;
	fresh_free = f;
	db_spin_unlock(&fresh_lock);
}

/* Where table_take remembers a free: nowhere (the freeing thread's cache
 * does), in the shard's ring if a was in the table, or in any case. */
enum { RING_NO, RING_FOUND, RING_ANYWAY };

/* Remove a's slot from the table into *out.  False: a is not in it. */
static inline bool table_take(uintptr_t a, struct slot *out, int ring)
{
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);

	db_spin_lock(&s->lock);
	bool found = take(s, a, h, out);
	if (s->ring && (ring == RING_ANYWAY || (found && ring == RING_FOUND)))
		remember_free(s, a);
	db_spin_unlock(&s->lock);
	return found;
}

/* take_any's rest: a is in neither t's cache (f) nor the table. */
static DB_NOINLINE bool take_elsewhere(struct db_thread *t, struct db_fresh *f, uintptr_t a,
				       struct slot *out)
{
	struct slot dup;

	if (!atomic_load_explicit(&nfresh, memory_order_relaxed) || odd_addr(a))
		return false;
	if (!fresh_steal(f, a, out))
		return table_take(a, out, RING_FOUND);
	/* stolen: remembered in t's cache, whose ring is certain to exist (a
	 * shard whose blocks all stayed in caches has no table, so no ring) */
	f = t != DB_THREAD_DEAD ? fresh_of(t) : &fresh_none;
	if (f != &fresh_none)
		fresh_remember(f, a);
	table_take(a, &dup, f != &fresh_none ? RING_NO : RING_ANYWAY);
	return true;
}

/* Take a's block out of wherever it is recorded: t's cache, the table,
 * another thread's cache (then the table again, for the copy a move in
 * flight may have left there).  False: it is not recorded. */
static inline __attribute__((always_inline)) bool take_any(struct db_thread *t, uintptr_t a,
							      struct slot *out)
{
	struct db_fresh *f = t != DB_THREAD_DEAD ? t->fresh : NULL;

	if (f && !f->off && !odd_addr(a) && fresh_take(f, a, out))	/* off: empty */
		return true;
	return table_take(a, out, RING_FOUND) || take_elsewhere(t, f, a, out);
}

static void add(struct db_thread *t, uintptr_t a, size_t n, uintptr_t pc, uintptr_t sp)
{
	struct slot e;

	if (DB_UNLIKELY(odd_addr(a))) {
		db_alloc_untracked();
		return;
	}
	make_slot(t, a, n, pc, sp, &e);
	if (DB_LIKELY(t != DB_THREAD_DEAD) && fresh_add(fresh_of(t), &e))
		return;
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);
	db_spin_lock(&s->lock);
	bool ok = insert(s, &e, h);
	db_spin_unlock(&s->lock);
	if (DB_UNLIKELY(!ok))
		table_full();
}

/* flatten: make_slot and the unwinder's entry inlined here, so the stack
 * libunwind walks has one frame of ours above the shim, not five */
__attribute__((flatten)) void db_alloc_add(struct db_thread *t, void *p, size_t n,
					   uintptr_t pc, uintptr_t sp)
{
	if (DB_UNLIKELY(!atomic_load_explicit(&tracking, memory_order_relaxed)))
		return;
	add(t, (uintptr_t)p, n, pc, sp);	/* errno: kept by the slow paths that touch it */
}

/* Could a be a block some allocator returned?  False only when certain. */
static bool maybe_heap(uintptr_t a)
{
	struct dl_find_object dlfo;
	unsigned char v;

	if (odd_addr(a))
		return false;
	if (find_object && find_object((void *)a, &dlfo) == 0)
		return false;	/* inside a loaded module's image */
	if (mincore((void *)(a & ~(uintptr_t)4095), 1, &v) != 0 && errno == ENOMEM)
		return false;	/* nothing mapped there */
	return true;
}

/* a is not in the table: report it and answer true if it is certainly not
 * a live block (then it must not reach the real allocator). */
static DB_NOINLINE bool bad_free(struct db_thread *t, uintptr_t a)
{
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);
	unsigned kind = 0;
	uint32_t ep = atomic_load(&untracked_epoch);

	db_spin_lock(&s->lock);
	const struct free_ring *r = s->ring;	/* NULL: the shard never had a block */
	for (int i = 0; r && i < DB_FREE_RING && !kind; i++)
		if (r->addr[i] == a && r->epoch[i] == ep)
			kind = DB_MISUSE_DOUBLE_FREE;
	db_spin_unlock(&s->lock);
	if (!kind && fresh_freed(a, ep))
		kind = DB_MISUSE_DOUBLE_FREE;
	if (!kind && !maybe_heap(a))
		kind = DB_MISUSE_FREE_UNKNOWN;
	if (!kind)
		return false;
	if (t != DB_THREAD_DEAD)
		db_misuse(t, kind, a, 0, UINT32_MAX, 0, 0);
	return true;
}

void db_alloc_free(struct db_thread *t, void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct slot old;
	bool found = false;

	/* errno: free() keeps it (glibc's too); only the slow paths touch it,
	 * and they keep it themselves or here */
	if (DB_LIKELY(atomic_load_explicit(&tracking, memory_order_relaxed))) {
		found = take_any(t, a, &old);
		if (!found) {
			int e = errno;
			bool bad = bad_free(t, a);
			errno = e;
			if (bad)
				return;
		}
		if (found && DB_UNLIKELY(atomic_load_explicit(&db_race_shadowed,
							      memory_order_relaxed)))
			db_race_block_freed(a, slot_size(&old));
	}
	db_lock_block_freed(a, found ? slot_size(&old) : malloc_usable_size(p), true);
	db_real.free(p);
}

void *db_alloc_realloc(struct db_thread *t, void *p, size_t n, uintptr_t pc, uintptr_t sp)
{
	uintptr_t a = (uintptr_t)p;
	bool on = atomic_load_explicit(&tracking, memory_order_relaxed);
	struct slot old;
	bool found = false;
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);

	if (!p) {
		void *q = db_real.realloc(p, n);
		if (q)
			db_alloc_add(t, q, n, pc, sp);
		return q;
	}
	if (on) {
		/* the free is remembered now: p is in the table again if the
		 * block stays, and the ring is read only for pointers that are not */
		found = take_any(t, a, &old);
		if (!found) {
			int e = errno;
			if (bad_free(t, a)) {
				errno = ENOMEM;	/* what the program can handle */
				return NULL;
			}
			errno = e;
		}
	}
	size_t was = found ? slot_size(&old) : malloc_usable_size(p);
	if (found && DB_UNLIKELY(atomic_load_explicit(&db_race_shadowed, memory_order_relaxed)))
		db_race_block_freed(a, was);
	if (was > n)	/* the tail is gone whether or not the block moves */
		db_lock_block_freed(a + n, was - n, true);
	void *q = db_real.realloc(p, n);
	int e = errno;
	if (!q && n != 0) {	/* failed: p is still the program's */
		if (found) {
			db_spin_lock(&s->lock);
			bool ok = insert(s, &old, h);
			db_spin_unlock(&s->lock);
			if (!ok)
				table_full();
		}
		errno = e;
		return NULL;
	}
	if (q != p) {	/* p was freed (moved, or realloc(p, 0)) */
		db_lock_block_freed(a, was < n ? was : n, false);
	}
	if (q && on)
		add(t, (uintptr_t)q, n, pc, sp);
	errno = e;
	return q;
}

/* The block that contains a (starting at most 1 KiB below it).  False:
 * none known. */
bool db_alloc_block_of(uintptr_t a, uintptr_t *start, size_t *size, uint64_t *stack)
{
	if (!atomic_load_explicit(&tracking, memory_order_relaxed) || odd_addr(a & ~(uintptr_t)15))
		return false;
	/* blocks do not overlap: one in a cache that holds a is the one */
	unsigned nf = atomic_load_explicit(&nfresh, memory_order_acquire);
	for (unsigned i = 0; i < nf; i++) {
		struct db_fresh *f = atomic_load_explicit(&fresh_all[i], memory_order_acquire);
		for (unsigned k = 0; k < FRESH_N; k++) {
			uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_acquire);
			struct slot e = { v, atomic_load_explicit(&f->w1[k], memory_order_relaxed) };
			uintptr_t b = slot_addr(&e);
			if (v && b <= a && a - b < 1024 && a - b < slot_size(&e) &&
			    atomic_load_explicit(&f->w0[k], memory_order_relaxed) == v) {
				*start = b;
				*size = slot_size(&e);
				*stack = slot_stack(&e);
				return true;
			}
		}
	}
	for (uintptr_t b = a & ~(uintptr_t)15; b && b + 1024 > a; b -= 16) {
		uint64_t h = addr_hash(b);
		struct shard *s = shard_of(b, h);
		db_spin_lock(&s->lock);
		struct slot *x = lookup(s, b, h);
		bool in = x && b + slot_size(x) > a;
		if (in) {
			*start = b;
			*size = slot_size(x);
			*stack = slot_stack(x);
		}
		db_spin_unlock(&s->lock);
		if (x)
			return in;
	}
	return false;
}

void db_alloc_ignore(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	uint64_t h = addr_hash(a);
	struct shard *s = shard_of(a, h);
	struct slot e;

	if (!p || odd_addr(a))
		return;
	bool cached = fresh_steal(NULL, a, &e);	/* to the table, to be marked */
	db_spin_lock(&s->lock);
	bool ok = !cached || insert(s, &e, h);
	struct slot *x = lookup(s, a, h);
	if (x)
		x->w1 |= SLOT_IGNORED;
	db_spin_unlock(&s->lock);
	if (!ok)
		table_full();
}

void db_alloc_atfork_prepare(void)
{
	db_spin_lock(&fresh_lock);
	for (int i = 0; i < DB_ALLOC_SHARDS; i++)
		db_spin_lock(&shards[i].lock);
}

void db_alloc_atfork_parent(void)
{
	for (int i = DB_ALLOC_SHARDS - 1; i >= 0; i--)
		db_spin_unlock(&shards[i].lock);
	db_spin_unlock(&fresh_lock);
}

/* The child's only thread is the one that forked: the others' caches go
 * to the table (their blocks are the parent's generation) and are free. */
void db_alloc_atfork_child(void)
{
	struct db_thread *t = db_self;
	struct db_fresh *own = t && t != DB_THREAD_DEAD ? t->fresh : NULL;
	unsigned n = atomic_load_explicit(&nfresh, memory_order_relaxed);

	fork_gen = (fork_gen + 1) & SLOT_GEN_MASK;
	db_alloc_atfork_parent();
	fresh_free = NULL;
	for (unsigned i = 0; i < n; i++) {
		struct db_fresh *f = atomic_load_explicit(&fresh_all[i], memory_order_relaxed);
		if (f == own)
			continue;
		fresh_empty(f);
		f->next_free = fresh_free;
		fresh_free = f;
	}
}

/* ---- the leak scan: memory and maps ----------------------------------------- */

#define DB_MAX_MAPS	65536	/* mappings looked at; more: the rest are not roots */
#define DB_MAX_STOP	8192	/* other threads stopped; more: not stopped, their
				 * stacks scanned whole and unsynchronised */
#define UNIT_SHIFT	10	/* lookup index granularity: 1 KiB */
#define BIG_BLOCK	(64u << 10)	/* blocks this large are looked up apart */

static void *map_mem(size_t n)
{
	return n ? db_mem_map((n + 4095) & ~(size_t)4095) : NULL;
}

static void unmap_mem(void *p, size_t n)
{
	if (p)
		munmap(p, (n + 4095) & ~(size_t)4095);
}

enum { MF_R = 1, MF_W = 2, MF_SHARED = 4, MF_ANON = 8, MF_NORES = 16,
       MF_SPECIAL = 32, MF_HEAP = 64, MF_STACK = 128,
       MF_DONE = 256,	/* a thread's stack, scanned from its sp */
       MF_X = 512 };

struct map {
	uintptr_t lo, hi;
	unsigned flags;
};

static struct map *maps;
static size_t nmaps;

/* One line of /proc/self/smaps (without its newline). */
static bool smaps_line(const char *l, size_t len, void *arg)
{
	(void)arg;
	if (len && db_hexdig(l[0])) {	/* "lo-hi perms offset dev inode path" */
		if (nmaps == DB_MAX_MAPS)
			return false;
		struct map *m = &maps[nmaps++];
		const char *s = l, *end = l + len;
		m->lo = db_parse_hex(&s);
		s++;
		m->hi = db_parse_hex(&s);
		s++;
		m->flags = 0;
		if (s + 4 <= end) {
			m->flags |= s[0] == 'r' ? MF_R : 0;
			m->flags |= s[1] == 'w' ? MF_W : 0;
			m->flags |= s[2] == 'x' ? MF_X : 0;
			m->flags |= s[3] == 's' ? MF_SHARED : 0;
		}
		/* skip perms, offset, dev; then inode and the path */
		for (int f = 0; f < 3 && s < end; f++) {
			while (s < end && *s != ' ')
				s++;
			while (s < end && *s == ' ')
				s++;
		}
		bool inode0 = s < end && s[0] == '0' && (s + 1 == end || s[1] == ' ');
		while (s < end && *s != ' ')
			s++;
		while (s < end && *s == ' ')
			s++;
		size_t plen = (size_t)(end - s);
		if (inode0 && (plen == 0 || (plen >= 6 && !memcmp(s, "[anon:", 6))))
			m->flags |= MF_ANON;
		else if (plen == 6 && !memcmp(s, "[heap]", 6))
			m->flags |= MF_HEAP;
		else if (plen == 7 && !memcmp(s, "[stack]", 7))
			m->flags |= MF_STACK | MF_ANON;
		else if (plen && s[0] == '[')
			m->flags |= MF_SPECIAL;	/* [vvar], [vdso], [vsyscall]... */
	} else if (len > 8 && !memcmp(l, "VmFlags:", 8) && nmaps) {
		/* "nr": mapped MF_NORESERVE: deadbolt's own memory (mem.c), and
		 * glibc's thread arenas */
		for (size_t i = 8; i + 2 <= len; i++)
			if (l[i] == 'n' && l[i + 1] == 'r' && l[i - 1] == ' ' &&
			    (i + 2 == len || l[i + 2] == ' '))
				maps[nmaps - 1].flags |= MF_NORES;
	}
	return true;
}

static void read_maps(void)
{
	nmaps = 0;
	db_read_lines("/proc/self/smaps", smaps_line, NULL);
}

static struct map *map_of(uintptr_t a)
{
	size_t lo = 0, hi = nmaps;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (maps[mid].hi <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nmaps && maps[lo].lo <= a ? &maps[lo] : NULL;
}

/* ---- the leak scan: stopping the other threads ------------------------------ */
/* With ptrace, from a helper process that shares our memory (clone with
 * CLONE_VM, not a thread of ours: a process cannot trace its own threads),
 * as LeakSanitizer does.  PTRACE_INTERRUPT stops a thread without a signal
 * the program could see: a poll() or nanosleep() it was in is restarted
 * when it is let go, a sigwait() gets nothing.  The helper reads each
 * thread's registers (the stack pointer; all sixteen as roots), waits
 * until the scan is done, and detaches.  It runs on our thread's TLS, so it
 * makes raw system calls only.  When tracing is refused (a debugger already
 * traces us, a set-uid program, a seccomp policy), the other threads run
 * on during the scan: their whole stacks are scanned, their registers are
 * not, and the log says so. */

struct stopped {
	pid_t tid;
	atomic_int state;	/* 0 not yet, 1 stopped, 2 let go, 3 gone, 4 untraceable */
	int pending;		/* a signal that arrived meanwhile: given back */
	uintptr_t sp, tp;
	uintptr_t regs[16];
};

static struct stopped *stop;
static atomic_int nstop;
static atomic_int tracer_phase;	/* 0 wait, 1 go, 2 all stopped, 3 let go, 4 done */
static pid_t tracee_pid;

static inline uintptr_t thread_pointer(void)
{
	uintptr_t tp;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Call fn for every thread of process pid (from /proc/PID/task), with raw
 * system calls (the tracer has no TLS of its own); the number of threads. */
static int each_task(pid_t pid, void (*fn)(pid_t, void *), void *arg)
{
	char buf[4096], path[64];
	int n = 0;

	db_fmt(path, sizeof(path), "/proc/%d/task", (int)pid);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		long k = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		if (k <= 0)
			break;
		for (long at = 0; at < k;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			at += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			pid_t tid = 0;
			for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			n++;
			if (fn)
				fn(tid, arg);
		}
	}
	syscall(SYS_close, fd);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	syscall(SYS_nanosleep, &ts, NULL);
}

/* Has thread tid of pid exited (a zombie, or gone)?  A thread that was
 * joined a moment ago may still be listed; ptrace refuses it (EPERM). */
static bool task_exited(pid_t pid, pid_t tid)
{
	char buf[512], path[64];

	db_fmt(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	long k = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	syscall(SYS_close, fd);
	if (k <= 0)
		return true;
	buf[k] = 0;
	const char *c = strrchr(buf, ')');	/* the name may hold anything */
	return c && c[1] == ' ' && (c[2] == 'Z' || c[2] == 'X');
}

/* Attach to one thread and stop it (in the tracer). */
static void trace_one(pid_t tid, void *arg)
{
	pid_t scanner = *(pid_t *)arg;
	int n = atomic_load(&nstop), status;
	struct user_regs_struct r;

	if (tid == scanner || n == DB_MAX_STOP)
		return;
	for (int i = 0; i < n; i++)
		if (stop[i].tid == tid)
			return;
	struct stopped *s = &stop[n];
	s->tid = tid;
	s->pending = 0;
	atomic_store(&s->state, 0);
	atomic_store(&nstop, n + 1);
	if (syscall(SYS_ptrace, PTRACE_SEIZE, tid, NULL, NULL) != 0) {
		atomic_store(&s->state, task_exited(tracee_pid, tid) ? 3 : 4);
		return;
	}
	if (syscall(SYS_ptrace, PTRACE_INTERRUPT, tid, NULL, NULL) != 0) {
		atomic_store(&s->state, 3);	/* gone meanwhile */
		return;
	}
	for (;;) {
		long w = syscall(SYS_wait4, tid, &status, __WALL, NULL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w != tid || !WIFSTOPPED(status)) {
			atomic_store(&s->state, 3);	/* it exited */
			return;
		}
		if ((status >> 16) == PTRACE_EVENT_STOP)
			break;
		/* a signal for the program arrived first: keep it for later,
		 * let the thread go on to our stop */
		s->pending = WSTOPSIG(status);
		syscall(SYS_ptrace, PTRACE_CONT, tid, NULL, NULL);
	}
	if (syscall(SYS_ptrace, PTRACE_GETREGS, tid, NULL, &r) != 0) {
		atomic_store(&s->state, 4);
		syscall(SYS_ptrace, PTRACE_DETACH, tid, NULL, (void *)(uintptr_t)s->pending);
		return;
	}
	const uintptr_t v[16] = { r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp,
				  r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15 };
	memcpy(s->regs, v, sizeof(v));
	s->sp = r.rsp;
	s->tp = r.fs_base;
	atomic_store(&s->state, 1);
}

static void tracer_wait(int phase)
{
	while (atomic_load(&tracer_phase) < phase)
		syscall(SYS_futex, &tracer_phase, FUTEX_WAIT, atomic_load(&tracer_phase),
			NULL, NULL, 0);
}

static void tracer_set(int phase)
{
	atomic_store(&tracer_phase, phase);
	syscall(SYS_futex, &tracer_phase, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

/* The tracer: our memory, not our process. */
static int tracer_main(void *arg)
{
	tracer_wait(1);		/* until the scanner allowed us (PR_SET_PTRACER) */
	/* threads started meanwhile appear on a later pass */
	for (int round = 0; round < 64; round++) {
		int before = atomic_load(&nstop);
		if (each_task(tracee_pid, trace_one, arg) < 0 || atomic_load(&nstop) == before)
			break;
	}
	tracer_set(2);
	tracer_wait(3);
	int n = atomic_load(&nstop);
	for (int i = 0; i < n; i++)
		if (atomic_load(&stop[i].state) == 1) {
			syscall(SYS_ptrace, PTRACE_DETACH, stop[i].tid, NULL,
				(void *)(uintptr_t)stop[i].pending);
			atomic_store(&stop[i].state, 2);
		}
	tracer_set(4);
	return 0;
}

#define TRACER_STACK	(64 << 10)
#define TRACER_WAIT_MS	3000	/* longest wait for the threads to stop */

static pid_t tracer;
static void *tracer_stack;
static pid_t scanner_tid;
static int untraced;		/* threads left running during the scan */

static void stop_world(void)
{
	atomic_store(&nstop, 0);
	atomic_store(&tracer_phase, 0);
	tracee_pid = getpid();
	scanner_tid = (pid_t)syscall(SYS_gettid);
	tracer = -1;
	untraced = 0;
	if (each_task(tracee_pid, NULL, NULL) <= 1)
		return;		/* nobody else to stop */
	tracer_stack = map_mem(TRACER_STACK);
	if (tracer_stack)
		tracer = clone(tracer_main, (char *)tracer_stack + TRACER_STACK,
			       CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED, &scanner_tid);
	if (tracer <= 0) {
		tracer = -1;
		untraced = each_task(tracee_pid, NULL, NULL) - 1;
		return;
	}
	prctl(PR_SET_PTRACER, tracer, 0, 0, 0);	/* Yama: may trace us */
	tracer_set(1);
	for (int waited = 0; atomic_load(&tracer_phase) < 2; waited++) {
		int st;
		if (waited == TRACER_WAIT_MS ||
		    syscall(SYS_wait4, tracer, &st, __WALL | WNOHANG, NULL) == tracer) {
			tracer = -1;	/* it died, or cannot get them stopped */
			break;
		}
		sleep_ms(1);
	}
	int n = atomic_load(&nstop);
	for (int i = 0; i < n; i++)
		untraced += atomic_load(&stop[i].state) == 4;
}

static void resume_world(void)
{
	int st;

	if (tracer <= 0)
		goto out;
	tracer_set(3);
	for (int waited = 0; waited < TRACER_WAIT_MS && atomic_load(&tracer_phase) < 4; waited++)
		sleep_ms(1);
	while (syscall(SYS_wait4, tracer, &st, __WALL, NULL) < 0 && errno == EINTR)
		;		/* its exit detaches whatever it still held */
out:
	unmap_mem(tracer_stack, TRACER_STACK);
	tracer_stack = NULL;
	prctl(PR_SET_PTRACER, 0, 0, 0, 0);
	if (untraced)
		db_note(DB_NOTE_INFO, "leak scan: %d thread%s could not be stopped (ptrace "
			"refused): scanned as they ran, registers not read", untraced,
			untraced == 1 ? "" : "s");
}

/* ---- the leak scan: marking -------------------------------------------------- */

enum { M_NONE, M_REACH, M_DEF, M_IND, M_KIND = 3,
       M_IGN = 4,	/* deadbolt_ignore_leak: a root, counted as suppressed */
       M_INH = 8,	/* from before fork: a root, the parent's to report */
       M_SKIP = 16 };	/* not mapped readable: freed behind our back; ignored */

struct unit {
	uint64_t key;	/* unit number + 1; 0: empty */
	uint32_t idx;	/* first small block touching the unit */
	uint32_t pad;
};

static struct slot *blk;	/* all blocks, by address */
static uint8_t *mk;
static size_t nblk;
static uint32_t *work;
static size_t nwork;
static struct unit *units;
static uint64_t unit_mask;
static uint32_t *bigs;		/* indexes of blocks >= BIG_BLOCK, by address */
static size_t nbig;
static uintptr_t span_lo, span_len;
static uint32_t leader;		/* the clique being flooded (leak phase) */
static bool leak_phase;

static sigjmp_buf scan_jmp;
static volatile int scan_guarded;
static pid_t scan_tid;
static struct sigaction segv_old, bus_old;
static unsigned long scan_faults;

static void scan_fault(int sig, siginfo_t *si, void *uc)
{
	if (scan_guarded && (pid_t)syscall(SYS_gettid) == scan_tid)
		siglongjmp(scan_jmp, 1);
	/* not the scan: as if we were not here */
	struct sigaction *old = sig == SIGSEGV ? &segv_old : &bus_old;
	if (old->sa_flags & SA_SIGINFO)
		old->sa_sigaction(sig, si, uc);
	else if (old->sa_handler != SIG_IGN && old->sa_handler != SIG_DFL)
		old->sa_handler(sig);
	else {
		sigaction(sig, old, NULL);	/* default: let it kill us */
		raise(sig);
	}
}

static inline uintptr_t baddr(size_t i)
{
	return slot_addr(&blk[i]);
}

static inline uintptr_t bend(size_t i)
{
	size_t n = slot_size(&blk[i]);

	return baddr(i) + (n ? n : 1);	/* a pointer to a 0-byte block counts */
}

static inline uint64_t unit_hash(uint64_t u)
{
	return db_hash64(u);
}

static void unit_put(uint64_t u, uint32_t idx)
{
	for (uint64_t i = unit_hash(u) & unit_mask;; i = (i + 1) & unit_mask)
		if (!units[i].key) {
			units[i].key = u + 1;
			units[i].idx = idx;
			return;
		}
}

/* The block containing v, or -1. */
static inline int64_t find_block(uintptr_t v)
{
	uint64_t u = v >> UNIT_SHIFT;

	for (uint64_t i = unit_hash(u) & unit_mask;; i = (i + 1) & unit_mask) {
		uint64_t k = units[i].key;
		if (!k)
			break;
		if (k != u + 1)
			continue;
		size_t j = units[i].idx;
		if (baddr(j) > v)
			break;	/* before the first small block here: maybe a big one */
		while (j + 1 < nblk && baddr(j + 1) <= v)
			j++;
		return v < bend(j) ? (int64_t)j : -1;
	}
	size_t lo = 0, hi = nbig;	/* the last big block starting at or below v */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (baddr(bigs[mid]) <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && v < bend(bigs[lo - 1]) ? (int64_t)bigs[lo - 1] : -1;
}

/* glibc's arena (in libc's data) points at the headers of free chunks; the
 * header of the chunk after block j lies in j's last bytes when j's size is
 * near its chunk's (request2size: 8 bytes of header, 16-byte chunks, 32 at
 * least).  A pointer there is the allocator's, not the program's. */
static inline bool next_chunk_header(size_t j, uintptr_t v)
{
	size_t n = slot_size(&blk[j]);
	size_t chunk = (n + 8 + 15) & ~(size_t)15;

	if (chunk < 32)
		chunk = 32;
	return v == baddr(j) + chunk - 16 && v != baddr(j);
}

static inline void reach(size_t j)
{
	uint8_t m = mk[j];

	if (!leak_phase) {
		if ((m & M_KIND) == M_NONE) {
			mk[j] = (uint8_t)((m & ~M_KIND) | M_REACH);
			work[nwork++] = (uint32_t)j;
		}
	} else if ((m & M_KIND) == M_NONE) {
		mk[j] = (uint8_t)((m & ~M_KIND) | M_IND);
		work[nwork++] = (uint32_t)j;
	} else if ((m & M_KIND) == M_DEF && j != leader) {
		mk[j] = (uint8_t)((m & ~M_KIND) | M_IND);	/* an earlier clique's head */
	}
}

static void scan_words(uintptr_t b, uintptr_t e)
{
	b = (b + 7) & ~(uintptr_t)7;
	for (; b + 8 <= e; b += 8) {
		uintptr_t v = *(const uintptr_t *)b;
		if (v - span_lo >= span_len)
			continue;
		int64_t j = find_block(v);
		if (j >= 0 && !next_chunk_header((size_t)j, v))
			reach((size_t)j);
	}
}

/* Scan [b, e); a fault (memory gone or protected meanwhile) skips the rest. */
static void scan(uintptr_t b, uintptr_t e)
{
	if (b >= e)
		return;
	if (sigsetjmp(scan_jmp, 0)) {
		scan_guarded = 0;
		scan_faults++;
		return;
	}
	scan_guarded = 1;
	scan_words(b, e);
	scan_guarded = 0;
}

/* A pointer value found outside the scanned ranges (a DTV entry). */
static void root_value(uintptr_t v)
{
	if (v - span_lo < span_len) {
		int64_t j = find_block(v);
		if (j >= 0 && !next_chunk_header((size_t)j, v))
			reach((size_t)j);
	}
}

#define TOUCH_MIN	(16 * 4096)	/* ranges this long are checked page by page */

static int pagemap_fd = -1;

/* Scan [b, e) but not its pages that were never touched (/proc/self/pagemap:
 * neither present nor swapped): they hold zeros, and reading them would map
 * them (memory, time; a reserved heap of gigabytes). */
static void scan_touched(uintptr_t b, uintptr_t e)
{
	uint64_t ent[512];

	if (pagemap_fd < 0 || e - b < TOUCH_MIN) {
		scan(b, e);
		return;
	}
	for (uintptr_t pg = b & ~(uintptr_t)4095; pg < e;) {
		size_t np = (e - pg + 4095) / 4096;
		if (np > DB_ARRAY_SIZE(ent))
			np = DB_ARRAY_SIZE(ent);
		ssize_t k = pread(pagemap_fd, ent, np * 8, (off_t)(pg / 4096 * 8));
		if (k < 8) {
			scan(pg > b ? pg : b, e);
			return;
		}
		np = (size_t)k / 8;
		for (size_t i = 0; i < np;) {
			if (!(ent[i] >> 62)) {	/* bit 63 present, bit 62 swapped */
				i++;
				continue;
			}
			size_t j = i;
			while (j < np && (ent[j] >> 62))
				j++;
			uintptr_t rb = pg + i * 4096, re = pg + j * 4096;
			scan(rb > b ? rb : b, re < e ? re : e);
			i = j;
		}
		pg += np * 4096;
	}
}

/* Scan what the work list holds, until it is empty. */
static void flood(void)
{
	while (nwork) {
		size_t j = work[--nwork];
		if (!(mk[j] & M_SKIP))
			scan_touched(baddr(j), baddr(j) + slot_size(&blk[j]));
	}
}

/* First block at or above a. */
static size_t first_at(uintptr_t a)
{
	size_t lo = 0, hi = nblk;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (baddr(mid) < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Scan [lo, hi) except the blocks in it (a block is scanned when reached). */
static void scan_gaps(uintptr_t lo, uintptr_t hi)
{
	size_t i = first_at(lo);

	if (i > 0 && bend(i - 1) > lo)
		lo = bend(i - 1);
	for (; lo < hi; i++) {
		if (i < nblk && baddr(i) < hi) {
			scan_touched(lo, baddr(i));
			if (bend(i) > lo)
				lo = bend(i);
		} else {
			scan_touched(lo, hi);
			break;
		}
	}
}

/* ---- the leak scan: sorting and indexing ------------------------------------- */

/* In place, most significant 11-bit digit of the key (address >> 3) first
 * (American flag sort): no second array of every block at exit. */
#define SORT_DIGIT	11
#define SORT_LEVELS	((SLOT_ADDR_BITS + SORT_DIGIT - 1) / SORT_DIGIT)

static size_t sort_cnt[SORT_LEVELS][1 << SORT_DIGIT];
static size_t sort_next[1 << SORT_DIGIT];

static inline unsigned digit(const struct slot *e, int level)
{
	int shift = SLOT_ADDR_BITS - SORT_DIGIT * (level + 1);

	return (unsigned)(((e->w0 & SLOT_ADDR_MASK) >> (shift > 0 ? shift : 0)) &
			  ((1u << SORT_DIGIT) - 1));
}

static void sort_blocks(struct slot *a, size_t n, int level)
{
	if (n < 32) {		/* small: insertion sort on the whole key */
		for (size_t i = 1; i < n; i++) {
			struct slot v = a[i];
			size_t j = i;
			for (; j && (a[j - 1].w0 & SLOT_ADDR_MASK) > (v.w0 & SLOT_ADDR_MASK); j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
		return;
	}
	size_t *cnt = sort_cnt[level];
	memset(cnt, 0, sizeof(sort_cnt[0]));
	for (size_t i = 0; i < n; i++)
		cnt[digit(&a[i], level)]++;
	size_t sum = 0;
	for (unsigned d = 0; d < (1u << SORT_DIGIT); d++) {
		sort_next[d] = sum;
		sum += cnt[d];
	}
	/* each slot goes to its bucket; what was there moves on in turn */
	size_t start = 0;
	for (unsigned d = 0; d < (1u << SORT_DIGIT); d++) {
		size_t end = start + cnt[d];
		while (sort_next[d] < end) {
			struct slot v = a[sort_next[d]];
			unsigned dv = digit(&v, level);
			while (dv != d) {
				struct slot t = a[sort_next[dv]];
				a[sort_next[dv]++] = v;
				v = t;
				dv = digit(&v, level);
			}
			a[sort_next[d]++] = v;
		}
		start = end;
	}
	if (level + 1 == SORT_LEVELS)
		return;
	start = 0;
	for (unsigned d = 0; d < (1u << SORT_DIGIT); d++) {
		size_t c = cnt[d];
		if (c > 1)
			sort_blocks(a + start, c, level + 1);
		start += c;
	}
}

/* Units and big blocks, the span; blocks not inside a readable mapping are
 * stale (freed without deadbolt seeing it, their memory gone): M_SKIP. */
static bool build_index(void)
{
	size_t nunits = 0;
	uint64_t last = 0;
	bool any = false;

	span_lo = nblk ? baddr(0) : 0;
	span_len = 0;
	nbig = 0;
	for (size_t i = 0; i < nblk; i++) {
		uintptr_t b = baddr(i), e = bend(i);
		struct map *m = map_of(b);
		if (!m || !(m->flags & MF_R) || e > m->hi)
			mk[i] |= M_SKIP;
		if (e - span_lo > span_len)
			span_len = e - span_lo;
		if (slot_size(&blk[i]) >= BIG_BLOCK) {
			nbig++;
			continue;
		}
		uint64_t u0 = b >> UNIT_SHIFT, u1 = (e - 1) >> UNIT_SHIFT;
		if (any && u0 <= last)
			u0 = last + 1;
		if (u1 >= u0)
			nunits += u1 - u0 + 1;
		if (!any || u1 > last)
			last = u1;
		any = true;
	}
	uint64_t cap = 16;
	while (cap < 2 * nunits)
		cap *= 2;
	unit_mask = cap - 1;
	units = map_mem(cap * sizeof(*units));
	bigs = map_mem(nbig * sizeof(*bigs));
	if (!units || (nbig && !bigs))
		return false;
	nbig = 0;
	any = false;
	for (size_t i = 0; i < nblk; i++) {
		uintptr_t b = baddr(i), e = bend(i);
		if (slot_size(&blk[i]) >= BIG_BLOCK) {
			bigs[nbig++] = (uint32_t)i;
			continue;
		}
		uint64_t u0 = b >> UNIT_SHIFT, u1 = (e - 1) >> UNIT_SHIFT;
		if (any && u0 <= last)
			u0 = last + 1;
		for (uint64_t u = u0; u <= u1; u++)
			unit_put(u, (uint32_t)i);
		if (!any || u1 > last)
			last = u1;
		any = true;
	}
	return true;
}

/* ---- the leak scan: reporting ---------------------------------------------- */

struct group {
	uint64_t key;		/* stack << 2 | kind; 0: empty */
	uint64_t bytes, blocks;
	uint32_t tid;
	uint32_t kind;
};

static struct group *groups;
static uint64_t group_mask;

static uint64_t ngroups;
static bool groups_failed;

/* Double the group table when half full (groups are few: one per stack and
 * kind, not per block). */
static bool grow_groups(void)
{
	uint64_t cap = groups ? (group_mask + 1) * 2 : 1024;
	struct group *g = map_mem(cap * sizeof(*g));

	if (!g)
		return false;
	for (uint64_t i = 0; groups && i <= group_mask; i++) {
		if (!groups[i].key)
			continue;
		uint64_t j = db_hash64(groups[i].key) & (cap - 1);
		while (g[j].key)
			j = (j + 1) & (cap - 1);
		g[j] = groups[i];
	}
	if (groups)
		unmap_mem(groups, (group_mask + 1) * sizeof(*groups));
	groups = g;
	group_mask = cap - 1;
	return true;
}

static void count(const struct slot *e, unsigned kind)
{
	uint64_t key = (slot_stack(e) << 2 | kind) + 1;

	if ((!groups || 2 * (ngroups + 1) > group_mask + 1) && !grow_groups()) {
		groups_failed = true;
		return;
	}
	for (uint64_t i = db_hash64(key) & group_mask;; i = (i + 1) & group_mask) {
		struct group *g = &groups[i];
		if (!g->key) {
			g->key = key;
			g->kind = kind;
			g->tid = slot_tid(e);
			ngroups++;
		}
		if (g->key == key) {
			g->bytes += slot_size(e);
			g->blocks++;
			return;
		}
	}
}

static bool group_before(const struct group *a, const struct group *b)
{
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes;
	if (a->kind != b->kind)
		return a->kind < b->kind;
	return a->key < b->key;
}

/* Heapsort the used groups (moved to the front) by bytes, largest first. */
static void sift(struct group *g, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && group_before(&g[c + 1], &g[c]))
			c++;
		if (!group_before(&g[c], &g[i]))
			return;
		struct group t = g[i];
		g[i] = g[c];
		g[c] = t;
		i = c;
	}
}

static void sort_groups(struct group *g, size_t n)
{
	/* a heap whose root comes first in the order; popped to the back, so
	 * the array ends last-first: reversed after */
	for (size_t i = n / 2; i-- > 0;)
		sift(g, i, n);
	for (size_t k = n; k > 1; k--) {
		struct group t = g[0];
		g[0] = g[k - 1];
		g[k - 1] = t;
		sift(g, 0, k - 1);
	}
	for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
		struct group t = g[i];
		g[i] = g[j];
		g[j] = t;
	}
}

/* ---- the leak scan ------------------------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Read n bytes at a, or false if that faults. */
static bool peek(uintptr_t a, void *out, size_t n)
{
	if (sigsetjmp(scan_jmp, 0)) {
		scan_guarded = 0;
		scan_faults++;
		return false;
	}
	scan_guarded = 1;
	memcpy(out, (const void *)a, n);
	scan_guarded = 0;
	return true;
}

/* The DTV of the thread whose TCB is at tp: its dynamic TLS blocks, which
 * glibc may have allocated while deadbolt's guard was up (untracked). */
static void scan_dtv(uintptr_t tp)
{
	uintptr_t dtv, len, ent[2];

	/* tcbhead_t: tcb, dtv, self; the dtv points past its length and
	 * generation slots (16 bytes each) */
	if (!peek(tp + 8, &dtv, sizeof(dtv)) || !dtv || !map_of(dtv - 32) ||
	    !peek(dtv - 16, &len, sizeof(len)))
		return;
	for (uintptr_t k = 1; k <= len && k < 65536; k++) {
		if (!peek(dtv + 16 * k, ent, sizeof(ent)))
			return;
		root_value(ent[0]);	/* val */
		root_value(ent[1]);	/* to_free */
	}
}

static size_t tls_size, tls_align = 64;
static unsigned tcb_size, tid_offset;

/* The struct pthread glibc puts at the top of the stacks it allocates, if
 * m is such a stack: there, tcb and self point to the struct itself. */
static uintptr_t stack_tcb(const struct map *m)
{
	uintptr_t pd, w[3];

	if (!tcb_size || m->hi - m->lo < tcb_size + 4096)
		return 0;
	pd = (m->hi - tcb_size) & ~(uintptr_t)(tls_align - 1);
	if (!peek(pd, w, sizeof(w)) || w[0] != pd || w[2] != pd)
		return 0;
	return pd;
}

/* The threads' stacks (from their stack pointers up), registers, TLS and
 * DTVs. */
static void scan_threads(uintptr_t self_sp, uintptr_t self_tp)
{
	int n = atomic_load(&nstop);

	for (int i = -1; i < n; i++) {
		uintptr_t sp = self_sp, tp = self_tp;
		if (i >= 0) {
			if (atomic_load(&stop[i].state) != 1)
				continue;
			/* stopped anywhere: the 128-byte red zone below its sp
			 * may hold a leaf function's locals */
			sp = stop[i].sp - 128;
			tp = stop[i].tp;
			for (int k = 0; k < 16; k++)
				root_value(stop[i].regs[k]);
		}
		/* a stack the program allocated from the heap: that block */
		int64_t j = sp - span_lo < span_len ? find_block(sp) : -1;
		struct map *m = map_of(sp);
		if (j >= 0) {
			reach((size_t)j);	/* scanned whole: conservative */
		} else if (m) {
			scan(sp, m->hi);
			m->flags |= MF_DONE;
		}
		m = map_of(tp);
		if (!tp || !m)
			continue;
		if (tls_size && tp - tls_size >= m->lo)	/* static TLS, below the TCB */
			scan(tp - tls_size, tp);
		if (tcb_size && tp + tcb_size <= m->hi)
			scan(tp, tp + tcb_size);
		scan_dtv(tp);
	}
}

/* Every mapping that may hold the program's pointers, minus heap blocks:
 * not the heap, not deadbolt's own (MAP_NORESERVE, our module), a running
 * thread's stack only above its stack pointer (scan_threads), the stack of
 * a thread that ended (glibc caches them) not at all, but its struct
 * pthread (the result a join would collect) if no join has. */
static void scan_maps(uintptr_t own_lo, uintptr_t own_hi)
{
	for (size_t i = 0; i < nmaps; i++) {
		struct map *m = &maps[i];
		unsigned f = m->flags;
		if (!(f & MF_R) || (f & (MF_SHARED | MF_NORES | MF_SPECIAL | MF_HEAP | MF_DONE)))
			continue;
		if (!(f & MF_W) && !(f & MF_ANON))
			continue;	/* code, read-only data of files */
		if ((f & MF_X) && !(f & MF_ANON) && db_race_code_written(m->lo, m->hi))
			continue;	/* code made writable to be sampled */
		uintptr_t pd = (f & MF_ANON) ? stack_tcb(m) : 0;
		int tid = 1;
		if (pd && tid_offset && peek(pd + tid_offset, &tid, sizeof(tid)) && tid <= 0) {
			/* ended: the kernel cleared tid; joined: glibc set it to -1,
			 * and the join collected the result */
			if (tid == 0)
				scan(pd, pd + tcb_size);
			continue;
		}
		if (pd)
			scan_dtv(pd);	/* running, not stopped: all of it */
		uintptr_t lo = m->lo, hi = m->hi;
		if (own_lo < hi && lo < own_hi) {	/* deadbolt's data and bss */
			if (lo < own_lo)
				scan_gaps(lo, own_lo);
			lo = own_hi;
		}
		if (lo < hi)
			scan_gaps(lo, hi);
	}
}

static void write_leaks(uint64_t t0, const uint64_t tot[8])
{
	size_t ng = 0;

	for (uint64_t i = 0; groups && i <= group_mask; i++)
		if (groups[i].key)
			groups[ng++] = groups[i];
	sort_groups(groups, ng);
	db_stack_note_full();
	for (size_t i = 0; i < ng; i++) {
		struct group *g = &groups[i];
		uint64_t stack = (g->key - 1) >> 2;
		struct db_rec_leak r = {
			.h = { DB_REC_LEAK, sizeof(r) },
			.kind = g->kind == M_DEF ? DB_LEAK_DEFINITE :
				g->kind == M_IND ? DB_LEAK_INDIRECT : DB_LEAK_REACHABLE,
			.tid = g->tid, .stack = stack, .bytes = g->bytes, .blocks = g->blocks,
		};
		db_stack_log(stack);
		db_log_write(&r);
	}
	struct db_rec_leak_summary s = {
		.h = { DB_REC_LEAK_SUMMARY, sizeof(s) },
		.definite_bytes = tot[0], .definite_blocks = tot[1],
		.indirect_bytes = tot[2], .indirect_blocks = tot[3],
		.reachable_bytes = tot[4], .reachable_blocks = tot[5],
		.suppressed_bytes = tot[6], .suppressed_blocks = tot[7],
		.scan_ms = now_ms() - t0,
	};
	db_log_write(&s);
	if (scan_faults)
		db_note(DB_NOTE_INFO, "leak scan: %lu ranges became unreadable while "
			"scanned and were skipped", scan_faults);
	if (db_opt.summary && (tot[1] || tot[3])) {
		const char *path = db_log_path();
		db_warn("%llu bytes leaked in %llu blocks (%llu definite, %llu indirect)%s%s",
			(unsigned long long)(tot[0] + tot[2]),
			(unsigned long long)(tot[1] + tot[3]), (unsigned long long)tot[1],
			(unsigned long long)tot[3], path ? "; report: deadbolt report " : "",
			path ? path : "");
	}
}

static void leak_check(uintptr_t self_sp, const uintptr_t *regs)
{
	uint64_t t0 = now_ms();
	uint64_t tot[8] = { 0 };	/* def, ind, reach, suppressed: bytes, blocks */
	size_t total = 0;

	/* everything that may take the loader's lock, before anyone stops */
	db_log_modules_sync(false);
	stop = map_mem(DB_MAX_STOP * sizeof(*stop));
	maps = map_mem(DB_MAX_MAPS * sizeof(*maps));
	if (!stop || !maps)
		goto out_mem;
	scan_tid = (pid_t)syscall(SYS_gettid);

	/* No thread may be stopped inside one of these locks: take them first. */
	db_stack_atfork_prepare();	/* in fork's order: stack, log, table */
	db_log_lock();
	db_alloc_atfork_prepare();
	stop_world();
	db_log_unlock();
	db_stack_atfork_parent();

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = scan_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, &segv_old);
	sigaction(SIGBUS, &sa, &bus_old);

	read_maps();
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	for (int i = 0; i < DB_ALLOC_SHARDS; i++)
		total += shards[i].count;
	unsigned nf = atomic_load_explicit(&nfresh, memory_order_acquire);
	total += (size_t)nf * FRESH_N;
	blk = map_mem(total * sizeof(*blk));
	mk = map_mem(total);
	work = map_mem(total * sizeof(*work));
	if (total && (!blk || !mk || !work))
		goto out;
	nblk = 0;
	for (int i = 0; i < DB_ALLOC_SHARDS; i++)
		for (uint32_t k = 0; shards[i].tab && k <= shards[i].mask; k++)
			if (shards[i].tab[k].w0)
				blk[nblk++] = shards[i].tab[k];
	for (unsigned i = 0; i < nf; i++) {
		struct db_fresh *f = atomic_load_explicit(&fresh_all[i], memory_order_acquire);
		for (unsigned k = 0; k < FRESH_N; k++) {
			uint64_t v = atomic_load_explicit(&f->w0[k], memory_order_acquire);
			if (v)
				blk[nblk++] = (struct slot){ v, atomic_load_explicit(&f->w1[k],
										memory_order_relaxed) };
		}
	}
	sort_blocks(blk, nblk, 0);
	/* a thread stopped while moving a block to the table left it twice */
	size_t kept = 0;
	for (size_t i = 0; i < nblk; i++)
		if (!kept || baddr(i) != slot_addr(&blk[kept - 1]))
			blk[kept++] = blk[i];
	nblk = kept;
	if (!build_index())
		goto out;

	/* roots */
	nwork = 0;
	leak_phase = false;
	for (size_t i = 0; i < nblk; i++) {
		if (blk[i].w1 & SLOT_IGNORED)
			mk[i] |= M_IGN;
		else if (slot_gen(&blk[i]) != fork_gen)
			mk[i] |= M_INH;
		if (mk[i] & (M_IGN | M_INH))
			reach(i);
	}
	uintptr_t own_lo = 0, own_hi = 0;
	struct dl_find_object dlfo;
	if (find_object && find_object((void *)(uintptr_t)&leak_check, &dlfo) == 0) {
		own_lo = (uintptr_t)dlfo.dlfo_map_start;
		own_hi = (uintptr_t)dlfo.dlfo_map_end;
	}
	if (tls_static_info)
		tls_static_info(&tls_size, &tls_align);
	if (tls_align < 64 || (tls_align & (tls_align - 1)))
		tls_align = 64;
	tcb_size = sizeof_pthread ? *sizeof_pthread : 0;
	tid_offset = pthread_tid && pthread_tid[0] == 32 ? pthread_tid[2] : 0;
	for (int i = 0; regs && i < 6; i++)
		root_value(regs[i]);
	scan_threads(self_sp, thread_pointer());
	scan_maps(own_lo, own_hi);
	flood();

	/* what is left leaked: cliques, each headed by a definite block */
	leak_phase = true;
	for (size_t i = 0; i < nblk; i++) {
		if ((mk[i] & M_KIND) != M_NONE || (mk[i] & M_SKIP))
			continue;
		leader = (uint32_t)i;
		mk[i] = (uint8_t)((mk[i] & ~M_KIND) | M_DEF);
		work[nwork++] = (uint32_t)i;
		flood();
	}

	/* per stack and kind */
	groups = NULL;
	ngroups = 0;
	groups_failed = false;
	for (size_t i = 0; i < nblk; i++) {
		unsigned m = mk[i], kind = m & M_KIND;
		const struct slot *e = &blk[i];
		if (m & (M_SKIP | M_INH))
			continue;
		if (m & M_IGN) {
			tot[6] += slot_size(e);
			tot[7]++;
		} else if (kind == M_REACH) {
			tot[4] += slot_size(e);
			tot[5]++;
			if (db_opt.report_reachable)
				count(e, kind);
		} else {
			tot[kind == M_DEF ? 0 : 2] += slot_size(e);
			tot[kind == M_DEF ? 1 : 3]++;
			count(e, kind);
		}
	}
	if (groups_failed)
		db_warn("out of memory for the leak report: some leaks are not listed");
	write_leaks(t0, tot);
	unmap_mem(groups, groups ? (group_mask + 1) * sizeof(*groups) : 0);
out:
	if (pagemap_fd >= 0)
		close(pagemap_fd);
	pagemap_fd = -1;
	sigaction(SIGSEGV, &segv_old, NULL);
	sigaction(SIGBUS, &bus_old, NULL);
	atomic_store(&tracking, 0);
	db_alloc_atfork_parent();
	resume_world();
	unmap_mem(units, (unit_mask + 1) * sizeof(*units));
	unmap_mem(bigs, nbig * sizeof(*bigs));
	unmap_mem(work, total * sizeof(*work));
	unmap_mem(mk, total);
	unmap_mem(blk, total * sizeof(*blk));
	unmap_mem(maps, DB_MAX_MAPS * sizeof(*maps));
	return;
out_mem:
	db_warn("out of memory for the leak scan: no leak report");
	atomic_store(&tracking, 0);
}

/* glibc's and libstdc++'s lifetime allocations go back first, as under
 * Valgrind; only when no other thread runs (freeres pulls libc's state from
 * under them).  The guard is down: its frees leave the table. */
static void free_lifetime_allocations(void)
{
	void (*cxx_freeres)(void);

	db_race_join();
	if (each_task(getpid(), NULL, NULL) != 1)
		return;
	/* glibc's freeres clears environ (clearenv).  An environment the
	 * program made of its own blocks (the copy a setproctitle makes:
	 * PostgreSQL, nginx, Redis) was its environment to the end: a root.
	 * What glibc's setenv made, freeres frees. */
	if (environ) {
		db_alloc_ignore(environ);
		for (char **e = environ; *e; e++)
			db_alloc_ignore(*e);
	}
	*(void **)&cxx_freeres = dlsym(RTLD_DEFAULT, "_ZN9__gnu_cxx9__freeresEv");
	db_level = 0;
	if (cxx_freeres)
		cxx_freeres();
	if (libc_freeres)
		libc_freeres();
	db_level = 1;
}

static void leak_atexit(void *arg)
{
	static atomic_int done;

	(void)arg;
	/* registers of the program saved in this frame: scanned with the stack */
	__builtin_unwind_init();
	if (atomic_load(&db_ready) != 1 || !atomic_load(&tracking) || db_level != 0 ||
	    db_log_foreign() || atomic_exchange(&done, 1))
		return;
	/* the scan reads every word: no watchpoint may fire on it */
	db_race_exit();
	db_level = 1;
	atomic_store(&exiting, 1);
	/* The program's stack starts at exit()'s caller: exit's own frames
	 * (where the program's returned frames were) hold stale pointers.
	 * Failing that, from this frame up (its saved registers included). */
	uintptr_t sp, regs[6];
	if (!db_stack_caller_of((uintptr_t)db_real.exit, &sp, regs))
		sp = (uintptr_t)__builtin_frame_address(0) - 128;
	free_lifetime_allocations();
	leak_check(sp, sp == (uintptr_t)__builtin_frame_address(0) - 128 ? NULL : regs);
	db_level = 0;
}

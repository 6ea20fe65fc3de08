/* stack.c - call stacks: capture (cfi.c, else libunwind), and the stack
 * depot that turns a stack into a small id (one copy per unique stack).
 *
 * Captures.  Every stack is first walked by cfi.c, which reads frame shapes
 * from the modules' .eh_frame through their .eh_frame_hdr search tables.
 * A frame it does not follow (a signal frame, a CFA expression, code
 * without unwind tables) sends the capture to libunwind, which is set up
 * at that first use: db_stack_capture() walks unw_step and records SPs too
 * (slow paths: a new lock-order edge, a new thread);
 * db_stack_capture_fast() (allocations) uses unw_backtrace(), whose
 * per-thread cache of frame shapes (UNW_CACHE_PER_THREAD) makes a known pc
 * a few loads.  To keep the allocation path away from the loader (whose
 * dl_iterate_phdr takes its lock, plus two sigprocmask calls a search),
 * every module's search table is registered with libunwind as dynamic
 * unwind info (_U_dyn_register), which libunwind consults first, and which
 * cfi.c reads (db_stack_fde_table).  Registration follows dlopen/dlclose
 * (mod_lock); a cancelled registration stays allocated, as an unwinder may
 * be reading it.  While the thread is inside dlopen/dlclose (db_in_dl, set
 * by the shims), allocations get no stack at all: the loader's own
 * allocations, made with its lock held, never reach an unwinder.
 *
 * The depot is an open-addressing table of node pointers: lookups read it
 * without a lock (acquire loads; nodes are immutable once published and
 * never freed); inserts take depot_lock.  Ids index by_id[] for logging.
 */
#define UNW_LOCAL_ONLY
#include <errno.h>
#include <libunwind.h>
#include <link.h>
#include <sched.h>
#include <string.h>

#include "internal.h"

#define DB_STACK_SLOTS	(1u << 19)	/* depot hash slots (pointers), at most */
#define DB_STACK_SLOTS0	(1u << 14)	/* the first table's */
#define DB_MAX_STACKS	(DB_STACK_SLOTS / 2)	/* unique stacks kept; beyond:
						 * new stacks get id 0 */

struct stack_node {
	uint64_t hash;
	uint64_t id;
	atomic_uint logged_gen;
	uint32_t n, flags;
	uintptr_t pc[];
};

/* The depot's hash table: twice as large as its stacks need, at least;
 * doubled (a new table, faulted in at once) when it would be fuller.  A
 * new stack lands in a random slot: a table of the final size from the
 * start would cost a page fault for nearly every stack (10-14 us in a
 * VM).  Readers probe without the lock, so a table is never unmapped: a
 * reader that still holds an old one misses, takes the lock and finds the
 * new one. */
struct depot {
	uint32_t mask;
	_Atomic(struct stack_node *) s[];
};

static _Atomic(struct depot *) depot;
static struct stack_node **by_id;
static uint64_t nstacks;
static db_spin_t depot_lock;

static struct depot *depot_new(uint32_t nslots)
{
	size_t size = sizeof(struct depot) + nslots * sizeof(((struct depot *)0)->s[0]);
	struct depot *d = db_mem_map(size);

	if (d) {
		db_mem_populate(d, size);
		d->mask = nslots - 1;
	}
	return d;
}

static void depot_insert(struct depot *d, struct stack_node *s)
{
	uint32_t i = (uint32_t)s->hash & d->mask;

	while (atomic_load_explicit(&d->s[i], memory_order_relaxed))
		i = (i + 1) & d->mask;
	atomic_store_explicit(&d->s[i], s, memory_order_release);
}

/* One more stack is about to go into d (under depot_lock): the table it
 * goes into, doubled first if d would be more than half full. */
static struct depot *depot_room(struct depot *d)
{
	if ((nstacks + 1) * 2 <= (uint64_t)d->mask + 1 || d->mask + 1 >= DB_STACK_SLOTS)
		return d;
	struct depot *b = depot_new((d->mask + 1) * 2);
	if (!b)
		return d;
	for (uint64_t id = 1; id <= nstacks; id++)
		depot_insert(b, by_id[id]);
	atomic_store_explicit(&depot, b, memory_order_release);
	return b;
}

/* libunwind is set up at its first use (0.3-0.5 ms): most processes'
 * stacks all come from cfi.c.  0: not yet, 1: being set up, 2: ready. */
static atomic_int unw_state;

static void unw_ready(void)
{
	int z = 0;

	if (DB_LIKELY(atomic_load_explicit(&unw_state, memory_order_acquire) == 2))
		return;
	if (atomic_compare_exchange_strong(&unw_state, &z, 1)) {
		unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
		atomic_store_explicit(&unw_state, 2, memory_order_release);
		return;
	}
	while (atomic_load_explicit(&unw_state, memory_order_acquire) != 2)
		sched_yield();
}

void db_stack_init(void)
{
	if (!atomic_load(&depot))
		atomic_store(&depot, depot_new(DB_STACK_SLOTS0));
	if (!by_id)
		by_id = db_mem_map((DB_MAX_STACKS + 1) * sizeof(*by_id));
	/* before any call into libunwind: its own set-up makes its pipe */
	db_unwind_mem_init((const void *)unw_backtrace);
	db_stack_modules_sync();
}

/* This thread's stack from here, by cfi.c (0: it could not); sp may be
 * NULL. */
static DB_NOINLINE int cfi_here(uintptr_t *pc, uintptr_t *sp, int max, bool *truncated)
{
	struct db_thread *t = db_self;
	uintptr_t ip, rsp, bp;

	if (t <= DB_THREAD_DEAD)
		return 0;
	__asm__ volatile("leaq 0(%%rip), %0\n\tmovq %%rsp, %1\n\tmovq %%rbp, %2"
			 : "=r"(ip), "=r"(rsp), "=r"(bp));
	return db_cfi_backtrace(t, ip, rsp, bp, pc, sp, max, truncated);
}

/* pc[from..n) without deadbolt's own frames (the shims, alloc.c, us, a
 * thread's trampoline, main_wrapper), squeezed in place with sp (unless
 * NULL), and at most max frames in all (*cut set if more); the new n. */
static int drop_own(uintptr_t *pc, uintptr_t *sp, int from, int n, int max, bool *cut)
{
	int k = from;

	for (int i = from; i < n; i++) {
		if (db_log_own_pc(pc[i]))
			continue;
		if (k == max) {
			*cut = true;
			break;
		}
		if (sp)
			sp[k] = sp[i];
		pc[k++] = pc[i];
	}
	return k;
}

void db_stack_capture(struct db_frames *f, int depth)
{
	unw_context_t uc;
	unw_cursor_t c;

	f->n = 0;
	f->truncated = 0;
	if (depth > DB_MAX_FRAMES)
		depth = DB_MAX_FRAMES;
	/* a dlopen since the last look: log the new modules before their pcs */
	db_log_modules_sync(false);
	uintptr_t pc[DB_MAX_FRAMES + DB_STACK_OWN_FRAMES], sp[DB_MAX_FRAMES + DB_STACK_OWN_FRAMES];
	bool trunc;
	int n = cfi_here(pc, sp, depth + DB_STACK_OWN_FRAMES, &trunc);
	if (n > 0) {
		n = drop_own(pc, sp, 0, n, depth, &trunc);
		memcpy(f->pc, pc, (size_t)n * sizeof(*pc));
		memcpy(f->sp, sp, (size_t)n * sizeof(*sp));
		f->n = n;
		f->truncated = trunc;
		return;
	}
	unw_ready();
	if (unw_getcontext(&uc) != 0 || unw_init_local(&c, &uc) != 0)
		return;
	while (unw_step(&c) > 0) {
		unw_word_t ip, sp;
		if (unw_get_reg(&c, UNW_REG_IP, &ip) != 0 ||
		    unw_get_reg(&c, UNW_REG_SP, &sp) != 0)
			break;
		if (db_log_own_pc(ip))	/* deadbolt's own frames: the shim, us */
			continue;
		if (f->n == depth) {
			f->truncated = 1;
			break;
		}
		f->pc[f->n] = ip;
		f->sp[f->n] = sp;
		f->n++;
	}
}

/* One multiply per frame, a full mix at the end: every allocation hashes
 * its stack. */
static uint64_t hash_stack(const uintptr_t *pc, int n, unsigned flags)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ flags ^ ((uint64_t)n << 32);

	for (int i = 0; i < n; i++) {
		h = (h ^ pc[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return db_hash64(h) | 1;	/* never 0 */
}

static bool same(const struct stack_node *s, uint64_t h, const uintptr_t *pc,
		 int n, unsigned flags)
{
	return s->hash == h && s->n == (uint32_t)n && s->flags == flags &&
	       !memcmp(s->pc, pc, (size_t)n * sizeof(*pc));
}

static atomic_int depot_full;

/* quiet: do not write the "depot full" note now (the allocation path may
 * run inside a dl_iterate_phdr callback, where the log lock could wait on
 * the loader's); db_stack_note_full() writes it later. */
static uint64_t put(const uintptr_t *pc, int n, unsigned flags, bool quiet)
{
	struct depot *d = atomic_load_explicit(&depot, memory_order_acquire);
	if (!d || !by_id || n <= 0)
		return 0;
	uint64_t h = hash_stack(pc, n, flags);
	uint32_t i = (uint32_t)h & d->mask;
	struct stack_node *s;

	for (;; i = (i + 1) & d->mask) {
		s = atomic_load_explicit(&d->s[i], memory_order_acquire);
		if (!s)
			break;
		if (same(s, h, pc, n, flags))
			return s->id;
	}
	db_spin_lock(&depot_lock);
	struct depot *now = atomic_load_explicit(&depot, memory_order_relaxed);
	if (now != d) {			/* doubled meanwhile: probe the new one */
		d = now;
		i = (uint32_t)h & d->mask;
	}
	for (;; i = (i + 1) & d->mask) {	/* continue where the unlocked probe stopped */
		s = atomic_load_explicit(&d->s[i], memory_order_relaxed);
		if (!s)
			break;
		if (same(s, h, pc, n, flags)) {
			db_spin_unlock(&depot_lock);
			return s->id;
		}
	}
	uint64_t id = 0;
	if (nstacks < DB_MAX_STACKS) {
		s = db_mem_alloc(sizeof(*s) + (size_t)n * sizeof(*pc));
		if (s) {
			s->hash = h;
			s->id = id = nstacks + 1;
			s->n = (uint32_t)n;
			s->flags = flags;
			memcpy(s->pc, pc, (size_t)n * sizeof(*pc));
			struct depot *to = depot_room(d);
			by_id[id] = s;
			__atomic_store_n(&nstacks, id, __ATOMIC_RELEASE);
			if (to == d)	/* the slot the probe ended at */
				atomic_store_explicit(&d->s[i], s, memory_order_release);
			else
				depot_insert(to, s);
		}
	}
	db_spin_unlock(&depot_lock);
	if (!id && !atomic_load_explicit(&depot_full, memory_order_relaxed)) {
		atomic_store(&depot_full, 1);
		if (!quiet)
			db_stack_note_full();
	}
	return id;
}

uint64_t db_stack_put(const uintptr_t *pc, int n, unsigned flags)
{
	return put(pc, n, flags, false);
}

uint64_t db_stack_put_quiet(const uintptr_t *pc, int n, unsigned flags)
{
	return put(pc, n, flags, true);
}

void db_stack_note_full(void)
{
	static atomic_int once;

	if (atomic_load(&depot_full) && !atomic_exchange(&once, 1))
		db_note(DB_NOTE_WARN, "stack depot full (%u stacks): further stacks "
			"are not recorded; reports are partial", DB_MAX_STACKS);
}

void db_stack_log(uint64_t id)
{
	if (!id || id > nstacks || !by_id[id])
		return;
	struct stack_node *s = by_id[id];
	if (atomic_load_explicit(&s->logged_gen, memory_order_acquire) == atomic_load(&db_log_gen))
		return;
	struct {
		struct db_rec_stack r;
		uint64_t pc[DB_MAX_FRAMES];
	} rec;
	uint32_t n = s->n < DB_MAX_FRAMES ? s->n : DB_MAX_FRAMES;
	memset(&rec.r, 0, sizeof(rec.r));
	rec.r.h.type = DB_REC_STACK;
	rec.r.h.size = (uint32_t)(sizeof(rec.r) + n * sizeof(uint64_t));
	rec.r.id = id;
	rec.r.nframes = n;
	rec.r.flags = s->flags;
	for (uint32_t i = 0; i < n; i++)
		rec.pc[i] = s->pc[i];
	db_log_write_once(&s->logged_gen, &rec);
}

static db_spin_t mod_lock;

void db_stack_atfork_prepare(void)
{
	db_spin_lock(&mod_lock);
	db_spin_lock(&depot_lock);
	db_unwind_mem_atfork_prepare();
}

void db_stack_atfork_parent(void)
{
	db_unwind_mem_atfork_release();
	db_spin_unlock(&depot_lock);
	db_spin_unlock(&mod_lock);
}

void db_stack_atfork_child(void)
{
	int setting_up = 1;

	/* a thread that was setting libunwind up is not in the child */
	atomic_compare_exchange_strong(&unw_state, &setting_up, 0);
	db_unwind_mem_atfork_release();
	db_spin_unlock(&depot_lock);
	db_spin_unlock(&mod_lock);
}

/* The frame that called the function starting at fn, on this thread's stack
 * (the leak scan's use: the caller of exit(), so that exit's own frames,
 * which reuse the stack the program ran on, add no stale pointers): its
 * stack pointer at the call and its callee-saved registers then (rbx, rbp,
 * r12-r15).  False when fn is not among the first frames. */
bool db_stack_caller_of(uintptr_t fn, uintptr_t *sp, uintptr_t regs[6])
{
	static const int saved[6] = { UNW_X86_64_RBX, UNW_X86_64_RBP, UNW_X86_64_R12,
				      UNW_X86_64_R13, UNW_X86_64_R14, UNW_X86_64_R15 };
	unw_context_t uc;
	unw_cursor_t c;
	struct db_thread *t = db_self;

	if (t > DB_THREAD_DEAD && db_cfi_caller_of(t, fn, sp, regs))
		return true;
	unw_ready();
	if (!fn || unw_getcontext(&uc) != 0 || unw_init_local(&c, &uc) != 0)
		return false;
	for (int depth = 0; depth < 16 && unw_step(&c) > 0; depth++) {
		unw_proc_info_t pi;
		if (unw_get_proc_info(&c, &pi) != 0 || pi.start_ip != fn)
			continue;
		unw_word_t v;
		if (unw_step(&c) <= 0 || unw_get_reg(&c, UNW_REG_SP, &v) != 0)
			return false;
		*sp = v;
		for (int i = 0; i < 6; i++)
			regs[i] = unw_get_reg(&c, saved[i], &v) == 0 ? v : 0;
		return true;
	}
	return false;
}

/* The bounds [lo, hi) of the function whose code holds ip, from its
 * unwind information. */
bool db_stack_function_of(uintptr_t ip, uintptr_t *lo, uintptr_t *hi)
{
	unw_proc_info_t pi;

	unw_ready();
	if (unw_get_proc_info_by_ip(unw_local_addr_space, ip, &pi, NULL) != 0 ||
	    pi.start_ip > ip || pi.end_ip <= ip)
		return false;
	*lo = pi.start_ip;
	*hi = pi.end_ip;
	return true;
}

/* ---- allocation stacks ----------------------------------------------------- */

/* pc (and sp, unless NULL) has room for depth + DB_STACK_OWN_FRAMES:
 * cfi.c fills it (or, for a frame it does not follow, unw_backtrace), our
 * own frames are squeezed out in place (one buffer: this runs on the
 * program's stack, which may be small).  *with_sp: cfi.c walked it, and
 * sp[i] is frame i's stack pointer (its return address just below). */
static int capture_fast_at(uintptr_t *pc, uintptr_t *sp, bool *with_sp, int depth,
			   bool *truncated)
{
	int want, n;

	*truncated = false;
	*with_sp = false;
	if (depth <= 0 || db_in_dl)
		return 0;
	if (depth > DB_MAX_FRAMES)
		depth = DB_MAX_FRAMES;
	want = depth + DB_STACK_OWN_FRAMES;
	bool cut;
	n = cfi_here(pc, sp, want, &cut);
	if (n > 0) {
		*with_sp = sp != NULL;
	} else {
		unw_ready();
		n = unw_backtrace((void **)pc, want);
		cut = n == want;	/* libunwind stopped at our limit: maybe deeper */
	}
	n = drop_own(pc, *with_sp ? sp : NULL, 0, n, depth, truncated);
	if (cut)
		*truncated = true;
	return n;
}

int db_stack_capture_fast(uintptr_t *pc, int depth, bool *truncated)
{
	bool with_sp;

	return capture_fast_at(pc, NULL, &with_sp, depth, truncated);
}

/* ---- stacks seen before -----------------------------------------------------
 * For allocations, and for new lock-order edges (db_stack_capture_at: a
 * miss there is unwound like an allocation's, each frame's sp taken from
 * where its return address lies, and with unw_step only when that is not
 * certain).
 * A program allocates from a few places, mostly in loops: the same return
 * address into the same function, at the same stack pointer, below the
 * same callers.  Each thread keeps the stacks it unwound, keyed by the
 * caller's pc and sp, with where each caller's return address lay on the
 * stack.  An allocation with the same pc and sp whose return addresses all
 * still lie where they lay has the same stack: unwinding is a function of
 * the pc, the stack pointer and those words (the frame of a function at a
 * given pc has a fixed size, so the same sp puts the same return address
 * slots in the same places).  A hit costs a load and a compare per frame
 * instead of an unwind and a depot lookup.  Frames whose size varies
 * (alloca, stack realignment) weaken this only if an old return address
 * survives where a newer, larger frame left it untouched.
 *
 * Where the return addresses lie is found after an unwind by reading the
 * live stack upward from the caller's sp (locate): a stack is cached only
 * when the words found are certainly the ones the unwinder read, not stale
 * copies a deeper call left in a frame's locals (recursion leaves many).
 * Only stacks on the thread's own stack are cached (never a signal stack or
 * a coroutine's, whose memory may go), only up to SC_FRAMES frames, and
 * only while the live stack is at most SC_MAX_LIVE bytes. */

#define SC_BITS		8
#define SC_ENTRIES	(1u << SC_BITS)	/* per thread, direct-mapped */
#define SC_FRAMES	24	/* deeper stacks are not cached */
#define SC_MAX_LIVE	(64u << 10)	/* live stack read to place return addresses */

struct sc_entry {
	uintptr_t pc, sp;	/* the key; id 0: an empty entry */
	uint64_t id;
	uint32_t n;		/* frames; frame 0 is pc itself */
	uint32_t trunc;		/* the stack goes on beyond n frames (or may) */
	/* frame i's return address: at sp + off[i]; frames 1..sc_ncmp(n) are
	 * compared, those past n - 1 copies of frame n - 1 */
	uint32_t off[SC_FRAMES + 3];
	uintptr_t ret[SC_FRAMES + 3];
};

/* Filling an entry costs a read of the live stack; where few entries are
 * ever hit (a program allocating from ever new stacks), the thread stops
 * filling for a while: each SC_PERIOD lookups with fewer than half hits
 * skip the fills of the next SC_SKIP misses. */
#define SC_PERIOD	1024
#define SC_SKIP		16384

struct db_stack_cache {
	uint32_t lookups, hits, skip;
	struct sc_entry e[SC_ENTRIES];
};

/* The unwinder and the depot may make system calls: errno is kept (the
 * program's malloc calls see it unchanged, as with glibc). */
static uint64_t unwind_alloc(int depth, uintptr_t *pc, uintptr_t *sp, bool *with_sp, int *n)
{
	int e = errno;
	bool trunc;

	*n = capture_fast_at(pc, sp, with_sp, depth, &trunc);
	uint64_t id = db_stack_put_quiet(pc, *n, trunc ? DB_STACKF_TRUNCATED : 0);
	errno = e;
	return id;
}

static uintptr_t find_word(uintptr_t a, uintptr_t end, uintptr_t w)
{
	while (a < end && *(const uintptr_t *)a != w)
		a += sizeof(uintptr_t);
	return a;
}

/* Where frames 1..n-1's return addresses lie in [sp, top); false when that
 * is not certain.  Each is looked for upward from the last one's place:
 * the first word found can only be the true slot or a stale copy below it.
 * Certain when frame i's address occurs once between frame i-1's and frame
 * i+1's places (the last frame's: up to top): a stale copy puts two there
 * (downward from the last frame, each true slot bounds the one before). */
static bool locate(struct sc_entry *e, const uintptr_t *pc, int n, uintptr_t sp, uintptr_t top)
{
	uintptr_t at[SC_FRAMES + 1];

	if (top - sp > SC_MAX_LIVE)
		return false;
	at[0] = sp - sizeof(uintptr_t);
	for (int i = 1; i < n; i++) {
		at[i] = find_word(at[i - 1] + sizeof(uintptr_t), top, pc[i]);
		if (at[i] >= top)
			return false;
	}
	for (int i = 1; i < n; i++) {
		uintptr_t end = i + 1 < n ? at[i + 1] : top;
		if (find_word(at[i] + sizeof(uintptr_t), end, pc[i]) < end)
			return false;
		e->off[i] = (uint32_t)(at[i] - sp);
		e->ret[i] = pc[i];
	}
	return true;
}

/* The frames of a stack of n compared on a hit: 1..n - 1, rounded up to
 * four at a time. */
static inline uint32_t sc_ncmp(uint32_t n)
{
	return (n + 2) & ~3u;
}

/* e holds the stack at (cpc, csp) of n frames, depot id id; its return
 * addresses' places (off, ret) are filled already. */
static void sc_keep(struct sc_entry *e, uintptr_t cpc, uintptr_t csp, int n, bool trunc,
		    uint64_t id)
{
	for (uint32_t i = (uint32_t)n; i <= sc_ncmp((uint32_t)n); i++) {	/* none when n is 1 */
		e->off[i] = e->off[n - 1];
		e->ret[i] = e->ret[n - 1];
	}
	e->pc = cpc;
	e->sp = csp;
	e->n = (uint32_t)n;
	e->trunc = trunc;
	e->id = id;
}

/* e, the entry for (cpc, csp), takes the stack id of the n frames pc
 * (pc[0] == cpc) when where their return addresses lie is certain. */
/* The same, each place known: frame i's stack pointer fsp[i] (from
 * cfi.c), its return address just below (x86-64: at CFA - 8).  Certain as
 * it is. */
static bool place(struct sc_entry *e, const uintptr_t *pc, const uintptr_t *fsp, int n,
		  uintptr_t sp, uintptr_t top)
{
	uintptr_t last = sp - sizeof(uintptr_t);

	for (int i = 1; i < n; i++) {
		uintptr_t at = fsp[i] - sizeof(uintptr_t);
		if (at <= last || at + sizeof(uintptr_t) > top || at - sp > SC_MAX_LIVE ||
		    *(const uintptr_t *)at != pc[i])
			return false;
		e->off[i] = (uint32_t)(at - sp);
		e->ret[i] = pc[i];
		last = at;
	}
	return true;
}

/* fsp: each frame's stack pointer, whose return address lies just below
 * (NULL: the places are looked for). */
static void sc_fill(struct db_thread *t, struct sc_entry *e, const uintptr_t *pc,
		    const uintptr_t *fsp, int n, uintptr_t cpc, uintptr_t csp, bool trunc,
		    uint64_t id)
{
	e->id = 0;
	if (id && n > 0 && n <= SC_FRAMES && pc[0] == cpc &&
	    (fsp ? place(e, pc, fsp, n, csp, t->stack_hi) : locate(e, pc, n, csp, t->stack_hi)))
		sc_keep(e, cpc, csp, n, trunc, id);
}

/* A stack not in t's cache: unwind it, and keep it in entry e (NULL: no
 * cache) unless the cache is being skipped.  Out of line: its buffer is
 * sized by depth. */
static DB_NOINLINE uint64_t alloc_id_unwind(struct db_thread *t, struct db_stack_cache *sc,
					    struct sc_entry *e, uintptr_t cpc, uintptr_t csp,
					    int depth)
{
	uintptr_t pc[depth + DB_STACK_OWN_FRAMES], sp[depth + DB_STACK_OWN_FRAMES];
	int n;			/* small: the program's stack may be */
	bool with_sp;
	uint64_t id = unwind_alloc(depth, pc, sp, &with_sp, &n);

	if (!e)
		return id;
	if (sc->skip) {
		sc->skip--;
		return id;
	}
	/* n == depth may be truncated: only a request as deep uses it */
	sc_fill(t, e, pc, with_sp ? sp : NULL, n, cpc, csp, n == depth, id);
	return id;
}

/* The cache can serve a stack at (cpc, csp) on t's own stack; NULL: no. */
static inline struct db_stack_cache *sc_usable(struct db_thread *t, uintptr_t csp, int depth)
{
	if (depth > SC_FRAMES || db_in_dl || csp < t->stack_lo || csp >= t->stack_hi ||
	    (csp & 7))
		return NULL;
	struct db_stack_cache *sc = t->scache;
	if (DB_UNLIKELY(!sc)) {
		int e = errno;
		sc = t->scache = db_mem_alloc(sizeof(*sc));
		errno = e;
	}
	return sc;
}

static inline struct sc_entry *sc_slot(struct db_stack_cache *sc, uintptr_t cpc, uintptr_t csp)
{
	uint64_t h = (cpc ^ (csp * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;

	return &sc->e[h >> (64 - SC_BITS)];
}

/* Is e the stack at (cpc, csp), as the live stack shows it now, and as
 * deep as a request for depth frames wants? */
static inline bool sc_hit(const struct sc_entry *e, uintptr_t cpc, uintptr_t csp, int depth)
{
	if (!e->id || e->pc != cpc || e->sp != csp || e->n > (uint32_t)depth ||
	    (e->trunc && e->n != (uint32_t)depth))
		return false;
	/* every frame compared, four at a time, without a branch per frame:
	 * a stack that is cached is most often the one found */
	uintptr_t diff = 0;
#define SC_DIFF(i) (*(const uintptr_t *)(csp + e->off[i]) ^ e->ret[i])
	for (uint32_t i = 1, ncmp = sc_ncmp(e->n); i <= ncmp; i += 4)
		diff |= SC_DIFF(i) | SC_DIFF(i + 1) | SC_DIFF(i + 2) | SC_DIFF(i + 3);
#undef SC_DIFF
	return !diff;
}

uint64_t db_stack_alloc_id(struct db_thread *t, uintptr_t cpc, uintptr_t csp, int depth)
{
	if (depth > DB_MAX_FRAMES)
		depth = DB_MAX_FRAMES;
	struct db_stack_cache *sc = sc_usable(t, csp, depth);
	if (!sc)
		return alloc_id_unwind(t, NULL, NULL, cpc, csp, depth);
	struct sc_entry *e = sc_slot(sc, cpc, csp);
	sc->lookups++;
	if (sc_hit(e, cpc, csp, depth)) {
		sc->hits++;
		return e->id;
	}
	if (sc->lookups >= SC_PERIOD) {
		if (sc->hits < SC_PERIOD / 2)
			sc->skip = SC_SKIP;
		sc->lookups = sc->hits = 0;
	}
	return alloc_id_unwind(t, sc, e, cpc, csp, depth);
}

/* The stack of an access caught by a trap (race.c's handler, running on
 * the thread): frame 0 is ip, the interrupted instruction, the thread's
 * stack pointer sp.  Unwound from inside the handler, the handler's frames
 * and the signal frame skipped; cached as an allocation's stack is, by
 * (ip, sp): a site caught again from the same caller costs a compare per
 * frame instead of an unwind through the signal frame (6-8 us). */
static DB_NOINLINE uint64_t trap_id_unwind(struct db_thread *t, struct sc_entry *e, uintptr_t ip,
					   uintptr_t sp, uintptr_t bp, int depth)
{
	uintptr_t pc[DB_MAX_FRAMES + DB_STACK_OWN_FRAMES + 8];
	uintptr_t fsp[DB_MAX_FRAMES + DB_STACK_OWN_FRAMES + 8];
	bool trunc;
	/* from the interrupted instruction's registers, the handler's frames
	 * and the signal frame never walked */
	int n = db_cfi_backtrace(t, ip - 1, sp, bp, pc, fsp, depth + 2, &trunc), k = 0;

	if (n > 0) {
		pc[0] = ip;
		n = drop_own(pc, fsp, 1, n, depth, &trunc);
		uint64_t id = db_stack_put_quiet(pc, n, trunc ? DB_STACKF_TRUNCATED : 0);
		if (e)
			sc_fill(t, e, pc, fsp, n, ip, sp, trunc, id);
		return id;
	}
	n = db_stack_capture_fast(pc, depth + 8, &trunc);

	while (k < n && pc[k] != ip && pc[k] != ip - 1)
		k++;
	if (k == n) {		/* not found: ip alone */
		k = 0;
		n = 1;
		e = NULL;
	}
	pc[k] = ip;
	if (n - k > depth) {
		n = k + depth;
		trunc = true;
	}
	uint64_t id = db_stack_put_quiet(pc + k, n - k, trunc ? DB_STACKF_TRUNCATED : 0);
	if (e)
		sc_fill(t, e, pc + k, NULL, n - k, ip, sp, trunc, id);
	return id;
}

uint64_t db_stack_trap_id(struct db_thread *t, uintptr_t ip, uintptr_t sp, uintptr_t bp,
			  int depth)
{
	if (depth > DB_MAX_FRAMES)
		depth = DB_MAX_FRAMES;
	struct db_stack_cache *sc = sc_usable(t, sp, depth);
	struct sc_entry *e = sc ? sc_slot(sc, ip, sp) : NULL;
	if (e && sc_hit(e, ip, sp, depth))
		return e->id;
	return trap_id_unwind(t, e, ip, sp, bp, depth);
}

/* A full unwind f (db_stack_capture) of the stack at (cpc, csp) into e:
 * libunwind gave each frame's sp, and frame i's return address lies just
 * below it; cached only when every one is there. */
static void sc_fill_frames(struct db_thread *t, struct sc_entry *e, const struct db_frames *f,
			   uintptr_t cpc, uintptr_t csp)
{
	e->id = 0;
	if (f->n < 1 || f->n > SC_FRAMES || f->pc[0] != cpc || f->sp[0] != csp)
		return;
	for (int i = 1; i < f->n; i++) {
		uintptr_t slot = f->sp[i] - sizeof(uintptr_t);
		if (slot < csp || slot >= t->stack_hi || slot - csp > SC_MAX_LIVE ||
		    *(const uintptr_t *)slot != f->pc[i])
			return;
		e->off[i] = (uint32_t)(slot - csp);
		e->ret[i] = f->pc[i];
	}
	sc_keep(e, cpc, csp, f->n, f->truncated,
		db_stack_put_quiet(f->pc, f->n, f->truncated ? DB_STACKF_TRUNCATED : 0));
}

/* f as entry e (or a located stack's places) holds it: n frames from the
 * program's call at (cpc, csp), each frame's sp just above its return
 * address. */
static void sc_frames(struct db_frames *f, const struct sc_entry *e, uintptr_t cpc,
		      uintptr_t csp, int n, bool trunc)
{
	f->n = n;
	f->truncated = trunc;
	f->pc[0] = cpc;
	f->sp[0] = csp;
	for (int i = 1; i < n; i++) {
		f->pc[i] = e->ret[i];
		f->sp[i] = csp + e->off[i] + sizeof(uintptr_t);
	}
}

void db_stack_capture_at(struct db_thread *t, struct db_frames *f, int depth, uintptr_t cpc,
			 uintptr_t csp)
{
	if (depth > DB_MAX_FRAMES)
		depth = DB_MAX_FRAMES;
	struct db_stack_cache *sc = sc_usable(t, csp, depth);
	struct sc_entry *e = sc ? sc_slot(sc, cpc, csp) : NULL;

	if (e && sc_hit(e, cpc, csp, depth)) {
		sc_frames(f, e, cpc, csp, (int)e->n, e->trunc);
		return;
	}
	/* the pcs of the allocation path's capture (its frame shapes are
	 * cached; unw_step's cache holds 128, two sigprocmask calls a miss),
	 * the sps from where their return addresses lie */
	uintptr_t pc[depth + DB_STACK_OWN_FRAMES], fsp[depth + DB_STACK_OWN_FRAMES];
	struct sc_entry tmp;
	struct sc_entry *at = e ? e : &tmp;
	bool trunc, with_sp;
	int n = capture_fast_at(pc, fsp, &with_sp, depth, &trunc);
	if (n > 0 && n <= SC_FRAMES && pc[0] == cpc && csp >= t->stack_lo && csp < t->stack_hi &&
	    !(csp & 7) && (with_sp ? place(at, pc, fsp, n, csp, t->stack_hi) :
			   locate(at, pc, n, csp, t->stack_hi))) {
		sc_frames(f, at, cpc, csp, n, trunc);
		if (e)
			sc_keep(e, cpc, csp, n, trunc,
				db_stack_put_quiet(pc, n, trunc ? DB_STACKF_TRUNCATED : 0));
		return;
	}
	if (e)
		e->id = 0;
	db_stack_capture(f, depth);
	if (e)
		sc_fill_frames(t, e, f, cpc, csp);
}

void db_stack_thread_gone(struct db_thread *t)
{
	db_cfi_thread_gone(t);
	db_mem_free(t->scache, sizeof(*t->scache));
	t->scache = NULL;
}

/* ---- unwind tables registered with libunwind ------------------------------ */
/* One registration per executable segment of a module that has a binary
 * search table in its PT_GNU_EH_FRAME (what gcc and clang always emit);
 * modules without one are left to libunwind's own dl_iterate_phdr search. */

#define DB_MAX_UNW_MODULES	2048	/* modules looked at per sync; more: the
					 * rest stay with libunwind's own search */
#define DW_EH_PE_datarel_sdata4	0x3b

struct unw_reg {
	uintptr_t base, hdr, start;	/* identity: module bias, its eh_frame_hdr,
					 * the segment */
	bool live;
	unw_dyn_info_t di;
	struct unw_reg *next;
};

struct unw_seen {
	uintptr_t base, hdr, start, end;
	uintptr_t table;
	uint64_t nfde;
	const char *name;
};

static struct unw_reg *regs;		/* every registration ever made */
static struct unw_seen seen[DB_MAX_UNW_MODULES];
static int nseen;

/* Size of a DWARF pointer encoding's value; 0: not a fixed size. */
static int enc_size(uint8_t enc)
{
	switch (enc & 0x0f) {
	case 0x00: case 0x04: case 0x0c: return 8;	/* absptr, udata8, sdata8 */
	case 0x02: case 0x0a: return 2;
	case 0x03: case 0x0b: return 4;
	default: return 0;
	}
}

static int seen_one(struct dl_phdr_info *info, size_t size, void *data)
{
	const ElfW(Phdr) *eh = NULL;

	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_GNU_EH_FRAME)
			eh = &info->dlpi_phdr[i];
	if (!eh)
		return 0;
	const uint8_t *h = (const uint8_t *)(info->dlpi_addr + eh->p_vaddr);
	int ps = enc_size(h[1]), cs = enc_size(h[2]);
	/* version 1, a fixed-size eh_frame_ptr, an absolute fde_count, and the
	 * (datarel, sdata4) table libunwind's binary search reads */
	if (h[0] != 1 || h[1] == 0xff || !ps || !cs || (h[2] & 0x70) != 0 ||
	    h[3] != DW_EH_PE_datarel_sdata4)
		return 0;
	const uint8_t *q = h + 4 + ps;
	uint64_t nfde = 0;
	memcpy(&nfde, q, (size_t)cs);	/* little-endian: the low bytes */
	if (cs == 2 && (h[2] & 0x08))
		nfde = (uint64_t)(int64_t)(int16_t)nfde;
	for (int i = 0; i < info->dlpi_phnum && nseen < DB_MAX_UNW_MODULES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		struct unw_seen *s = &seen[nseen++];
		s->base = info->dlpi_addr;
		s->hdr = (uintptr_t)h;
		s->start = info->dlpi_addr + ph->p_vaddr;
		s->end = s->start + ph->p_memsz;
		s->table = (uintptr_t)(q + cs);
		s->nfde = nfde;
		s->name = info->dlpi_name;
	}
	return 0;
}

/* Called at init and after every dlopen/dlclose that went through the shims,
 * never from the allocation path (dl_iterate_phdr). */
void db_stack_modules_sync(void)
{
	bool gone = false;

	if (!db_log_loader_walkable())
		return;
	db_spin_lock(&mod_lock);
	nseen = 0;
	dl_iterate_phdr(seen_one, NULL);
	for (struct unw_reg *r = regs; r; r = r->next) {
		if (!r->live)
			continue;
		bool still = false;
		for (int i = 0; i < nseen && !still; i++)
			if (seen[i].base == r->base && seen[i].hdr == r->hdr &&
			    seen[i].start == r->start) {
				still = true;
				seen[i].base = seen[i].hdr = 0;	/* already registered */
			}
		if (!still) {
			_U_dyn_cancel(&r->di);
			__atomic_store_n(&r->live, false, __ATOMIC_RELEASE);
			gone = true;
		}
	}
	for (int i = 0; i < nseen; i++) {
		struct unw_seen *s = &seen[i];
		if (!s->hdr)
			continue;
		struct unw_reg *r = db_mem_alloc(sizeof(*r));
		if (!r)
			break;
		r->base = s->base;
		r->hdr = s->hdr;
		r->start = s->start;
		r->live = true;
		r->di.start_ip = s->start;
		r->di.end_ip = s->end;
		r->di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
		r->di.u.rti.name_ptr = (unw_word_t)(uintptr_t)s->name;
		r->di.u.rti.segbase = s->hdr;
		r->di.u.rti.table_data = s->table;
		/* in words: each entry is two int32 (start pc, FDE), datarel */
		r->di.u.rti.table_len = s->nfde * 8 / sizeof(unw_word_t);
		_U_dyn_register(&r->di);
		r->next = regs;
		__atomic_store_n(&regs, r, __ATOMIC_RELEASE);	/* read without the lock */
	}
	db_spin_unlock(&mod_lock);
	if (gone) {	/* a module went: frame shapes cached for its pcs are stale */
		if (atomic_load(&unw_state) == 2)
			unw_flush_cache(unw_local_addr_space, 0, 0);
		db_cfi_modules_changed();
	}
}

bool db_stack_fde_table(uintptr_t pc, uintptr_t *hdr, const int32_t **table, uint64_t *n)
{
	for (struct unw_reg *r = __atomic_load_n(&regs, __ATOMIC_ACQUIRE); r; r = r->next)
		if (__atomic_load_n(&r->live, __ATOMIC_ACQUIRE) && pc >= r->di.start_ip &&
		    pc < r->di.end_ip) {
			*hdr = (uintptr_t)r->di.u.rti.segbase;
			*table = (const int32_t *)(uintptr_t)r->di.u.rti.table_data;
			*n = r->di.u.rti.table_len * sizeof(unw_word_t) / 8;
			return true;
		}
	return false;
}

/* The stack of an acquisition made earlier by this same thread at pc, with
 * stack pointer sp: pc, then the frames of a stack captured later (f) that
 * are its callers, i.e. above sp.  Exact while the function that made the
 * acquisition is still active; flagged as spliced either way. */
uint64_t db_stack_splice(uintptr_t pc, uintptr_t sp, const struct db_frames *f)
{
	uintptr_t pcs[DB_MAX_FRAMES];
	int n = 0;

	pcs[n++] = pc;
	for (int k = 0; k < f->n && n < DB_MAX_FRAMES; k++)
		if (f->sp[k] > sp)
			pcs[n++] = f->pc[k];
	return db_stack_put(pcs, n, DB_STACKF_SPLICED);
}

/* Log every depot stack with a frame in [lo, hi) (a module being unloaded):
 * their pcs must be read against that module. */
void db_stack_log_range(uintptr_t lo, uintptr_t hi)
{
	uint64_t n = __atomic_load_n(&nstacks, __ATOMIC_ACQUIRE);

	for (uint64_t id = 1; id <= n; id++) {
		struct stack_node *st = __atomic_load_n(&by_id[id], __ATOMIC_ACQUIRE);
		if (!st)
			continue;
		for (uint32_t k = 0; k < st->n; k++) {
			if (st->pc[k] >= lo && st->pc[k] < hi) {
				db_stack_log(id);
				break;
			}
		}
	}
}

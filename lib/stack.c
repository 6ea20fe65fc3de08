/* stack.c - call stacks: capture with libunwind, and the stack depot that
 * turns a stack into a small id (one copy per unique stack).
 *
 * Capture happens only on slow paths (a new lock-order edge, a new thread).
 * The depot is an open-addressing table of node pointers: lookups read it
 * without a lock (acquire loads; nodes are immutable once published and
 * never freed); inserts take depot_lock.  Ids index by_id[] for logging.
 */
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <string.h>

#include "internal.h"

#define DB_STACK_SLOTS	(1u << 19)	/* depot hash slots (pointers) */
#define DB_MAX_STACKS	(DB_STACK_SLOTS / 2)	/* unique stacks kept; beyond:
						 * new stacks get id 0 */

struct stack_node {
	uint64_t hash;
	uint64_t id;
	atomic_uint logged_gen;
	uint32_t n, flags;
	uintptr_t pc[];
};

static _Atomic(struct stack_node *) *slots;
static struct stack_node **by_id;
static uint64_t nstacks;
static db_spin_t depot_lock;

void db_stack_init(void)
{
	if (!slots)
		slots = db_mem_map(DB_STACK_SLOTS * sizeof(*slots));
	if (!by_id)
		by_id = db_mem_map((DB_MAX_STACKS + 1) * sizeof(*by_id));
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
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

static uint64_t hash_stack(const uintptr_t *pc, int n, unsigned flags)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ flags ^ ((uint64_t)n << 32);

	for (int i = 0; i < n; i++)
		h = db_hash64(h ^ pc[i]);
	return h | 1;	/* never 0 */
}

static bool same(const struct stack_node *s, uint64_t h, const uintptr_t *pc,
		 int n, unsigned flags)
{
	return s->hash == h && s->n == (uint32_t)n && s->flags == flags &&
	       !memcmp(s->pc, pc, (size_t)n * sizeof(*pc));
}

uint64_t db_stack_put(const uintptr_t *pc, int n, unsigned flags)
{
	if (!slots || !by_id || n <= 0)
		return 0;
	uint64_t h = hash_stack(pc, n, flags);
	uint32_t mask = DB_STACK_SLOTS - 1, i = (uint32_t)h & mask;
	struct stack_node *s;

	for (;; i = (i + 1) & mask) {
		s = atomic_load_explicit(&slots[i], memory_order_acquire);
		if (!s)
			break;
		if (same(s, h, pc, n, flags))
			return s->id;
	}
	db_spin_lock(&depot_lock);
	for (;; i = (i + 1) & mask) {	/* continue where the unlocked probe stopped */
		s = atomic_load_explicit(&slots[i], memory_order_relaxed);
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
			s->id = id = ++nstacks;
			s->n = (uint32_t)n;
			s->flags = flags;
			memcpy(s->pc, pc, (size_t)n * sizeof(*pc));
			by_id[id] = s;
			atomic_store_explicit(&slots[i], s, memory_order_release);
		}
	}
	db_spin_unlock(&depot_lock);
	if (!id) {
		static atomic_int once;
		if (!atomic_exchange(&once, 1))
			db_note(DB_NOTE_WARN, "stack depot full (%u stacks): further stacks "
				"are not recorded; reports are partial", DB_MAX_STACKS);
	}
	return id;
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

void db_stack_atfork_prepare(void)
{
	db_spin_lock(&depot_lock);
}

void db_stack_atfork_parent(void)
{
	db_spin_unlock(&depot_lock);
}

void db_stack_atfork_child(void)
{
	db_spin_unlock(&depot_lock);
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

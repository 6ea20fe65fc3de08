/* lockgraph.c - lock identities, the lock-order graph, cycle search.
 *
 * Lock identity = address + generation: the lock table maps an address to
 * a slot; each identity gets a uid that is never reused.  init, destroy and
 * free() of the memory holding a lock end the identity (its edges go with
 * it), so a reused address never aliases an old lock.  Statically
 * initialised locks get an identity at first use.
 *
 * Fast path (lockgraph.h: db_lock_prepare/commit, db_lock_release_begin/end):
 * a table probe without locks and the thread's own held stack.  A held-lock
 * chain (the held uids in order, plus the lock being taken) that this
 * thread already validated is found in its chain cache: nothing else to do.
 * A new chain goes to validate(): under graph_lock, an edge from every held
 * lock to the new one; a new edge gets stacks (the current one; the first
 * lock's is spliced from the pc/sp kept at its acquisition) and a cycle
 * search.
 *
 * Locks: table_lock guards slot insertion and removal, table growth and
 * the node free list (readers probe without it: see lockgraph.h).  graph_lock guards
 * everything about edges, classes and the report set; it is taken before
 * table_lock, never after.  A slot's uid is set to 0 under graph_lock when
 * its identity ends, so validate() can tell a stale held entry.
 *
 * Never called with the program's locks in mind: nothing here blocks on a
 * program lock or calls program code.
 */
#include <errno.h>
#include <string.h>

#include "db_uthash.h"
#include "lockgraph.h"

#define DB_MAX_EDGES	(1u << 19)	/* lock-order edges kept at once */
#define DB_MAX_GATES	6		/* locks held before `from` remembered per
					 * edge, for gate-lock suppression */
#define DB_MAX_CYCLE	32		/* longest cycle reported */

struct db_class {
	uintptr_t key;		/* init site pc, or the address of a static lock */
	struct gnode g;
	uintptr_t rep_addr;	/* a lock of the class, for the report */
	uint8_t kind, site;
	uintptr_t site_pc;
	atomic_uint logged_gen;
	UT_hash_handle hh;
};

struct edge_key { uint64_t from, to; };

struct db_edge {
	struct edge_key key;
	struct gnode *from, *to;
	struct db_edge *out_next, *out_prev, *in_next, *in_prev;
	uint64_t id;
	uint64_t to_stack, from_stack;
	uint32_t tid;
	uint8_t from_modes, to_modes;	/* DB_MODE_* bits seen */
	uint8_t ngates;
	uint64_t gates[DB_MAX_GATES];	/* ids held before `from`, in every sighting */
	atomic_uint logged_gen;
	UT_hash_handle hh;
};

struct reported {
	uint64_t key;
	UT_hash_handle hh;
};

/* The first table is static: the fast path never finds a NULL table. */
static struct {
	struct db_lock_table t;
	struct db_lock_slot s[DB_LOCK_MIN_SLOTS];
} first_table = { .t = { .mask = DB_LOCK_MIN_SLOTS - 1 } };
struct db_lock_table *_Atomic db_lock_tab = &first_table.t;
static db_spin_t table_lock;
static struct db_lock *free_nodes;	/* under table_lock */
_Atomic uint32_t *db_lock_pages;	/* LOCKPAGES counters, mapped at start-up */
static atomic_uint_fast64_t next_uid = 1;

static db_spin_t graph_lock;
static struct db_edge *edges;		/* all edges, by (from, to) */
static unsigned nedges;
static uint64_t next_edge_id = 1;
static struct db_class *classes;
static struct reported *reported;
static uint32_t search_epoch;
static atomic_ulong ncycles;

unsigned long db_lockgraph_cycles(void)
{
	return atomic_load(&ncycles);
}

void db_lockgraph_init(void)
{
	if (!db_lock_pages)
		db_lock_pages = db_mem_map(LOCKPAGES * sizeof(*db_lock_pages));
	if (!db_lock_pages) {
		db_warn("cannot map the lock table; lock-order analysis is off");
		db_opt.lock_order = 0;
	}
}

/* Pages fold onto the counters (db_fold): the frees of nearby blocks
 * (each looks here) read one cache line of them, not a line each. */
static inline uint32_t page_of(uintptr_t addr)
{
	return db_fold(addr >> 12, DB_LOCK_PAGES_BITS);
}

/* Double the table (caller holds table_lock); false when it cannot grow. */
static bool table_grow(void)
{
	struct db_lock_table *old = atomic_load_explicit(&db_lock_tab, memory_order_relaxed);
	uint32_t n = (old->mask + 1) * 2;

	if (n > DB_LOCK_MAX_SLOTS)
		return false;
	struct db_lock_table *tb = db_mem_map(sizeof(*tb) + n * sizeof(tb->s[0]));
	if (!tb)
		return false;
	tb->mask = n - 1;
	for (uint32_t j = 0; j <= old->mask; j++) {
		uintptr_t k = atomic_load_explicit(&old->s[j].addr, memory_order_relaxed);
		if (k == SLOT_EMPTY || k == SLOT_TOMB)
			continue;
		uint32_t i = db_lock_hash(k) & tb->mask;
		while (atomic_load_explicit(&tb->s[i].addr, memory_order_relaxed) != SLOT_EMPTY)
			i = (i + 1) & tb->mask;
		atomic_store_explicit(&tb->s[i].lk, atomic_load(&old->s[j].lk), memory_order_relaxed);
		atomic_store_explicit(&tb->s[i].addr, k, memory_order_relaxed);
		tb->used++;
	}
	/* readers still in the old table find what they found before */
	atomic_store_explicit(&db_lock_tab, tb, memory_order_release);
	return true;
}

struct db_lock *db_lock_insert(uintptr_t addr, unsigned kind, unsigned site, uintptr_t pc)
{
	struct db_lock_slot *tomb = NULL, *slot = NULL;
	struct db_lock *lk = NULL;
	struct db_lock_table *tb;
	uint32_t i;

	db_spin_lock(&table_lock);
	tb = atomic_load_explicit(&db_lock_tab, memory_order_relaxed);
	for (i = db_lock_hash(addr) & tb->mask;; i = (i + 1) & tb->mask) {
		uintptr_t k = atomic_load_explicit(&tb->s[i].addr, memory_order_relaxed);
		if (k == addr) {		/* another thread was first */
			lk = atomic_load_explicit(&tb->s[i].lk, memory_order_relaxed);
			db_spin_unlock(&table_lock);
			return lk;
		}
		if (k == SLOT_TOMB && !tomb)
			tomb = &tb->s[i];
		if (k == SLOT_EMPTY)
			break;
	}
	if (tomb) {
		slot = tomb;
	} else if (tb->used + 1 <= (tb->mask + 1) / 2 || table_grow()) {
		tb = atomic_load_explicit(&db_lock_tab, memory_order_relaxed);
		for (i = db_lock_hash(addr) & tb->mask;
		     atomic_load_explicit(&tb->s[i].addr, memory_order_relaxed) > SLOT_TOMB;
		     i = (i + 1) & tb->mask)
			;
		slot = &tb->s[i];
		if (atomic_load_explicit(&slot->addr, memory_order_relaxed) == SLOT_EMPTY)
			tb->used++;
	}
	if (slot) {
		lk = free_nodes;
		if (lk)
			free_nodes = lk->next_free;
		else
			lk = db_mem_alloc(sizeof(*lk));
	}
	if (lk) {
		lk->kind = (uint8_t)kind;
		lk->site = (uint8_t)site;
		lk->site_pc = pc;
		lk->cls = NULL;
		lk->next_free = NULL;
		atomic_store(&lk->logged_gen, 0);
		memset(&lk->g, 0, sizeof(lk->g));
		for (int i = 0; i < DB_REL_SLOTS; i++) {
			atomic_store_explicit(&lk->rel[i].rel, 0, memory_order_relaxed);
			atomic_store_explicit(&lk->rel[i].kv, 0, memory_order_relaxed);
		}
		atomic_store_explicit(&lk->spilled, false, memory_order_relaxed);
		atomic_store_explicit(&lk->sole, DB_SOLE_NONE, memory_order_relaxed);
		/* never back: a thread's rel_seen may name this node's last identity */
		atomic_fetch_add_explicit(&lk->relgen, 1, memory_order_relaxed);
		uint64_t uid = atomic_fetch_add(&next_uid, 1);
		lk->g.id = uid;
		atomic_store_explicit(&lk->uid, uid, memory_order_relaxed);
		atomic_store_explicit(&lk->addr, addr, memory_order_relaxed);
		atomic_fetch_add_explicit(&db_lock_pages[page_of(addr)], 1, memory_order_relaxed);
		/* node first, then the key: a reader that sees the key sees the node */
		atomic_store_explicit(&slot->lk, lk, memory_order_release);
		atomic_store_explicit(&slot->addr, addr, memory_order_release);
	}
	db_spin_unlock(&table_lock);
	if (!lk) {
		static atomic_int once;
		if (!atomic_exchange(&once, 1))
			db_note(DB_NOTE_WARN, "lock table full (%u slots): further locks are "
				"not tracked; results are partial", DB_LOCK_MAX_SLOTS);
	}
	return lk;
}

/* Bytes a lock of this kind occupies (custom locks: a word at least). */
size_t db_lock_size(unsigned kind)
{
	switch (kind) {
	case DB_LOCK_MUTEX:	return sizeof(pthread_mutex_t);
	case DB_LOCK_RWLOCK:	return sizeof(pthread_rwlock_t);
	case DB_LOCK_SPIN:	return sizeof(pthread_spinlock_t);
	default:		return sizeof(long);
	}
}

/* Does a known lock overlap [a, a + n)?  Locks are at least 4-aligned and
 * at most sizeof(pthread_rwlock_t) long; pages without locks answer at once. */
bool db_lock_overlaps(uintptr_t a, size_t n)
{
	uintptr_t lo = (a - sizeof(pthread_rwlock_t) + 1) & ~(uintptr_t)3;

	if (!db_lock_pages || (!atomic_load_explicit(&db_lock_pages[page_of(lo)], memory_order_relaxed) &&
			   !atomic_load_explicit(&db_lock_pages[page_of(a + n - 1)], memory_order_relaxed)))
		return false;
	for (uintptr_t x = lo; x < a + n; x += 4) {
		struct db_lock *lk = db_lock_find(x);
		if (lk && x + db_lock_size(lk->kind) > a)
			return true;
	}
	return false;
}

/* ---- edges ---------------------------------------------------------------- */

static void edge_unlink_free(struct db_edge *e)
{
	if (e->out_prev)
		e->out_prev->out_next = e->out_next;
	else
		e->from->out = e->out_next;
	if (e->out_next)
		e->out_next->out_prev = e->out_prev;
	if (e->in_prev)
		e->in_prev->in_next = e->in_next;
	else
		e->to->in = e->in_next;
	if (e->in_next)
		e->in_next->in_prev = e->in_prev;
	HASH_DEL(edges, e);
	nedges--;
	db_mem_free(e, sizeof(*e));
}

static struct db_edge *edge_find(struct gnode *a, struct gnode *b)
{
	struct edge_key k = { a->id, b->id };
	struct db_edge *e;

	HASH_FIND(hh, edges, &k, sizeof(k), e);
	return e;
}

static struct db_edge *edge_new(struct gnode *a, struct gnode *b)
{
	if (nedges >= DB_MAX_EDGES) {
		static bool said;
		if (!said) {
			said = true;
			db_note(DB_NOTE_WARN, "lock-order graph full (%u edges): new lock "
				"orders are not checked; results are partial", DB_MAX_EDGES);
		}
		return NULL;
	}
	struct db_edge *e = db_mem_alloc(sizeof(*e));
	if (!e)
		return NULL;
	e->key.from = a->id;
	e->key.to = b->id;
	e->from = a;
	e->to = b;
	e->id = next_edge_id++;
	e->out_next = a->out;
	if (a->out)
		a->out->out_prev = e;
	a->out = e;
	e->in_next = b->in;
	if (b->in)
		b->in->in_prev = e;
	b->in = e;
	HASH_ADD(hh, edges, key, sizeof(e->key), e);
	if (!e->hh.tbl) {	/* uthash could not allocate: undo */
		e->in_next = e->out_next = NULL;
		db_mem_free(e, sizeof(*e));
		return NULL;
	}
	nedges++;
	return e;
}

/* End a lock identity: its edges, its uid, then its slot. */
static void lock_kill(struct db_lock *lk, uintptr_t addr)
{
	db_spin_lock(&graph_lock);
	while (lk->g.out)
		edge_unlink_free(lk->g.out);
	while (lk->g.in)
		edge_unlink_free(lk->g.in);
	atomic_store_explicit(&lk->uid, 0, memory_order_relaxed);
	db_spin_lock(&table_lock);
	struct db_lock_table *tb = atomic_load_explicit(&db_lock_tab, memory_order_relaxed);
	uint32_t i = db_lock_hash(addr) & tb->mask;
	uintptr_t k;
	while ((k = atomic_load_explicit(&tb->s[i].addr, memory_order_relaxed)) != SLOT_EMPTY &&
	       !(k == addr && atomic_load_explicit(&tb->s[i].lk, memory_order_relaxed) == lk))
		i = (i + 1) & tb->mask;
	if (k == addr && atomic_load_explicit(&lk->addr, memory_order_relaxed) == addr) {
		uint32_t next = (i + 1) & tb->mask;
		/* a slot before an empty one can be empty too: no probe for
		 * another key passes it.  Keeps tombstones from piling up. */
		if (atomic_load_explicit(&tb->s[next].addr, memory_order_relaxed) == SLOT_EMPTY) {
			atomic_store_explicit(&tb->s[i].addr, SLOT_EMPTY, memory_order_release);
			tb->used--;
			for (i = (i - 1) & tb->mask;
			     atomic_load_explicit(&tb->s[i].addr, memory_order_relaxed) == SLOT_TOMB;
			     i = (i - 1) & tb->mask) {
				atomic_store_explicit(&tb->s[i].addr, SLOT_EMPTY, memory_order_release);
				tb->used--;
			}
		} else {
			atomic_store_explicit(&tb->s[i].addr, SLOT_TOMB, memory_order_release);
		}
		atomic_fetch_sub_explicit(&db_lock_pages[page_of(addr)], 1, memory_order_relaxed);
		atomic_store_explicit(&lk->addr, 0, memory_order_relaxed);
		lk->next_free = free_nodes;
		free_nodes = lk;
	}
	db_spin_unlock(&table_lock);
	db_spin_unlock(&graph_lock);
}

void db_lock_created(struct db_thread *t, void *addr, unsigned kind, uintptr_t pc)
{
	(void)t;
	if (!db_opt.lock_order)
		return;
	struct db_lock *lk = db_lock_find((uintptr_t)addr);
	if (lk)		/* re-initialised without destroy: a new identity */
		lock_kill(lk, (uintptr_t)addr);
	db_lock_insert((uintptr_t)addr, kind, DB_SITE_INIT, pc);
}

void db_lock_destroyed(struct db_thread *t, void *addr)
{
	(void)t;
	if (!db_opt.lock_order)
		return;
	struct db_lock *lk = db_lock_find((uintptr_t)addr);
	if (lk)
		lock_kill(lk, (uintptr_t)addr);
}

void db_lock_forget_range(uintptr_t p, size_t n, bool mapped)
{
	if (!db_lock_pages || !n)
		return;
	uintptr_t end = p + n;
	for (uintptr_t pg = p & ~(uintptr_t)4095; pg < end; pg += 4096) {
		if (!atomic_load_explicit(&db_lock_pages[page_of(pg)], memory_order_relaxed))
			continue;
		uintptr_t a = pg > p ? pg : p, e = pg + 4096 < end ? pg + 4096 : end;
		/* pthread_spinlock_t is an int: 4-byte steps find every lock */
		for (a = (a + 3) & ~(uintptr_t)3; a < e; a += 4) {
			struct db_lock *lk = db_lock_find(a);
			if (!lk)
				continue;
			struct db_thread *t = db_self;
			int err = errno;	/* free() keeps it */
			if (t && t != DB_THREAD_DEAD && db_opt.misuse)
				db_check_lock_gone(t, a, lk->kind, DB_MISUSE_FREE_LOCKED, mapped);
			lock_kill(lk, a);
			errno = err;
		}
	}
}

/* ---- classes -------------------------------------------------------------- */

static struct db_class *class_of(struct db_lock *lk, uintptr_t addr)
{
	if (lk->cls)
		return lk->cls;
	uintptr_t key = lk->site == DB_SITE_INIT ? lk->site_pc : addr;
	struct db_class *c;
	HASH_FIND(hh, classes, &key, sizeof(key), c);
	if (!c) {
		c = db_mem_alloc(sizeof(*c));
		if (!c)
			return NULL;
		c->key = key;
		c->g.id = atomic_fetch_add(&next_uid, 1);
		c->g.is_class = 1;
		c->rep_addr = addr;
		c->kind = lk->kind;
		c->site = lk->site;
		c->site_pc = lk->site_pc;
		HASH_ADD(hh, classes, key, sizeof(c->key), c);
		if (!c->hh.tbl) {
			db_mem_free(c, sizeof(*c));
			return NULL;
		}
	}
	lk->cls = c;
	return c;
}

/* ---- reporting a cycle ---------------------------------------------------- */

static struct db_lock *lock_of(struct gnode *g)
{
	return (struct db_lock *)((char *)g - offsetof(struct db_lock, g));
}

static struct db_class *class_of_node(struct gnode *g)
{
	return (struct db_class *)((char *)g - offsetof(struct db_class, g));
}

static void log_node(struct gnode *g)
{
	struct db_rec_lock r = { .h = { DB_REC_LOCK, sizeof(r) }, .uid = g->id, .class_id = 0 };
	atomic_uint *gen;
	uintptr_t pc;

	if (g->is_class) {
		struct db_class *c = class_of_node(g);
		r.addr = c->rep_addr;
		r.kind = c->kind;
		r.site = c->site;
		r.class_id = g->id;
		pc = c->site_pc;
		gen = &c->logged_gen;
	} else {
		struct db_lock *lk = lock_of(g);
		r.addr = atomic_load_explicit(&lk->addr, memory_order_relaxed);
		r.kind = lk->kind;
		r.site = lk->site;
		r.class_id = lk->cls ? lk->cls->g.id : 0;
		pc = lk->site_pc;
		gen = &lk->logged_gen;
	}
	r.site_stack = pc ? db_stack_put(&pc, 1, 0) : 0;
	db_stack_log(r.site_stack);
	db_log_write_once(gen, &r);
}

static void log_edge(struct db_edge *e)
{
	struct db_rec_edge r = {
		.h = { DB_REC_EDGE, sizeof(r) },
		.id = e->id, .from = e->from->id, .to = e->to->id,
		.to_stack = e->to_stack, .from_stack = e->from_stack,
		.tid = e->tid,
		.from_mode = e->from_modes & DB_MODE_WRITE ? DB_MODE_WRITE : DB_MODE_READ,
		.to_mode = e->to_modes & DB_MODE_WRITE ? DB_MODE_WRITE : DB_MODE_READ,
		.flags = e->from->is_class ? DB_EDGEF_CLASS : 0,
	};
	db_stack_log(e->to_stack);
	db_stack_log(e->from_stack);
	db_log_write_once(&e->logged_gen, &r);
}

void db_lock_held_overflow(void)
{
	static atomic_int once;

	if (!atomic_exchange(&once, 1))
		db_note(DB_NOTE_WARN, "a thread holds more than %d locks at once: the locks "
			"beyond are not checked for lock order; results are partial", DB_MAX_HELD);
}

uint64_t db_lock_log_addr(uintptr_t addr)
{
	struct db_lock *lk = db_lock_find(addr);
	uint64_t uid;

	if (!lk)
		return 0;
	db_spin_lock(&graph_lock);
	uid = atomic_load_explicit(&lk->uid, memory_order_relaxed);
	if (uid)
		log_node(&lk->g);
	db_spin_unlock(&graph_lock);
	return uid;
}

/* The key of a ring of ids: rotated to start at the smallest, hashed, so
 * the same cycle found from any of its edges has the same key. */
static uint64_t ring_key(const uint64_t *ids, int n)
{
	int m = 0;
	uint64_t h = (uint64_t)n;

	for (int k = 1; k < n; k++)
		if (ids[k] < ids[m])
			m = k;
	for (int k = 0; k < n; k++)
		h = db_hash64(h ^ ids[(m + k) % n]);
	return h;
}

/* Cycle e[0..n-1] with e[k]: L_k -> L_k+1, keyed by its locks. */
static uint64_t cycle_key(struct db_edge **e, int n)
{
	uint64_t ids[DB_MAX_CYCLE];

	for (int k = 0; k < n; k++)
		ids[k] = e[k]->from->id;
	return ring_key(ids, n);
}

static bool cycle_suppressed(struct db_edge **e, int n)
{
	/* gate: one lock, not in the cycle, held before `from` at every edge */
	for (int g = 0; g < e[0]->ngates; g++) {
		uint64_t gate = e[0]->gates[g];
		bool all = true;
		for (int k = 0; k < n && all; k++) {
			bool in = e[k]->from->id == gate;
			for (int j = 0; j < e[k]->ngates && !in; j++)
				in = e[k]->gates[j] == gate;
			all = in && e[k]->from->id != gate;
		}
		if (all)
			return true;
	}
	/* a lock that is only ever read-held by one side and read-acquired by
	 * the other cannot block: no deadlock through it */
	for (int k = 0; k < n; k++) {
		struct db_edge *in = e[(k + n - 1) % n], *out = e[k];
		if (!(in->to_modes & DB_MODE_WRITE) && !(out->from_modes & DB_MODE_WRITE))
			return true;
	}
	return false;
}

static void report_cycle(struct db_edge **e, int n)
{
	struct reported *r;
	uint64_t key = cycle_key(e, n);

	HASH_FIND(hh, reported, &key, sizeof(key), r);
	if (r)
		return;
	r = db_mem_alloc(sizeof(*r));
	if (r) {
		r->key = key;
		HASH_ADD(hh, reported, key, sizeof(r->key), r);
	}
	/* rotate so the smallest id comes first, as logfmt.h promises */
	int m = 0;
	for (int k = 1; k < n; k++)
		if (e[k]->from->id < e[m]->from->id)
			m = k;
	struct {
		struct db_rec_cycle r;
		uint64_t edge[DB_MAX_CYCLE];
	} rec;
	memset(&rec.r, 0, sizeof(rec.r));
	for (int k = 0; k < n; k++) {
		struct db_edge *x = e[(m + k) % n];
		log_node(x->from);
		log_edge(x);
		rec.edge[k] = x->id;
	}
	rec.r.h.type = DB_REC_CYCLE;
	rec.r.h.size = (uint32_t)(sizeof(rec.r) + (size_t)n * sizeof(uint64_t));
	rec.r.nedges = (uint32_t)n;
	rec.r.flags = e[0]->from->is_class ? DB_EDGEF_CLASS : 0;
	db_log_write(&rec);
	atomic_fetch_add(&ncycles, 1);
	if (db_opt.verbosity >= 2)
		db_warn("lock-order inversion: cycle of %d %s", n,
			e[0]->from->is_class ? "lock classes" : "locks");
	/* the class cycle under a reported lock cycle says nothing new */
	if (!e[0]->from->is_class && db_opt.lock_classes) {
		uint64_t ids[DB_MAX_CYCLE];
		for (int k = 0; k < n; k++) {
			struct db_class *cl = lock_of(e[k]->from)->cls;
			if (!cl)
				return;
			ids[k] = cl->g.id;
		}
		uint64_t h = ring_key(ids, n);
		HASH_FIND(hh, reported, &h, sizeof(h), r);
		if (!r && (r = db_mem_alloc(sizeof(*r)))) {
			r->key = h;
			HASH_ADD(hh, reported, key, sizeof(r->key), r);
		}
	}
}

/* Search for paths back from the new edge's target to its source.  First a
 * plain reachability search (each node once); only when a cycle exists and
 * the first one found is suppressed (gated, read-only), a bounded search of
 * other simple paths for one that is not. */
static void check_cycle(struct db_edge *ne)
{
	struct gnode *src = ne->from, *dst = ne->to;
	struct gnode *stack[256];
	long budget = db_opt.max_search;
	int sp = 0;

	if (++search_epoch == 0)
		search_epoch = 1;
	dst->mark = search_epoch;
	dst->via = NULL;
	stack[sp++] = dst;
	bool found = false, gave_up = false;
	while (sp && !found) {
		struct gnode *g = stack[--sp];
		for (struct db_edge *e = g->out; e; e = e->out_next) {
			if (e->to->mark == search_epoch)
				continue;
			if (--budget < 0 || sp == (int)DB_ARRAY_SIZE(stack)) {
				gave_up = true;
				break;
			}
			e->to->mark = search_epoch;
			e->to->via = e;
			if (e->to == src) {
				found = true;
				break;
			}
			stack[sp++] = e->to;
		}
		if (gave_up)
			break;
	}
	if (gave_up) {
		static bool said;
		if (!said) {
			said = true;
			db_note(DB_NOTE_WARN, "cycle search gave up after %ld nodes "
				"(max_search); some lock-order cycles may be missed",
				(long)db_opt.max_search);
		}
	}
	if (!found)
		return;

	struct db_edge *cyc[DB_MAX_CYCLE];
	int n = 0;
	cyc[n++] = ne;
	struct db_edge *path[DB_MAX_CYCLE];
	int np = 0;
	for (struct gnode *g = src; g != dst && np < DB_MAX_CYCLE - 1; g = g->via->from)
		path[np++] = g->via;
	if (np >= DB_MAX_CYCLE - 1)
		return;
	while (np)
		cyc[n++] = path[--np];
	if (!cycle_suppressed(cyc, n)) {
		report_cycle(cyc, n);
		return;
	}

	/* bounded depth-first enumeration of simple paths dst -> src */
	struct db_edge *it[DB_MAX_CYCLE];
	struct gnode *on[DB_MAX_CYCLE];
	budget = db_opt.max_search;
	if (++search_epoch == 0)
		search_epoch = 1;
	int d = 0;
	on[0] = dst;
	dst->mark = search_epoch;
	it[0] = dst->out;
	cyc[0] = ne;
	while (d >= 0 && --budget > 0) {
		struct db_edge *e = it[d];
		if (!e) {		/* done with this node: pop */
			on[d]->mark = 0;
			d--;
			if (d >= 0)
				it[d] = it[d]->out_next;
			continue;
		}
		cyc[d + 1] = e;
		if (e->to == src) {
			if (!cycle_suppressed(cyc, d + 2)) {
				report_cycle(cyc, d + 2);
				return;
			}
			it[d] = e->out_next;
			continue;
		}
		if (e->to->mark == search_epoch || d + 2 >= DB_MAX_CYCLE) {
			it[d] = e->out_next;
			continue;
		}
		d++;
		on[d] = e->to;
		e->to->mark = search_epoch;
		it[d] = e->to->out;
	}
}

/* ---- validating a new held-lock chain ------------------------------------- */

/* Add or update a -> b as seen now; run the cycle search when it is new or
 * when it changed in a way that can unsuppress a cycle. */
static void add_edge(struct db_thread *t, struct gnode *a, struct gnode *b,
		     const struct db_held *h, const struct db_held *to,
		     const uint64_t *gates, int ngates, struct db_frames *fr, bool *captured)
{
	struct db_edge *e = edge_find(a, b);
	bool check = false;

	if (!e) {
		if (!*captured) {
			db_stack_capture_at(t, fr, (int)db_opt.stack_depth, to->pc, to->sp);
			*captured = true;
		}
		e = edge_new(a, b);
		if (!e)
			return;
		e->tid = t->tid;
		e->from_modes = (uint8_t)h->mode;
		e->to_modes = (uint8_t)to->mode;
		e->ngates = (uint8_t)ngates;
		memcpy(e->gates, gates, (size_t)ngates * sizeof(*gates));
		e->to_stack = db_stack_put(fr->pc, fr->n, fr->truncated ? DB_STACKF_TRUNCATED : 0);
		e->from_stack = db_stack_splice(h->pc, h->sp, fr);
		check = true;
	} else {
		if ((e->from_modes | h->mode) != e->from_modes ||
		    (e->to_modes | to->mode) != e->to_modes)
			check = true;
		e->from_modes |= (uint8_t)h->mode;
		e->to_modes |= (uint8_t)to->mode;
		/* keep only gates held in this sighting too */
		int k = 0;
		for (int j = 0; j < e->ngates; j++) {
			bool in = false;
			for (int i = 0; i < ngates && !in; i++)
				in = gates[i] == e->gates[j];
			if (in)
				e->gates[k++] = e->gates[j];
		}
		if (k != e->ngates)
			check = true;
		e->ngates = (uint8_t)k;
	}
	if (check)
		check_cycle(e);
}

/* Would validating held[0..n-1] -> held[n] add an edge (and so need the
 * stack)?  Under graph_lock. */
static bool edge_missing(struct db_thread *t, int n)
{
	const struct db_held *b = &t->held[n];
	struct db_class *cb = db_opt.lock_classes ? class_of(b->lk, b->addr) : NULL;

	for (int i = 0; i < n; i++) {
		struct db_held *h = &t->held[i];
		if (!h->lk || h->uid == 0 ||
		    atomic_load_explicit(&h->lk->uid, memory_order_relaxed) != h->uid)
			continue;
		struct db_class *ca = cb ? class_of(h->lk, h->addr) : NULL;
		if (!edge_find(&h->lk->g, &b->lk->g) ||
		    (ca && ca != cb && !edge_find(&ca->g, &cb->g)))
			return true;
	}
	return false;
}

void db_lock_validate(struct db_thread *t, int n)
{
	const struct db_held *b = &t->held[n];
	struct db_frames fr;
	bool captured = false;
	uint64_t gates[DB_MAX_GATES], cgates[DB_MAX_GATES];
	int ngates = 0, ncgates = 0;
	struct db_class *cb = NULL;

	/* A new edge needs the stack, an unwind of a few microseconds (more
	 * where libunwind's per-thread cache of 128 frames thrashes): taken
	 * before graph_lock, not with every other thread's validation waiting
	 * on it.  The edges may change in between: at worst the stack is not
	 * used, or add_edge takes it under the lock after all. */
	db_spin_lock(&graph_lock);
	bool need = atomic_load_explicit(&b->lk->uid, memory_order_relaxed) == b->uid &&
		    edge_missing(t, n);
	db_spin_unlock(&graph_lock);
	if (need) {
		db_stack_capture_at(t, &fr, (int)db_opt.stack_depth, b->pc, b->sp);
		captured = true;
	}
	db_spin_lock(&graph_lock);
	if (atomic_load_explicit(&b->lk->uid, memory_order_relaxed) != b->uid)
		goto out;
	/* a relock of a mutex the fast path did not look for (lockgraph.h):
	 * it fails or deadlocks (waitfor.c), it orders nothing */
	if (db_lock_held(t, b->addr))
		goto out;
	if (db_opt.lock_classes)
		cb = class_of(b->lk, b->addr);
	for (int i = 0; i < n; i++) {
		struct db_held *h = &t->held[i];
		if (!h->lk || h->uid == 0 ||
		    atomic_load_explicit(&h->lk->uid, memory_order_relaxed) != h->uid)
			continue;	/* its identity ended while held */
		add_edge(t, &h->lk->g, &b->lk->g, h, b, gates, ngates, &fr, &captured);
		struct db_class *ca = cb ? class_of(h->lk, h->addr) : NULL;
		if (ca && ca != cb)
			add_edge(t, &ca->g, &cb->g, h, b, cgates, ncgates, &fr, &captured);
		/* a gate excludes: only a lock held for writing (readers share) */
		if (h->mode != DB_MODE_WRITE)
			continue;
		if (ngates < DB_MAX_GATES)
			gates[ngates++] = h->uid;
		if (ca && ncgates < DB_MAX_GATES)
			cgates[ncgates++] = ca->g.id;
	}
out:
	db_spin_unlock(&graph_lock);
}

int db_lock_prepare_again(struct db_thread *t, uintptr_t addr, unsigned kind, uint32_t mode,
			  uintptr_t pc, uintptr_t sp, bool try)
{
	return db_lock_prepare(t, addr, kind, mode, pc, sp, try ? DB_PREP_TRY : 0);
}

/* ---- fork ----------------------------------------------------------------- */

void db_lockgraph_atfork_prepare(void)
{
	db_spin_lock(&graph_lock);
	db_spin_lock(&table_lock);
}

void db_lockgraph_atfork_parent(void)
{
	db_spin_unlock(&table_lock);
	db_spin_unlock(&graph_lock);
}

void db_lockgraph_atfork_child(void)
{
	db_spin_unlock(&table_lock);
	db_spin_unlock(&graph_lock);
}

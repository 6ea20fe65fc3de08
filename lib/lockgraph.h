/* lockgraph.h - the lock-order fast path, inlined into the shims.
 *
 * What runs on every lock operation lives here: a probe of the lock table
 * (no lock: keys are published with release stores), the thread's held
 * stack and its cache of validated chains.  Everything else (a new lock, a
 * new chain) goes to lockgraph.c.  See lockgraph.c for the invariants.
 */
#ifndef DEADBOLT_LOCKGRAPH_H
#define DEADBOLT_LOCKGRAPH_H

#include "internal.h"

#define DB_LOCK_MIN_SLOTS	(1u << 12)	/* first lock table: 64 KiB */
#define DB_LOCK_MAX_SLOTS	(1u << 22)	/* largest: live locks up to half */
#define LOCKPAGES	(1u << DB_LOCK_PAGES_BITS)	/* counting filter: pages that hold locks */

#define SLOT_EMPTY	((uintptr_t)0)
#define SLOT_TOMB	((uintptr_t)1)

struct db_edge;

struct gnode {			/* a node of a lock-order graph */
	struct db_edge *out, *in;
	uint64_t id;		/* lock uid or class id */
	uint32_t mark;		/* search epoch */
	uint8_t is_class;
	struct db_edge *via;	/* search: the edge that reached this node */
};

struct db_class;

/* A release a lock keeps for happens-before (clock.c): rel = epoch << 8 |
 * component (0: none), kv = the releaser's knowledge version; in the slot
 * of the component modulo DB_REL_SLOTS. */
#define DB_REL_SLOTS	4

struct db_rel {
	_Atomic uint64_t rel, kv;
};

/* db_lock.sole: no release yet, or releases by several components */
#define DB_SOLE_NONE	0xffffu
#define DB_SOLE_MANY	0xfffeu

/* A lock identity.  Nodes are allocated once and recycled (never unmapped),
 * so a stale pointer read without locks can be checked: addr must still be
 * the address looked up, and a held entry's uid must still match. */
struct db_lock {
	_Atomic uintptr_t addr;	/* the lock's address; 0 once the identity ended */
	_Atomic uint64_t uid;	/* 0: identity ended */
	uint8_t kind, site;
	uintptr_t site_pc;
	atomic_uint logged_gen;
	struct db_class *cls;
	struct gnode g;
	struct db_lock *next_free;	/* on the free list, under the table lock */
	struct db_rel rel[DB_REL_SLOTS];	/* releases, by component */
	_Atomic uint16_t sole;	/* the one component that ever released it, or DB_SOLE_* */
	atomic_bool spilled;	/* releases also in a clock of the address (clock.c) */
	/* moves whenever rel[], sole or spilled change, and when the node
	 * takes a new identity: an acquisition that finds it as it last
	 * joined everything has nothing to learn (64 bits: it never comes
	 * back to a value a thread remembers) */
	_Atomic uint64_t relgen;
};

/* The lock table: open addressing, key and node side by side so a probe
 * touches 16 bytes a slot.  It grows by doubling under the table lock and
 * the new table is published with a release store; old tables stay mapped
 * (readers may still be in them: a stale hit fails the node's addr check,
 * a stale miss goes to the slow path, which looks in the current table). */
struct db_lock_slot {
	_Atomic uintptr_t addr;		/* SLOT_EMPTY, SLOT_TOMB, or a key */
	struct db_lock *_Atomic lk;
};

struct db_lock_table {
	uint32_t mask;
	uint32_t used;			/* live + tombstones, under the table lock */
	struct db_lock_slot s[];
};

extern struct db_lock_table *_Atomic db_lock_tab;

/* slow paths (lockgraph.c) */
struct db_lock *db_lock_insert(uintptr_t addr, unsigned kind, unsigned site, uintptr_t pc)
	DB_NOINLINE DB_COLD;
/* Edges of the chain held[0..n-1] -> held[n]: held[n] filled, not yet
 * pushed (db_lock_prepare). */
void db_lock_validate(struct db_thread *t, int n) DB_NOINLINE DB_COLD;
/* a thread holds more than DB_MAX_HELD locks: say so, once */
void db_lock_held_overflow(void) DB_NOINLINE DB_COLD;
/* misuse.c: t released addr, which it does not hold */
void db_unlock_unheld(struct db_thread *t, uintptr_t addr) DB_NOINLINE DB_COLD;
/* clock.c: t's release of h's lock, one that has something to store */
void db_clock_lock_publish(struct db_thread *t, struct db_held *h) DB_NOINLINE;
extern atomic_bool db_vc_crowded;	/* clock.c: two live threads share a component */

/* Is the pthread mutex at addr of the recursive kind (glibc's kind field,
 * masked as glibc masks it)?  The real lock reads the same line. */
static inline bool db_mutex_recursive(uintptr_t addr)
{
	int kind = __atomic_load_n(&((pthread_mutex_t *)addr)->__data.__kind, __ATOMIC_RELAXED);

	return (kind & 3) == PTHREAD_MUTEX_RECURSIVE_NP;
}

static inline uint32_t db_lock_hash(uintptr_t addr)
{
	return (uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> 32);
}

static inline struct db_lock *db_lock_find(uintptr_t addr)
{
	struct db_lock_table *tb = atomic_load_explicit(&db_lock_tab, memory_order_acquire);

	for (uint32_t i = db_lock_hash(addr) & tb->mask;; i = (i + 1) & tb->mask) {
		uintptr_t k = atomic_load_explicit(&tb->s[i].addr, memory_order_acquire);
		if (k == addr) {
			struct db_lock *lk = atomic_load_explicit(&tb->s[i].lk, memory_order_acquire);
			return lk && atomic_load_explicit(&lk->addr, memory_order_relaxed) == addr ?
			       lk : NULL;
		}
		if (k == SLOT_EMPTY)
			return NULL;
	}
}

static inline struct db_lock *db_lock_get(uintptr_t addr, unsigned kind, uintptr_t pc)
{
	struct db_lock *lk = db_lock_find(addr);

	return DB_LIKELY(lk) ? lk : db_lock_insert(addr, kind, DB_SITE_FIRST_USE, pc);
}

/* Chain key of (held chain prev) + (uid, mode).  One multiply by an odd
 * constant per step: for a given prefix, distinct locks give distinct keys;
 * different chains meet only by 64-bit chance (the cache compares whole keys). */
static inline uint64_t db_chain_next(uint64_t prev, uint64_t uid, uint32_t mode)
{
	uint64_t x = (prev ^ ((uid << 2) | mode)) * 0x9e3779b97f4a7c15ull;

	return (x ^ (x >> 29)) | 1;
}

/* The chain key of t's held locks 0..i-1 followed by (uid, mode): the key
 * held[i] gets when that lock is pushed at i.  The outermost lock's own key
 * is made only when a second lock comes (0 until then: keys are odd), so a
 * lone lock, the most common case, costs no multiply. */
static inline uint64_t db_chain_at(struct db_thread *t, int i, uint64_t uid, uint32_t mode)
{
	if (i == 0)
		return 0;
	struct db_held *h = &t->held[i - 1];
	if (DB_UNLIKELY(!h->chain))	/* only held[0]'s can be 0 */
		h->chain = db_chain_next(0, h->uid, h->mode);
	return db_chain_next(h->chain, uid, mode);
}

/* ---- happens-before through locks ----------------------------------------- */
/* A lock keeps no clock of its own: a release stores the releasing
 * thread's (epoch, component, knowledge version) in the lock's slot for
 * that component; an acquisition joins, for each slot it has not joined at
 * that version, the row of that component as it is now (clock.c: that can
 * only add order).  A slot is overwritten only by a thread that has joined
 * its content (it acquired the lock after that release).  A read lock's
 * release (readers release together) and one that finds its slot taken by
 * a release it has not joined go to a clock of the lock's address
 * instead, which acquisitions then join too (spilled).  Epochs and
 * versions move only when a thread samples an access or learns something
 * after a release: threads taking turns at a lock with nothing sampled
 * find every slot as they left it and store nothing, so the lock's line
 * stays shared between their caches. */

/* Has t joined the release (rel, kv), or is it t's own component? */
static inline bool db_clock_joined_rel(const struct db_thread *t, uint64_t rel, uint64_t kv)
{
	uint32_t c = (uint32_t)(rel & 0xff);

	return c == t->vci ||
	       (__atomic_load_n(&t->row[c], __ATOMIC_RELAXED) >= rel >> 8 && t->seen_kv[c] >= kv);
}

/* The part of an acquisition that joins stored releases (clock.c). */
void db_clock_lock_join(struct db_thread *t, struct db_lock *lk, uintptr_t addr) DB_NOINLINE;

/* Has lk stored a release that t has not joined? */
static inline __attribute__((always_inline)) bool
db_clock_join_needed(const struct db_thread *t, struct db_lock *lk)
{
	/* no release stored yet (a thread alone stores none), or only this
	 * thread's component ever released it: nothing to learn (the common
	 * case of a lock one thread uses at a time: a compare or two) */
	uint16_t sole = atomic_load_explicit(&lk->sole, memory_order_relaxed);
	if (sole == t->vci || sole == DB_SOLE_NONE || !t->row)
		return false;
	/* every release stored here joined when it was last looked at (a
	 * thread's knowledge only grows: joined stays joined), unless
	 * components are shared (then t's own counters tell nothing) */
	uint64_t gen = atomic_load_explicit(&lk->relgen, memory_order_relaxed);
	const struct db_rel_seen *seen = &t->rel_seen[((uintptr_t)lk >> 6) % DB_REL_SEEN];
	return seen->lk != lk || seen->gen != gen ||
	       DB_UNLIKELY(atomic_load_explicit(&db_vc_crowded, memory_order_relaxed));
}

/* Has an acquisition of lk something to learn from its last releaser
 * (kept while races are sampled: from the second thread on)? */
static inline __attribute__((always_inline)) bool
db_clock_lock_learns(const struct db_thread *t, struct db_lock *lk)
{
	return atomic_load_explicit(&db_race_active, memory_order_relaxed) &&
	       db_clock_join_needed(t, lk);
}

/* A release stores nothing when its slot already holds what it would
 * store (a write release, nothing new since this thread's last one):
 * then it only notes that its epoch went out (true); false when clock.c
 * must store it (db_clock_lock_publish, which notes it too). */
static inline __attribute__((always_inline)) bool
db_clock_release_unchanged(struct db_thread *t, const struct db_held *h)
{
	const struct db_rel *s = &h->lk->rel[t->vci % DB_REL_SLOTS];

	if (DB_UNLIKELY(!t->row))
		return true;
	if (h->mode == DB_MODE_READ ||
	    atomic_load_explicit(&s->rel, memory_order_relaxed) != (t->epoch << 8 | t->vci) ||
	    atomic_load_explicit(&s->kv, memory_order_relaxed) != t->kv ||
	    DB_UNLIKELY(atomic_load_explicit(&db_vc_crowded, memory_order_relaxed)))
		return false;
	t->epoch_published = t->kv_published = true;
	return true;
}

/* ---- the fast path -------------------------------------------------------- */

/* What db_lock_prepare answers: the index of the held entry it filled (the
 * acquisition's, pushed by db_lock_commit once the lock is taken), or a
 * re-entry of held[i] (DB_PREP_REENTER | i), or nothing to keep. */
#define DB_PREP_NONE		(-1)	/* no node for the lock */
#define DB_PREP_OVERFLOW	(-2)	/* the held stack is full */
#define DB_PREP_REENTER		0x100

/* db_lock_prepare's flags */
#define DB_PREP_VALIDATE	1u	/* a blocking acquisition: check its edges */
#define DB_PREP_TRY		2u	/* taken by a trylock */

/* db_lock_commit found its entry overwritten (a signal handler took a
 * lock meanwhile): db_lock_prepare once more, without the edge check (it
 * was made), out of line. */
int db_lock_prepare_again(struct db_thread *t, uintptr_t addr, unsigned kind, uint32_t mode,
			  uintptr_t pc, uintptr_t sp, bool try) DB_NOINLINE DB_COLD;

/* Field by field: a compound literal would clear the whole entry first. */
static inline __attribute__((always_inline)) void
db_held_fill(struct db_held *h, uintptr_t addr, struct db_lock *lk, uint64_t uid, uint64_t chain,
	     uintptr_t pc, uintptr_t sp, uint32_t mode, unsigned kind, bool try)
{
	h->addr = addr;
	h->lk = lk;
	h->uid = uid;
	h->chain = chain;
	h->pc = pc;
	h->sp = sp;
	h->mode = mode;
	h->rec = 0;
	h->try = try;
	h->kind = (uint8_t)kind;
}

/* Fill the entry lock lk (at addr) will have on t's held stack, at its
 * top n: answers n, or DB_PREP_REENTER | i, or DB_PREP_OVERFLOW.  Its
 * edges are not checked (db_lock_chain_new says whether they must be). */
static inline __attribute__((always_inline)) int
db_lock_prepare_entry(struct db_thread *t, int n, uintptr_t addr, struct db_lock *lk,
		      unsigned kind, uint32_t mode, uintptr_t pc, uintptr_t sp, bool try)
{
	/* the first lock a thread takes, the most common case: no edges, no
	 * re-entry, no chain key */
	if (DB_LIKELY(n == 0)) {
		db_held_fill(&t->held[0], addr, lk, atomic_load_explicit(&lk->uid, memory_order_relaxed),
			     0, pc, sp, mode, kind, try);
		return 0;
	}
	/* re-entry: no edges.  Only a recursive mutex (or a lock of another
	 * kind) can be re-entered; a relock of any other mutex fails or
	 * deadlocks, and db_lock_validate keeps it out of the graph. */
	if (kind != DB_LOCK_MUTEX || db_mutex_recursive(addr)) {
		for (int i = n - 1; i >= 0; i--)
			if (t->held[i].addr == addr)
				return DB_PREP_REENTER | i;
	}
	if (n >= DB_MAX_HELD)
		return DB_PREP_OVERFLOW;
	uint64_t uid = atomic_load_explicit(&lk->uid, memory_order_relaxed);
	db_held_fill(&t->held[n], addr, lk, uid, db_chain_at(t, n, uid, mode), pc, sp, mode, kind, try);
	return n;
}

/* Must the chain held[0..n] (held[n] prepared, n > 0) be validated: lock
 * order checked, and not seen by this thread before? */
static inline __attribute__((always_inline)) bool db_lock_chain_new(const struct db_thread *t, int n)
{
	uint64_t key = t->held[n].chain;

	return db_opt.lock_order && t->held[n].uid && t->chains[key & (DB_CHAIN_CACHE - 1)] != key;
}

/* Before the real call: look the lock up and fill the entry it will have
 * on t's held stack, so that once the lock is taken (db_lock_commit) one
 * store pushes it; with DB_PREP_VALIDATE, check the edges of a chain of
 * held locks this thread has not validated before.  The held stack is
 * kept whatever the options (waitfor.c and the misuse checks read it);
 * only edges depend on lock_order. */
static inline __attribute__((always_inline)) int
db_lock_prepare(struct db_thread *t, uintptr_t addr, unsigned kind, uint32_t mode,
		uintptr_t pc, uintptr_t sp, unsigned flags)
{
	/* t->nheld in a local: stores elsewhere may alias */
	int n = t->nheld;
	struct db_lock *lk = db_lock_get(addr, kind, pc);

	if (!lk)
		return DB_PREP_NONE;
	int i = db_lock_prepare_entry(t, n, addr, lk, kind, mode, pc, sp, flags & DB_PREP_TRY);
	if ((flags & DB_PREP_VALIDATE) && i == n && n > 0 && DB_UNLIKELY(db_lock_chain_new(t, n))) {
		db_lock_validate(t, n);
		t->chains[t->held[n].chain & (DB_CHAIN_CACHE - 1)] = t->held[n].chain;
	}
	return i;
}

/* After the lock was taken, the common case, inline and without a call:
 * push what db_lock_prepare (answer i) made, when it is at the top as
 * prepared and the last releaser has nothing to teach.  false, nothing
 * done, otherwise. */
static inline __attribute__((always_inline)) bool
db_lock_commit_quick(struct db_thread *t, int i, uintptr_t addr)
{
	int n = t->nheld;

	if (DB_UNLIKELY(i != n || t->held[n].addr != addr || db_clock_lock_learns(t, t->held[n].lk)))
		return false;
	/* release: other threads read held[] up to nheld */
	__atomic_store_n(&t->nheld, n + 1, __ATOMIC_RELEASE);
	return true;
}

/* After the lock was taken: push what db_lock_prepare (answer i) made,
 * whatever happened in between. */
static inline __attribute__((always_inline)) void
db_lock_commit(struct db_thread *t, int i, uintptr_t addr, unsigned kind, uint32_t mode,
	       uintptr_t pc, uintptr_t sp, bool try)
{
	if (DB_LIKELY(db_lock_commit_quick(t, i, addr)))
		return;
	int n = t->nheld;
	if (i != n || t->held[n].addr != addr) {
		/* a signal handler that took a lock in between used the entry */
		if (i >= 0 && !(i & DB_PREP_REENTER))
			i = db_lock_prepare_again(t, addr, kind, mode, pc, sp, try);
		if (i < 0) {
			if (i == DB_PREP_OVERFLOW && !t->overflow++)
				db_lock_held_overflow();
			return;
		}
		if (i & DB_PREP_REENTER) {
			t->held[i & (DB_PREP_REENTER - 1)].rec++;
			return;
		}
	}
	/* happens-before: what the last releaser did is before what we do */
	if (db_clock_lock_learns(t, t->held[n].lk))
		db_clock_lock_join(t, t->held[n].lk, addr);
	__atomic_store_n(&t->nheld, n + 1, __ATOMIC_RELEASE);
}

/* An acquisition kept in a struct db_acq (the annotations, a cond wait's
 * re-acquisition): _before checks its edges (an annotated lock about to
 * be waited for), _after pushes it, checking its edges too with
 * DB_PREP_VALIDATE (flags: db_lock_prepare's). */
static inline void db_lock_before(struct db_thread *t, struct db_acq *a)
{
	db_lock_prepare(t, a->addr, a->kind, a->mode, a->pc, a->sp, DB_PREP_VALIDATE);
}

static inline void db_lock_after(struct db_thread *t, struct db_acq *a, unsigned flags)
{
	int i = db_lock_prepare(t, a->addr, a->kind, a->mode, a->pc, a->sp, flags);

	db_lock_commit(t, i, a->addr, a->kind, a->mode, a->pc, a->sp, flags & DB_PREP_TRY);
}

/* Does thread u (another thread) hold addr?  Its held stack is read
 * without its cooperation: relaxed loads, bounded; the caller holds the
 * thread list lock (u stays alive) and confirms what it concludes. */
static inline const struct db_held *db_lock_held_by(const struct db_thread *u, uintptr_t addr)
{
	int n = __atomic_load_n(&u->nheld, __ATOMIC_ACQUIRE);

	if (n > DB_MAX_HELD)
		n = DB_MAX_HELD;
	for (int i = 0; i < n; i++)
		if (__atomic_load_n(&u->held[i].addr, __ATOMIC_RELAXED) == addr)
			return &u->held[i];
	return NULL;
}

/* Is addr on t's held stack? */
static inline const struct db_held *db_lock_held(const struct db_thread *t, uintptr_t addr)
{
	for (int i = t->nheld - 1; i >= 0; i--)
		if (t->held[i].addr == addr)
			return &t->held[i];
	return NULL;
}

/* An out-of-order release: shift the locks above held[i] down, with
 * their chain keys made anew. */
static inline void db_lock_unstack(struct db_thread *t, int i, int n)
{
	for (int j = i; j + 1 < n; j++) {
		t->held[j] = t->held[j + 1];
		t->held[j].chain = db_chain_at(t, j, t->held[j].uid, t->held[j].mode);
	}
}

/* What a release of held entry h tells other threads, before the real
 * unlock.  A release matters to another thread; alone, the thread's next
 * create passes its epoch on (clock.c).  _quick: true when done without
 * storing anything (the common case), false when db_lock_release_hb must
 * store the release. */
static inline __attribute__((always_inline)) bool db_lock_release_hb_quick(struct db_thread *t, struct db_held *h)
{
	return !atomic_load_explicit(&db_race_active, memory_order_relaxed) ||
	       atomic_load_explicit(&db_nthreads, memory_order_relaxed) <= 1 ||
	       db_clock_release_unchanged(t, h);
}

static inline __attribute__((always_inline)) void db_lock_release_hb(struct db_thread *t, struct db_held *h)
{
	if (!db_lock_release_hb_quick(t, h))
		db_clock_lock_publish(t, h);
}

/* A release, in two halves around the real unlock: _begin before it (what
 * the next holder must learn is published then), _end after it (off the
 * held stack: a contended lock is not kept longer for that).  _begin
 * answers the held entry for _end, or -1. */
static inline __attribute__((always_inline)) int db_lock_release_begin(struct db_thread *t, void *addr)
{
	int n = t->nheld;

	for (int i = n - 1; i >= 0; i--) {
		struct db_held *h = &t->held[i];
		if (h->addr != (uintptr_t)addr)
			continue;
		if (h->rec) {
			h->rec--;
			return -1;
		}
		db_lock_release_hb(t, h);
		return i;
	}
	if (t->overflow)
		t->overflow--;
	else if (db_opt.misuse)
		db_unlock_unheld(t, (uintptr_t)addr);
	return -1;
}

/* The entry of addr when it is on top of t's held stack and not
 * re-entered (its release is then the common case); NULL otherwise. */
static inline __attribute__((always_inline)) struct db_held *db_lock_top(struct db_thread *t,
									  uintptr_t addr)
{
	int n = t->nheld;

	if (DB_UNLIKELY(n <= 0))
		return NULL;
	struct db_held *h = &t->held[n - 1];
	return DB_LIKELY(h->addr == addr && !h->rec) ? h : NULL;
}

/* Off the held stack goes its top entry h (db_lock_top), once its release
 * told other threads what it must (db_lock_release_hb): before the real
 * unlock, which can then end the shim (a tail call).  Another thread may
 * find the lock free of holders a moment early: what it concludes from
 * that, it confirms (waitfor.c). */
static inline __attribute__((always_inline)) void db_lock_pop(struct db_thread *t, struct db_held *h)
{
	__atomic_store_n(&t->nheld, (int)(h - t->held), __ATOMIC_RELEASE);
}

/* Until _end, another thread reading this stack may see the lock still
 * held by t: what it concludes from that, it confirms (waitfor.c). */
static inline __attribute__((always_inline)) void db_lock_release_end(struct db_thread *t, int i)
{
	int n = t->nheld;

	if (i < 0)
		return;
	if (DB_UNLIKELY(i != n - 1))
		db_lock_unstack(t, i, n);
	__atomic_store_n(&t->nheld, n - 1, __ATOMIC_RELEASE);
}

static inline void db_lock_released(struct db_thread *t, void *addr)
{
	db_lock_release_end(t, db_lock_release_begin(t, addr));
}

#endif /* DEADBOLT_LOCKGRAPH_H */

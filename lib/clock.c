/* clock.c - happens-before: vector clocks per thread, kept cheap.
 *
 * Each live thread has a component of its own (DB_VC_MAX of them, handed
 * out round a ring) and an epoch, the clock of its accesses.  What it knows
 * of the others is its row of db_vc: row[u] = the epoch of u up to which
 * u's accesses happen before this thread's present.  A sampled access is
 * stamped (component, epoch); it happens before thread t's present when
 * t's row covers that epoch (db_clock_knows).
 *
 * A release (unlock, create, post, signal) passes the present epoch on and
 * marks it published; the epoch moves on only at the next sampled access
 * (db_clock_stamp).  Besides, each thread has a knowledge version (kv):
 * a row, once joined at version k, needs joining again only when its
 * thread passes on a newer version, which it takes when it learns
 * something after a release.  Releases that pass on nothing new (threads
 * taking turns at a lock, nothing sampled, nothing learned) then store
 * nothing, and the acquisitions that follow join nothing: no cache line
 * goes back and forth for the clocks.  Learning only that another thread's
 * knowledge version moved is not learning: were it, two threads taking
 * turns would bump each other's versions forever.  Versions come from a
 * counter per component, so they only grow on a reused component.
 *
 * Locks (mutex, rwlock, spinlock) carry no clock of their own: a release
 * stores (epoch, component, kv) in a slot of the lock's node (lockgraph.h);
 * an acquisition joins the row of each slot it has not joined at that
 * version, as the row is now (db_clock_acquire_rel).  The releaser may
 * have learned more since its release, so the join can only add order,
 * never miss it: an access it wrongly orders is a race not reported, never
 * a race invented.
 *
 * Other sync objects (semaphores, barriers, condition variables, the
 * annotations, and read locks' releases) have a full clock in a small
 * table keyed by address (sync_find): a release joins the thread's row
 * into it, an acquisition joins it into the row.  Entries are never
 * removed; an address reused for a new object keeps old knowledge, which
 * again can only hide races.
 *
 * A component is reused only once its thread has ended: the next thread on
 * it continues its epochs and versions.  With more than DB_VC_MAX threads
 * alive, threads share components (tid modulo DB_VC_MAX) and the process
 * is crowded: every release then takes a new version, since one thread
 * cannot tell its versions from another's.  Rows are only ever joined
 * (max), never overwritten, so sharing loses precision, not safety.  Rows
 * are read by other threads without locks: 64-bit relaxed loads of values
 * that only grow.
 */
#include <string.h>

#include "internal.h"
#include "lockgraph.h"

uint64_t (*db_vc)[DB_VC_MAX];
static uint64_t last_epoch[DB_VC_MAX];	/* per component: the last epoch used */
static atomic_uint vc_hi;		/* components in use: [0, vc_hi) */
/* Components of live threads, handed out round the ring from vc_cursor, so
 * a component is reused as late as can be; none free: the thread shares
 * tid % DB_VC_MAX with a live one and the process is crowded. */
static _Atomic uint64_t vc_live[DB_VC_MAX / 64];
static atomic_uint vc_cursor;
atomic_bool db_vc_crowded;
/* per component, the last knowledge version handed out (a line each: a
 * thread takes its versions from its own) */
static struct {
	_Atomic uint64_t v;
	char pad[64 - sizeof(uint64_t)];
} kv_last[DB_VC_MAX];

#define SYNC_SLOTS	4096	/* sync objects with a clock (more: ignored) */

struct sync {
	_Atomic uintptr_t addr;		/* 0: free slot */
	db_spin_t lock;
	_Atomic uint64_t gen;		/* counts changes to vc, under lock */
	uint64_t *vc;			/* DB_VC_MAX entries */
};

static struct sync *sync_tab;
static db_spin_t sync_insert_lock;

static inline uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void join1(uint64_t *p, uint64_t v)
{
	if (ld(p) < v)
		__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

void db_clock_init(void)
{
	db_vc = db_mem_map(sizeof(uint64_t) * DB_VC_MAX * DB_VC_MAX);
	sync_tab = db_mem_map(sizeof(struct sync) * SYNC_SLOTS);
}

static unsigned hi(void)
{
	return atomic_load_explicit(&vc_hi, memory_order_relaxed);
}

static uint64_t next_kv(uint32_t vci)
{
	return atomic_fetch_add_explicit(&kv_last[vci].v, 1, memory_order_relaxed) + 1;
}

static bool take_component(uint32_t c)
{
	uint64_t bit = 1ull << (c % 64);

	return !(atomic_fetch_or(&vc_live[c / 64], bit) & bit);
}

/* Thread t starts (in itself); the creator released (cvci, cepoch) for it,
 * cvci == UINT32_MAX when nobody did (the main thread, a foreign thread). */
void db_clock_thread_start(struct db_thread *t, uint32_t cvci, uint64_t cepoch)
{
	uint32_t c = atomic_fetch_add(&vc_cursor, 1) % DB_VC_MAX, k;

	for (k = 0; k < DB_VC_MAX; k++, c = (c + 1) % DB_VC_MAX)
		if (!(atomic_load(&vc_live[c / 64]) & (1ull << (c % 64))) && take_component(c))
			break;
	t->vc_owned = k < DB_VC_MAX;
	if (!t->vc_owned) {
		c = t->tid % DB_VC_MAX;
		atomic_store(&db_vc_crowded, true);
	}
	t->vci = c;
	t->epoch = __atomic_add_fetch(&last_epoch[c], 1, __ATOMIC_RELAXED);
	t->kv = next_kv(c);
	t->epoch_published = t->kv_published = false;
	memset(t->seen_kv, 0, sizeof(t->seen_kv));
	memset(t->rel_seen, 0, sizeof(t->rel_seen));
	t->row = db_vc ? db_vc[c] : NULL;
	unsigned h = hi();
	while (h <= c && !atomic_compare_exchange_weak(&vc_hi, &h, c + 1))
		;
	if (!t->row || cvci >= DB_VC_MAX)
		return;
	const uint64_t *crow = db_vc[cvci];
	for (unsigned i = 0, n = hi(); i < n; i++)
		if (i != c)
			join1(&t->row[i], ld(&crow[i]));
	join1(&t->row[cvci], cepoch);
}

/* The creator's side of a create: what the child will learn. */
uint64_t db_clock_fork_point(struct db_thread *t)
{
	t->epoch_published = t->kv_published = true;
	return t->epoch;
}

void db_clock_thread_exit(struct db_thread *t)
{
	uint64_t e = t->epoch;

	if (ld(&last_epoch[t->vci]) < e)
		__atomic_store_n(&last_epoch[t->vci], e, __ATOMIC_RELAXED);
	if (t->row)
		join1(&t->row[t->vci], e);
	if (t->vc_owned)
		atomic_fetch_and(&vc_live[t->vci / 64], ~(1ull << (t->vci % 64)));
}

/* t learned something: once a release has passed its present version on,
 * it needs a new one, or a thread that joined that version would skip it */
static void learned(struct db_thread *t)
{
	if (t->kv_published) {
		t->kv = next_kv(t->vci);
		t->kv_published = false;
	}
}

/* Join row src into t's row (but for t's own entry); true if t learned
 * something. */
static bool join_row(struct db_thread *t, const uint64_t *src)
{
	bool more = false;

	for (unsigned i = 0, n = hi(); i < n; i++) {
		uint64_t v = ld(&src[i]);
		if (i != t->vci && ld(&t->row[i]) < v) {
			__atomic_store_n(&t->row[i], v, __ATOMIC_RELAXED);
			more = true;
		}
	}
	t->row_gen += more;
	return more;
}

/* t joined a thread of component vci that has exited: all it did is before. */
void db_clock_joined(struct db_thread *t, uint32_t vci)
{
	if (t->row && vci < DB_VC_MAX && vci != t->vci && join_row(t, db_vc[vci]))
		learned(t);
}

/* Acquisition of a lock released by another component (lockgraph.h). */
void db_clock_acquire_rel(struct db_thread *t, uint64_t rel, uint64_t kv)
{
	unsigned c = (unsigned)(rel & 0xff);
	uint64_t e = rel >> 8;
	bool more = join_row(t, db_vc[c]);

	/* the claim last: a thread that reads it has read what it covers
	 * (stores are seen in order here) */
	if (ld(&t->row[c]) < e) {
		__atomic_store_n(&t->row[c], e, __ATOMIC_RELEASE);
		t->row_gen++;
		more = true;
	}
	if (t->seen_kv[c] < kv)
		t->seen_kv[c] = kv;
	if (more)
		learned(t);
}

bool db_clock_knows(const struct db_thread *t, uint32_t vci, uint64_t e)
{
	if (vci == t->vci)
		return true;	/* the same thread, or one sharing its component */
	return db_vc && ld(&db_vc[t->vci][vci]) >= e;
}

/* ---- sync objects with a clock -------------------------------------------- */

static struct sync *sync_find(uintptr_t a, bool insert)
{
	uint32_t i0 = (uint32_t)(db_hash64(a) & (SYNC_SLOTS - 1));

	if (!sync_tab)
		return NULL;
	for (uint32_t k = 0; k < SYNC_SLOTS; k++) {
		struct sync *s = &sync_tab[(i0 + k) & (SYNC_SLOTS - 1)];
		uintptr_t v = atomic_load_explicit(&s->addr, memory_order_acquire);
		if (v == a)
			return s;
		if (v)
			continue;
		if (!insert)
			return NULL;
		uint64_t *vc = db_mem_alloc(sizeof(uint64_t) * DB_VC_MAX);
		if (!vc)
			return NULL;
		db_spin_lock(&sync_insert_lock);
		v = atomic_load_explicit(&s->addr, memory_order_relaxed);
		if (!v) {
			s->vc = vc;
			atomic_store_explicit(&s->addr, a, memory_order_release);
			vc = NULL;
		}
		db_spin_unlock(&sync_insert_lock);
		if (vc)
			db_mem_free(vc, sizeof(uint64_t) * DB_VC_MAX);
		if (atomic_load_explicit(&s->addr, memory_order_acquire) == a)
			return s;
	}
	return NULL;
}

/* obj's entry and what t remembers of it (NULL: no entry, none made).
 * Readers of an rwlock, semaphores, once controls come back to the same
 * few objects: the table is searched once per object, not per call. */
static struct sync *sync_of(struct db_thread *t, uintptr_t obj, bool insert,
			    struct db_sync_seen **seen)
{
	struct db_sync_seen *c = &t->sync_seen[db_hash64(obj) % DB_SYNC_SEEN];

	if (c->obj != obj) {
		struct sync *s = sync_find(obj, insert);
		if (!s)
			return NULL;
		*c = (struct db_sync_seen){ .obj = obj, .s = s, .epoch = UINT64_MAX,
					    .gen = UINT64_MAX };
	}
	*seen = c;
	return c->s;
}

/* With components shared, other threads change t's row: t can't tell from
 * its own counters that it has nothing new to give or take. */
static bool seen_valid(void)
{
	return !atomic_load_explicit(&db_vc_crowded, memory_order_relaxed);
}

void db_clock_release(struct db_thread *t, uintptr_t obj)
{
	struct db_sync_seen *c;
	struct sync *s;

	t->epoch_published = t->kv_published = true;
	if (!t->row || !(s = sync_of(t, obj, true, &c)))
		return;
	/* released here before with nothing new since (readers of an rwlock,
	 * semaphore posts): the clock holds it all */
	if (c->epoch == t->epoch && c->row_gen == t->row_gen && seen_valid())
		return;
	c->epoch = t->epoch;
	c->row_gen = t->row_gen;
	/* Nothing the object's clock lacks (another thread gave it all): no
	 * lock, no store to the shared entry.  Another release under way
	 * meanwhile only adds to it. */
	unsigned i = 0, n = hi();
	while (i < n && ld(&s->vc[i]) >= (i == t->vci ? t->epoch : ld(&t->row[i])))
		i++;
	if (i == n)
		return;
	db_spin_lock(&s->lock);
	for (i = 0; i < n; i++)
		join1(&s->vc[i], ld(&t->row[i]));
	join1(&s->vc[t->vci], t->epoch);
	atomic_fetch_add_explicit(&s->gen, 1, memory_order_release);
	db_spin_unlock(&s->lock);
}

/* lk was released by component c: keep lk->sole true (lockgraph.h) */
static void note_releaser(struct db_lock *lk, uint32_t c)
{
	uint16_t sole = atomic_load_explicit(&lk->sole, memory_order_relaxed);

	if (sole == c || sole == DB_SOLE_MANY)
		return;
	/* readers release together: the first release takes it by CAS */
	if (sole == DB_SOLE_NONE && atomic_compare_exchange_strong(&lk->sole, &sole, (uint16_t)c))
		return;
	if (sole != c)
		atomic_store_explicit(&lk->sole, DB_SOLE_MANY, memory_order_relaxed);
}

void db_clock_lock_publish(struct db_thread *t, struct db_held *h)
{
	struct db_rel *s = &h->lk->rel[t->vci % DB_REL_SLOTS];
	uint64_t old = atomic_load_explicit(&s->rel, memory_order_relaxed);
	uint64_t okv = atomic_load_explicit(&s->kv, memory_order_relaxed);
	uint64_t rel = t->epoch << 8 | t->vci;
	bool mine = (uint32_t)(old & 0xff) == t->vci;	/* (or empty, with vci 0) */

	note_releaser(h->lk, t->vci);
	/* shared components: a release can't tell its version from another
	 * thread's of the same component, so each gets a new one */
	if (atomic_load_explicit(&db_vc_crowded, memory_order_relaxed))
		t->kv = next_kv(t->vci);
	uint64_t kv = t->kv;
	if (h->mode == DB_MODE_READ || (old && !mine && !db_clock_joined_rel(t, old, okv))) {
		db_clock_release(t, h->addr);
		if (!atomic_load_explicit(&h->lk->spilled, memory_order_relaxed))
			atomic_store_explicit(&h->lk->spilled, true, memory_order_relaxed);
	} else {
		if (mine) {	/* another thread's of this component, or an older one */
			rel = old > rel ? old : rel;
			kv = okv > kv ? okv : kv;
		}
		atomic_store_explicit(&s->kv, kv, memory_order_relaxed);
		atomic_store_explicit(&s->rel, rel, memory_order_relaxed);
	}
	/* after the stores, before the unlock that publishes them */
	atomic_fetch_add_explicit(&h->lk->relgen, 1, memory_order_relaxed);
	t->epoch_published = t->kv_published = true;
}

/* lockgraph.h's acquisition, past its inline checks: join every release
 * stored in lk that t has not joined, and remember lk's relgen. */
void db_clock_lock_join(struct db_thread *t, struct db_lock *lk, uintptr_t addr)
{
	struct db_rel_seen *seen = &t->rel_seen[((uintptr_t)lk >> 6) % DB_REL_SEEN];

	seen->lk = lk;
	seen->gen = atomic_load_explicit(&lk->relgen, memory_order_relaxed);
	for (int i = 0; i < DB_REL_SLOTS; i++) {
		uint64_t rel = atomic_load_explicit(&lk->rel[i].rel, memory_order_relaxed);
		if (!rel)
			continue;
		uint64_t kv = atomic_load_explicit(&lk->rel[i].kv, memory_order_relaxed);
		if (!db_clock_joined_rel(t, rel, kv))
			db_clock_acquire_rel(t, rel, kv);
	}
	if (DB_UNLIKELY(atomic_load_explicit(&lk->spilled, memory_order_relaxed)))
		db_clock_acquire(t, addr);
}

void db_clock_acquire(struct db_thread *t, uintptr_t obj)
{
	struct db_sync_seen *c;
	struct sync *s;

	if (!t->row || !(s = sync_of(t, obj, false, &c)))
		return;
	/* no release changed the clock since t last took it all */
	uint64_t gen = atomic_load_explicit(&s->gen, memory_order_acquire);
	if (c->gen == gen && seen_valid())
		return;
	c->gen = gen;
	uint64_t *row = t->row;
	unsigned i = 0, n = hi();
	/* Nothing newer than t knows (a once control, a barrier or semaphore
	 * acquired again): no lock, and no store to the shared entry, which
	 * every thread calling pthread_once on it would otherwise bounce.  A
	 * release under way meanwhile is concurrent with this acquire. */
	while (i < n && (i == t->vci || ld(&s->vc[i]) <= ld(&row[i])))
		i++;
	if (i == n)
		return;
	db_spin_lock(&s->lock);
	bool more = join_row(t, s->vc);
	db_spin_unlock(&s->lock);
	if (more)
		learned(t);
}

void db_clock_atfork_child(void)
{
	/* only this thread now: its component is the one in use */
	struct db_thread *t = db_self;
	for (unsigned i = 0; i < DB_VC_MAX / 64; i++)
		atomic_store(&vc_live[i], 0);
	if (t && t != DB_THREAD_DEAD && t->vc_owned)
		take_component(t->vci);
	/* sync_insert_lock and the entries' locks: only this thread now */
	memset(&sync_insert_lock, 0, sizeof(sync_insert_lock));
	for (unsigned i = 0; sync_tab && i < SYNC_SLOTS; i++)
		memset(&sync_tab[i].lock, 0, sizeof(sync_tab[i].lock));
}

/* clock.c - happens-before: vector clocks per thread, kept cheap.
 *
 * Each thread has a component (its tid modulo DB_VC_MAX) and an epoch, its
 * own clock, bumped at every release (unlock, create, post, signal).  What
 * it knows of the others is its row of db_vc: row[u] = the epoch of u up to
 * which u's accesses happen before this thread's present.  A sampled access
 * is stamped (component, epoch); it happens before thread t's present when
 * t's row covers that epoch (db_clock_knows).
 *
 * Locks (mutex, rwlock, spinlock) carry no clock of their own: a release
 * stores (epoch, component) of the releasing thread in the lock's node, one
 * relaxed store (lockgraph.h); an acquisition by another thread copies that
 * epoch and joins the releaser's row as it is now (db_clock_acquire_rel).
 * The releaser may have learned more since its release, so the join can
 * only add order, never miss it: an access it wrongly orders is a race not
 * reported, never a race invented.  Re-acquiring a lock this thread
 * released last costs a compare.
 *
 * Other sync objects (semaphores, barriers, condition variables, the
 * annotations) have a full clock in a small table keyed by address
 * (sync_find): a release joins the thread's row into it, an acquisition
 * joins it into the row.  Entries are never removed; an address reused
 * for a new object keeps old knowledge, which again can only hide races.
 *
 * Components are shared when tids wrap past DB_VC_MAX: rows are only ever
 * joined (max), never overwritten, so sharing loses precision, not safety.
 * Rows are read by other threads without locks: 64-bit relaxed loads of
 * values that only grow.
 */
#include <string.h>

#include "internal.h"

uint64_t (*db_vc)[DB_VC_MAX];
static uint64_t last_epoch[DB_VC_MAX];	/* per component: the last epoch used */
static atomic_uint vc_hi;		/* components in use: [0, vc_hi) */

#define SYNC_SLOTS	4096	/* sync objects with a clock (more: ignored) */

struct sync {
	_Atomic uintptr_t addr;		/* 0: free slot */
	db_spin_t lock;
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

/* Thread t starts (in itself); the creator released (cvci, cepoch) for it,
 * cvci == UINT32_MAX when nobody did (the main thread, a foreign thread). */
void db_clock_thread_start(struct db_thread *t, uint32_t cvci, uint64_t cepoch)
{
	t->vci = t->tid % DB_VC_MAX;
	t->epoch = __atomic_add_fetch(&last_epoch[t->vci], 1, __ATOMIC_RELAXED);
	unsigned h = hi();
	while (h <= t->vci && !atomic_compare_exchange_weak(&vc_hi, &h, t->vci + 1))
		;
	if (!db_vc || cvci >= DB_VC_MAX)
		return;
	uint64_t *row = db_vc[t->vci], *crow = db_vc[cvci];
	for (unsigned i = 0, n = hi(); i < n; i++)
		if (i != t->vci)
			join1(&row[i], ld(&crow[i]));
	join1(&row[cvci], cepoch);
}

/* The creator's side of a create: what the child will learn. */
uint64_t db_clock_fork_point(struct db_thread *t)
{
	return t->epoch++;
}

void db_clock_thread_exit(struct db_thread *t)
{
	uint64_t e = t->epoch;

	if (ld(&last_epoch[t->vci]) < e)
		__atomic_store_n(&last_epoch[t->vci], e, __ATOMIC_RELAXED);
	if (db_vc)
		join1(&db_vc[t->vci][t->vci], e);
}

/* t joined thread tid (which has exited): everything it did is before. */
void db_clock_joined(struct db_thread *t, uint32_t tid)
{
	unsigned c = tid % DB_VC_MAX;

	if (!db_vc || c == t->vci)
		return;
	uint64_t *row = db_vc[t->vci], *crow = db_vc[c];
	for (unsigned i = 0, n = hi(); i < n; i++)
		if (i != t->vci)
			join1(&row[i], ld(&crow[i]));
}

/* Acquisition of a lock released by another component (lockgraph.h). */
void db_clock_acquire_rel(struct db_thread *t, uint64_t rel)
{
	unsigned c = (unsigned)(rel & 0xff);
	uint64_t e = rel >> 8, *row;

	if (!db_vc)
		return;
	row = db_vc[t->vci];
	if (ld(&row[c]) >= e)
		return;
	__atomic_store_n(&row[c], e, __ATOMIC_RELAXED);
	const uint64_t *crow = db_vc[c];
	for (unsigned i = 0, n = hi(); i < n; i++)
		if (i != t->vci && i != c)
			join1(&row[i], ld(&crow[i]));
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

void db_clock_release(struct db_thread *t, uintptr_t obj)
{
	struct sync *s = sync_find(obj, true);

	if (s && db_vc) {
		const uint64_t *row = db_vc[t->vci];
		db_spin_lock(&s->lock);
		for (unsigned i = 0, n = hi(); i < n; i++)
			join1(&s->vc[i], ld(&row[i]));
		join1(&s->vc[t->vci], t->epoch);
		db_spin_unlock(&s->lock);
	}
	t->epoch++;
}

void db_clock_acquire(struct db_thread *t, uintptr_t obj)
{
	struct sync *s = sync_find(obj, false);

	if (!s || !db_vc)
		return;
	uint64_t *row = db_vc[t->vci];
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
	for (i = 0; i < n; i++)
		if (i != t->vci)
			join1(&row[i], ld(&s->vc[i]));
	db_spin_unlock(&s->lock);
}

void db_clock_atfork_child(void)
{
	/* sync_insert_lock and the entries' locks: only this thread now */
	memset(&sync_insert_lock, 0, sizeof(sync_insert_lock));
	for (unsigned i = 0; sync_tab && i < SYNC_SLOTS; i++)
		memset(&sync_tab[i].lock, 0, sizeof(sync_tab[i].lock));
}

/* waitfor.c - actual deadlocks and stalls: who waits for whom.
 *
 * A shim first tries the lock; only when it is busy does the thread come
 * here (the uncontended path never does).  It waits in slices of
 * DB_WAIT_SLICE_MS with the real timed call.  A wait that outlasts its
 * first slice is published (t->wait_*, with the thread's stack), and after
 * each slice the thread looks for a cycle in the wait-for relation:
 * thread -> lock -> the threads holding it (from their held stacks) ->
 * what they wait for -> ...  Any thread of the cycle finds it at its next
 * slice.
 *
 * Most contended waits end within microseconds: they cost the program's
 * own wait plus a coarse clock read, nothing published, no barrier.  A
 * cycle is reported only once every thread in it has published its wait:
 * by then the cycle has lasted a slice, which filters out the stale reads
 * of other threads' state (they are read without locks).  Then, per
 * on_deadlock: exit with error_exitcode, abort, or keep waiting.
 *
 * Locks: the thread list lock while reading other threads' state; nothing
 * else is taken under it (logging happens after, from copies), keeping the
 * fork-time lock order (graph, table, depot, log, threads, mem).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lockgraph.h"

#define DB_WAIT_SLICE_MS	50	/* a waiter wakes this often to look around */
#define DB_MAX_CYCLE_THREADS	16	/* longest wait-for cycle followed */
#define DB_MAX_REPORT_HELD	16	/* held locks listed per thread in a report */

static atomic_uint_fast64_t next_waitset = 1;

/* Milliseconds need no better than the coarse clock (a tick, at most 4 ms
 * behind CLOCK_MONOTONIC, read without the TSC: 3 ns against 26 in a VM). */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A CLOCK_MONOTONIC deadline ms from now, early by up to a tick. */
static struct timespec mono_after_ms(uint64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static int ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	return a->tv_nsec < b->tv_nsec ? -1 : a->tv_nsec > b->tv_nsec;
}

/* What a thread waits for, published once its wait outlasts a slice. */
struct wait_for {
	uint32_t kind, mode;
	uintptr_t addr;
};

static void publish(struct db_thread *t, const struct wait_for *w, bool timed)
{
	/* readers look a slice later, under the thread list lock, and confirm
	 * what they read: release stores, no barrier */
	t->wait_mode = w->mode;
	atomic_store_explicit(&t->wait_timed, timed, memory_order_release);
	atomic_store_explicit(&t->wait_stack, 0, memory_order_release);
	atomic_fetch_add(&t->wait_seq, 1);
	atomic_store_explicit(&t->wait_addr, w->addr, memory_order_release);
	atomic_store_explicit(&t->wait_kind, w->kind, memory_order_release);
}

static void unpublish(struct db_thread *t)
{
	atomic_store_explicit(&t->wait_kind, DB_WAIT_NONE, memory_order_release);
	atomic_store_explicit(&t->wait_addr, 0, memory_order_release);
}

static void capture_wait_stack(struct db_thread *t)
{
	if (!t->wait_frames)
		t->wait_frames = db_mem_alloc(sizeof(*t->wait_frames));
	if (!t->wait_frames)
		return;
	db_stack_capture(t->wait_frames, (int)db_opt.stack_depth);
	uint64_t id = db_stack_put(t->wait_frames->pc, t->wait_frames->n,
				   t->wait_frames->truncated ? DB_STACKF_TRUNCATED : 0);
	atomic_store_explicit(&t->wait_stack, id ? id : UINT64_MAX, memory_order_release);
}

/* The threads u waits for (u itself included: a relock of a lock it holds).
 * Caller holds the thread list lock. */
static int waits_for(struct db_thread *u, struct db_thread **out, int max)
{
	uint32_t kind = atomic_load(&u->wait_kind);
	uintptr_t addr = atomic_load(&u->wait_addr);
	int n = 0;

	if (kind == DB_WAIT_NONE || !addr)
		return 0;
	for (struct db_thread *v = db_threads_first(); v && n < max; v = v->next) {
		if (kind == DB_WAIT_JOIN) {
			if ((uintptr_t)v->handle == addr)
				out[n++] = v;
			continue;
		}
		const struct db_held *h = db_lock_held_by(v, addr);
		/* readers do not block readers */
		if (h && (u->wait_mode == DB_MODE_WRITE || h->mode == DB_MODE_WRITE))
			out[n++] = v;
	}
	return n;
}

/* Depth-first search for a path from self back to self.  cyc[0] = self,
 * cyc[k] waits for cyc[k+1], the last waits for self.  Caller holds the
 * thread list lock. */
static int find_cycle(struct db_thread *self, struct db_thread **cyc)
{
	struct db_thread *next[DB_MAX_CYCLE_THREADS][8];
	int nnext[DB_MAX_CYCLE_THREADS], it[DB_MAX_CYCLE_THREADS];
	int d = 0;

	cyc[0] = self;
	nnext[0] = waits_for(self, next[0], 8);
	it[0] = 0;
	while (d >= 0) {
		if (it[d] == nnext[d]) {
			d--;
			if (d >= 0)
				it[d]++;
			continue;
		}
		struct db_thread *v = next[d][it[d]];
		if (v == self)
			return d + 1;
		bool on_path = false;
		for (int k = 0; k <= d && !on_path; k++)
			on_path = cyc[k] == v;
		if (on_path || d + 1 == DB_MAX_CYCLE_THREADS) {
			it[d]++;
			continue;
		}
		d++;
		cyc[d] = v;
		nnext[d] = waits_for(v, next[d], 8);
		it[d] = 0;
	}
	return 0;
}

/* A copy of what a report needs from one thread, taken under the list lock. */
struct snap {
	uint32_t tid;
	bool in_cond;			/* a woken cond waiter: confirm before reporting */
	uintptr_t cond_pc;
	uint32_t wait_kind, wait_mode, wait_timed;
	uintptr_t wait_addr;
	uint32_t wait_tid;		/* join: the thread joined */
	uint64_t wait_seq, wait_stack;
	const struct db_frames *frames;
	int nheld;
	struct db_held held[DB_MAX_REPORT_HELD];
};

static void snap_thread(struct db_thread *u, struct snap *s)
{
	s->tid = u->tid;
	s->wait_kind = atomic_load(&u->wait_kind);
	s->wait_addr = atomic_load(&u->wait_addr);
	s->wait_mode = u->wait_mode;
	s->wait_timed = atomic_load(&u->wait_timed);
	s->wait_seq = atomic_load(&u->wait_seq);
	s->wait_stack = atomic_load_explicit(&u->wait_stack, memory_order_acquire);
	s->in_cond = atomic_load(&u->cond_wait) != 0;
	s->cond_pc = u->cond_pc;
	s->frames = s->wait_stack && !s->in_cond ? u->wait_frames : NULL;
	s->wait_tid = UINT32_MAX;
	if (s->wait_kind == DB_WAIT_JOIN)
		for (struct db_thread *v = db_threads_first(); v; v = v->next)
			if ((uintptr_t)v->handle == s->wait_addr)
				s->wait_tid = v->tid;
	int n = __atomic_load_n(&u->nheld, __ATOMIC_ACQUIRE);
	if (n > DB_MAX_REPORT_HELD)
		n = DB_MAX_REPORT_HELD;
	memcpy(s->held, u->held, (size_t)n * sizeof(s->held[0]));
	s->nheld = n;
}

/* Log one thread of a waitset.  held_only: list just the lock at that
 * address (a stall names the one lock the holder has). */
static void log_snap(uint64_t ws, const struct snap *s, uintptr_t held_only)
{
	struct db_rec_tstate r = {
		.h = { DB_REC_TSTATE, sizeof(r) },
		.waitset = ws, .tid = s->tid, .wait_kind = s->wait_kind,
		.wait_addr = s->wait_addr, .wait_mode = s->wait_mode,
		.stack = s->wait_stack == UINT64_MAX ? 0 : s->wait_stack,
	};
	uint64_t uids[DB_MAX_REPORT_HELD];

	if (s->in_cond && s->cond_pc)	/* blocked inside libc: where it called the wait */
		r.stack = db_stack_put(&s->cond_pc, 1, 0);
	if (s->wait_kind == DB_WAIT_LOCK)
		r.wait_id = db_lock_log_addr(s->wait_addr);
	else if (s->wait_kind == DB_WAIT_JOIN)
		r.wait_id = s->wait_tid;
	for (int i = 0; i < s->nheld; i++) {
		uids[i] = 0;
		if (held_only && s->held[i].addr != held_only)
			continue;
		uids[i] = db_lock_log_addr(s->held[i].addr);
		r.nheld++;
	}
	db_stack_log(r.stack);
	db_log_write(&r);
	for (int i = 0; i < s->nheld; i++) {
		if (held_only && s->held[i].addr != held_only)
			continue;
		const struct db_held *h = &s->held[i];
		uintptr_t pc = h->pc;
		struct db_rec_theld hr = {
			.h = { DB_REC_THELD, sizeof(hr) },
			.waitset = ws, .tid = s->tid, .mode = h->mode,
			.uid = uids[i], .addr = h->addr,
			.stack = s->frames ? db_stack_splice(h->pc, h->sp, s->frames) :
					     db_stack_put(&pc, 1, 0),
		};
		db_stack_log(hr.stack);
		db_log_write(&hr);
	}
}

static void log_waitset(uint32_t kind, const struct snap *s, int n, uint64_t waited_ms,
			uintptr_t held_only)
{
	struct db_rec_waitset w = {
		.h = { DB_REC_WAITSET, sizeof(w) },
		.id = atomic_fetch_add(&next_waitset, 1),
		.kind = kind, .nthreads = (uint32_t)n, .waited_ms = waited_ms,
	};

	db_log_write(&w);
	for (int i = 0; i < n; i++)
		log_snap(w.id, &s[i], i ? held_only : 0);
}

/* After a deadlock was logged: on_deadlock says what happens. */
static void act_on_deadlock(const char *what)
{
	const char *log = db_log_path();

	switch (db_opt.on_deadlock) {
	case DB_ON_DEADLOCK_EXIT:
		db_warn("deadlock: %s; exiting with status %ld (on_deadlock=exit)%s%s", what,
			db_opt.error_exitcode, log ? "; report: deadbolt report " : "",
			log ? log : "");
		db_log_exit((int)db_opt.error_exitcode);
		db_real._exit((int)db_opt.error_exitcode);
		break;
	case DB_ON_DEADLOCK_ABORT:
		db_warn("deadlock: %s; aborting (on_deadlock=abort)", what);
		abort();
	default:
		db_warn("deadlock: %s; still waiting (on_deadlock=report)", what);
	}
}

/* Look for a deadlock through t; report it once every thread in it has
 * its stack.  Returns true when one was reported by this call. */
static bool check_deadlock(struct db_thread *t)
{
	struct db_thread *cyc[DB_MAX_CYCLE_THREADS];
	struct snap s[DB_MAX_CYCLE_THREADS];
	int n;

	db_threads_lock();
	n = find_cycle(t, cyc);
	bool ready = n > 0;
	/* a wait with its own deadline ends by itself: not a deadlock (the
	 * lock order is still reported as an inversion) */
	for (int i = 0; i < n; i++) {
		snap_thread(cyc[i], &s[i]);
		ready = ready && s[i].wait_stack && !s[i].wait_timed;
	}
	db_threads_unlock();
	if (!ready)
		return false;
	/* the same cycle, however found: its threads and their waits */
	uint64_t key = 0x5eed;
	bool cond = false;
	for (int i = 0; i < n; i++) {
		key += db_hash64(((uint64_t)s[i].tid << 40) ^ s[i].wait_seq);
		cond = cond || s[i].in_cond;
	}
	/* a cond waiter never runs our wait loop, so nothing showed that its
	 * wait lasted: see the same cycle twice, a slice apart */
	if (cond && t->last_cycle != key) {
		t->last_cycle = key;
		return false;
	}
	if (!db_once(key))
		return false;
	if (n == 1 && s[0].wait_kind == DB_WAIT_LOCK)
		db_misuse(t, DB_MISUSE_DOUBLE_LOCK, s[0].wait_addr, DB_LOCK_MUTEX, UINT32_MAX, 0, 0);
	log_waitset(DB_WS_DEADLOCK, s, n, 0, 0);

	char who[160];
	size_t at = 0;
	for (int i = 0; i < n && at < sizeof(who) - 48; i++)
		at += db_fmt(who + at, sizeof(who) - at, "%sT%u", i ? ", " : "", s[i].tid);
	db_fmt(who + at, sizeof(who) - at, "%s",
	       n == 1 ? " waits for a lock it holds" : " wait for each other");
	act_on_deadlock(who);
	return true;
}

static void check_stall(struct db_thread *t, uint64_t waited_ms)
{
	struct db_thread *holders[1];
	struct snap s[2];

	db_threads_lock();
	int n = waits_for(t, holders, 1);
	if (n) {
		snap_thread(t, &s[0]);
		snap_thread(holders[0], &s[1]);
	}
	db_threads_unlock();
	if (!n || !db_once(db_hash64(((uint64_t)s[1].tid << 48) ^ s[0].wait_addr ^ 0x57a11)))
		return;
	log_waitset(DB_WS_STALL, s, 2, waited_ms, s[0].wait_addr);
	if (db_opt.verbosity >= 1)
		db_warn("stall: thread T%u waited %lu ms for a lock held by T%u",
			s[0].tid, (unsigned long)waited_ms, s[1].tid);
}

/* Locks that other threads held when this process was forked: in the
 * child nobody will ever release them. */
#define DB_MAX_FORK_HELD	64

static uintptr_t fork_held[DB_MAX_FORK_HELD];
static int nfork_held;

void db_wait_fork_reset(void)
{
	nfork_held = 0;
}

void db_wait_fork_held(uintptr_t addr)
{
	if (nfork_held < DB_MAX_FORK_HELD)
		fork_held[nfork_held++] = addr;
}

/* t waits for a lock no thread holds: one held across fork by a thread
 * the child does not have?  A hang for sure: report it like a deadlock. */
static void check_fork_held(struct db_thread *t)
{
	struct db_thread *h[1];
	struct snap s;
	uintptr_t addr = atomic_load(&t->wait_addr);
	bool forked = false;

	for (int i = 0; i < nfork_held && !forked; i++)
		forked = fork_held[i] == addr;
	if (!forked || atomic_load(&t->wait_kind) != DB_WAIT_LOCK)
		return;
	db_threads_lock();
	int n = waits_for(t, h, 1);
	snap_thread(t, &s);
	db_threads_unlock();
	if (n || !db_once(db_hash64(addr ^ 0xf0c)))
		return;
	db_misuse(t, DB_MISUSE_FORK_HELD, addr, DB_LOCK_MUTEX, UINT32_MAX, 0, 0);
	log_waitset(DB_WS_DEADLOCK, &s, 1, 0, 0);
	act_on_deadlock("a lock held by another thread when the process forked");
}

/* The common loop: one slice at a time, looking around in between. */
static int wait_loop(struct db_thread *t, int (*attempt)(void *ctx, const struct timespec *dl),
		     void *ctx, const struct timespec *user_end, const struct wait_for *w)
{
	uint64_t start = now_ms();
	bool published = false, stalled = false;
	int r;

	for (;;) {
		struct timespec dl = mono_after_ms(DB_WAIT_SLICE_MS);
		bool last = user_end && ts_cmp(user_end, &dl) <= 0;
		db_thread_leave(t);
		r = attempt(ctx, last ? user_end : &dl);
		db_thread_reenter(t);
		if (r != ETIMEDOUT || last)
			break;
		if (!published) {
			published = true;
			publish(t, w, user_end != NULL);
			capture_wait_stack(t);
			if (nfork_held)
				check_fork_held(t);
		}
		uint64_t waited = now_ms() - start;
		/* a stall is a wait for a lock; joins wait for whole threads */
		if (db_opt.stall_ms && !stalled && waited >= (uint64_t)db_opt.stall_ms &&
		    w->kind == DB_WAIT_LOCK) {
			stalled = true;
			check_stall(t, waited);
		}
		check_deadlock(t);
	}
	if (published)
		unpublish(t);
	return r;
}

struct lock_ctx {
	db_attempt_fn fn;
	void *lock;
	uint32_t mode;
};

static int lock_attempt(void *ctx, const struct timespec *dl)
{
	struct lock_ctx *c = ctx;

	return c->fn(c->lock, c->mode, dl);
}

int db_wait_lock(struct db_thread *t, uint32_t mode, db_attempt_fn attempt,
		 void *lock, const struct timespec *user_end)
{
	struct lock_ctx c = { attempt, lock, mode };
	struct wait_for w = { DB_WAIT_LOCK, mode, (uintptr_t)lock };

	return wait_loop(t, lock_attempt, &c, user_end, &w);
}

struct join_ctx {
	pthread_t th;
	void **ret;
};

static int join_attempt(void *ctx, const struct timespec *dl)
{
	struct join_ctx *c = ctx;

	return db_real.pthread_clockjoin_np(c->th, c->ret, CLOCK_MONOTONIC, dl);
}

int db_wait_join(struct db_thread *t, pthread_t th, void **ret)
{
	struct join_ctx c = { th, ret };
	struct wait_for w = { DB_WAIT_JOIN, DB_MODE_WRITE, (uintptr_t)th };

	return wait_loop(t, join_attempt, &c, NULL, &w);
}

void db_wait_thread_gone(struct db_thread *t)
{
	if (t->wait_frames)
		db_mem_free(t->wait_frames, sizeof(*t->wait_frames));
	t->wait_frames = NULL;
}

/* ---- hang dumps ------------------------------------------------------------ */
/* `deadbolt run --timeout`: the process gets DB_HANG_SIGNAL.  The thread
 * that takes it writes a HANG waitset, asks every other thread (tgkill) to
 * log its own state (only a thread can unwind itself), logs its own, and
 * waits up to DB_HANG_WAIT_MS for the others; threads that did not answer
 * (blocked with the signal masked, or interrupted inside deadbolt, whose
 * locks a handler must not take) are logged from their held stacks alone. */

#define DB_HANG_WAIT_MS	1000

static _Atomic uint64_t hang_id;	/* the dump under way, 0: none */
static atomic_int hang_answers;

static int hang_signal(void)
{
	return SIGRTMAX - DB_HANG_SIGNAL_BELOW_MAX;
}

static void dump_self(struct db_thread *t, uint64_t ws)
{
	struct db_frames f;
	struct snap s;

	db_stack_capture(&f, (int)db_opt.stack_depth);
	db_threads_lock();
	snap_thread(t, &s);
	db_threads_unlock();
	s.wait_stack = db_stack_put(f.pc, f.n, f.truncated ? DB_STACKF_TRUNCATED : 0);
	s.frames = &f;
	log_snap(ws, &s, 0);
}

static void hang_handler(int sig, siginfo_t *si, void *uc)
{
	struct db_thread *t = db_self;
	int e = errno;

	(void)sig;
	(void)si;
	(void)uc;
	if (!t || t == DB_THREAD_DEAD || db_level) {
		/* inside deadbolt: its locks may be ours; the coordinator logs us */
		goto out;
	}
	db_level = 1;
	uint64_t asked = atomic_exchange(&t->dump_asked, 0);
	if (asked) {			/* a coordinator asked this thread */
		dump_self(t, asked);
		atomic_fetch_add(&hang_answers, 1);
		db_level = 0;
		goto out;
	}
	uint64_t ws = atomic_fetch_add(&next_waitset, 1), none = 0;
	if (!atomic_compare_exchange_strong(&hang_id, &none, ws)) {
		db_level = 0;
		goto out;		/* a dump is already under way */
	}
	struct db_thread *others[256];
	int n = 0, nthreads = 1;
	db_threads_lock();
	for (struct db_thread *u = db_threads_first(); u; u = u->next, nthreads++) {
		if (u == t)
			continue;
		if (n < (int)DB_ARRAY_SIZE(others))
			others[n++] = u;
	}
	db_threads_unlock();
	struct db_rec_waitset w = {
		.h = { DB_REC_WAITSET, sizeof(w) }, .id = ws, .kind = DB_WS_HANG,
		.nthreads = (uint32_t)nthreads - 1,
	};
	db_log_write(&w);
	atomic_store(&hang_answers, 0);
	for (int i = 0; i < n; i++) {
		atomic_store(&others[i]->dump_asked, ws);
		syscall(SYS_tgkill, getpid(), others[i]->os_tid, hang_signal());
	}
	dump_self(t, ws);
	uint64_t until = now_ms() + DB_HANG_WAIT_MS;
	while (atomic_load(&hang_answers) < n && now_ms() < until) {
		struct timespec ts = { 0, 5 * 1000000 };
		nanosleep(&ts, NULL);
	}
	/* whoever did not answer: what its held stack says, without stacks */
	db_threads_lock();
	struct snap s[16];
	int ns = 0;
	for (struct db_thread *u = db_threads_first(); u && ns < 16; u = u->next) {
		if (atomic_exchange(&u->dump_asked, 0) != ws)
			continue;
		snap_thread(u, &s[ns]);
		s[ns].wait_stack = 0;
		s[ns++].frames = NULL;
	}
	db_threads_unlock();
	for (int i = 0; i < ns; i++)
		log_snap(ws, &s[i], 0);
	db_level = 0;
out:
	errno = e;
}

void db_wait_hang_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = hang_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(hang_signal(), &sa, NULL);
}

/* ---- cond waits ------------------------------------------------------------ */
/* A thread in pthread_cond_wait waits for a signal, not a lock; once woken
 * it waits (inside libc, where no shim sees it) to retake its mutex.  The
 * waker marks it so: the mark and its removal happen under the thread list
 * lock, so a thread that already returned is never marked. */

void db_wait_cond_begin(struct db_thread *t, uintptr_t c, uintptr_t m, uintptr_t pc)
{
	t->cond_mutex = m;
	t->cond_pc = pc;
	atomic_store_explicit(&t->cond_wait, c, memory_order_release);
}

void db_wait_cond_end(struct db_thread *t)
{
	db_threads_lock();
	atomic_store(&t->cond_wait, 0);
	if (atomic_load(&t->wait_kind) != DB_WAIT_NONE)
		unpublish(t);
	db_threads_unlock();
}

/* c is signalled (all: broadcast).  A signal wakes one waiter, which one is
 * libc's choice: marked only when there is exactly one. */
void db_wait_cond_wake(uintptr_t c, bool all)
{
	struct db_thread *w[DB_MAX_CYCLE_THREADS];
	int n = 0, total = 0;

	db_threads_lock();
	for (struct db_thread *u = db_threads_first(); u; u = u->next) {
		if (atomic_load(&u->cond_wait) != c || atomic_load(&u->wait_kind) != DB_WAIT_NONE)
			continue;
		total++;
		if (n < DB_MAX_CYCLE_THREADS)
			w[n++] = u;
	}
	if (all || total == 1) {
		for (int i = 0; i < n; i++) {
			struct db_thread *u = w[i];
			u->wait_mode = DB_MODE_WRITE;
			atomic_store(&u->wait_timed, 0);	/* the retake has no deadline */
			atomic_store(&u->wait_stack, UINT64_MAX);
			atomic_fetch_add(&u->wait_seq, 1);
			atomic_store(&u->wait_addr, u->cond_mutex);
			atomic_store(&u->wait_kind, DB_WAIT_LOCK);
		}
	}
	db_threads_unlock();
}

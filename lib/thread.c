/* thread.c - per-thread state, start-up, threads and fork.
 *
 * db_self (initial-exec TLS) points at the thread's struct db_thread,
 * allocated from mem.c on the thread's first call into deadbolt (or by the
 * pthread_create trampoline, which knows the creator).  A pthread key's
 * destructor ends it when the thread exits by returning or pthread_exit;
 * after that db_self is DB_THREAD_DEAD and every call goes straight to libc
 * (other TLS destructors may still lock and free).
 *
 * thread_lock (spinlock) guards the list of live threads; fork holds every
 * internal lock across the fork (atfork handlers registered at init), and
 * the child keeps only the forking thread, opens its own log and keeps the
 * lock graph it inherited.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <threads.h>
#include <unistd.h>

#include "internal.h"

__thread struct db_tls db_tls;
atomic_int db_ready;		/* 0 not started, 3 starting, 1 ready, 2 disabled */

enum { READY_OFF = 0, READY_ON = 1, READY_DISABLED = 2, READY_STARTING = 3 };

static db_spin_t thread_lock;
static struct db_thread *threads;	/* list of live threads */
static atomic_uint next_tid = 1;	/* 0 is the main thread */
static pthread_key_t exit_key;

void db_threads_lock(void)
{
	db_spin_lock(&thread_lock);
}

void db_threads_unlock(void)
{
	db_spin_unlock(&thread_lock);
}

struct db_thread *db_threads_first(void)
{
	return threads;
}

__thread bool db_creating_pool;

struct start {
	void *(*fn)(void *);
	int (*c11fn)(void *);	/* instead of fn: a C11 thread's start */
	void *arg;
	uint32_t tid, parent;
	uint64_t stack;
	int detached;
	bool pool;
	uint32_t cvci;		/* the creator's clock release (clock.c) */
	uint64_t cepoch;
};

/* Threads that ended unjoined (a join may still come) and threads joined
 * (a second join is misuse), by pthread_t: small rings under thread_lock.
 * glibc reuses pthread_t values, so a create forgets the handle it gets. */
#define DB_MAX_ENDED	1024	/* ended, joinable threads remembered */
#define DB_MAX_JOINED	256	/* joined handles remembered */

static struct { pthread_t h; uint32_t tid, vci; } ended[DB_MAX_ENDED];
static unsigned nended;
static pthread_t joined_ring[DB_MAX_JOINED];
static unsigned joined_at;
/* detached before the new thread registered itself: it looks here */
#define DB_MAX_PENDING	64
static pthread_t pending_detach[DB_MAX_PENDING];

/* ended_too: also an ended thread's entry (it was joined or detached);
 * a create must keep it: the new thread may have ended already. */
static void forget_handle(pthread_t h, bool ended_too)
{
	for (unsigned i = 0; i < DB_MAX_JOINED; i++)
		if (joined_ring[i] == h)
			joined_ring[i] = 0;
	for (unsigned i = 0; i < DB_MAX_PENDING; i++)
		if (pending_detach[i] == h)
			pending_detach[i] = 0;
	for (unsigned i = 0; ended_too && i < nended; i++)
		if (ended[i].h == h)
			ended[i] = ended[--nended];
}

static void log_thread(struct db_thread *t)
{
	struct db_rec_thread r = {
		.h = { DB_REC_THREAD, sizeof(r) },
		.tid = t->tid,
		.parent = t->parent,
		.os_tid = (uint64_t)t->os_tid,
		.create_stack = t->create_stack,
	};
	db_stack_log(t->create_stack);
	db_log_write(&r);
}

atomic_uint db_nthreads;

static void link_thread(struct db_thread *t)
{
	atomic_fetch_add_explicit(&db_nthreads, 1, memory_order_relaxed);
	db_spin_lock(&thread_lock);
	t->next = threads;
	if (threads)
		threads->prev = t;
	threads = t;
	db_spin_unlock(&thread_lock);
}

/* The thread's own stack, from the top down to its guard page or limit. */
/* The main thread's stack, as pthread_getattr_np gives it (the mapping
 * that holds the stack pointer, down by the stack's rlimit, not below the
 * mapping before it), from /proc/self/maps read here: glibc reads it with
 * stdio and sscanf, 0.3-0.5 ms a process.  false: not found. */
struct stack_find {
	uintptr_t sp, prev_hi, lo, hi;
};

static bool stack_line(const char *l, size_t len, void *arg)
{
	struct stack_find *f = arg;
	const char *s = l;
	uintptr_t lo = db_parse_hex(&s), hi = 0;

	if (s < l + len && *s == '-') {
		s++;
		hi = db_parse_hex(&s);
	}
	if (f->sp >= lo && f->sp < hi) {
		f->lo = f->prev_hi;
		f->hi = hi;
		return false;
	}
	f->prev_hi = hi;
	return true;
}

static bool main_stack_bounds(struct db_thread *t)
{
	struct stack_find f = { .sp = (uintptr_t)__builtin_frame_address(0) };
	struct rlimit rl;

	if (!db_read_lines("/proc/self/maps", stack_line, &f) || !f.hi ||
	    getrlimit(RLIMIT_STACK, &rl) != 0)
		return false;
	if (rl.rlim_cur != RLIM_INFINITY && f.hi - f.lo > rl.rlim_cur)
		f.lo = (f.hi - rl.rlim_cur) & ~(uintptr_t)4095;
	t->stack_lo = f.lo;
	t->stack_hi = f.hi;
	return true;
}

static void stack_bounds(struct db_thread *t)
{
	pthread_attr_t a;
	void *lo;
	size_t n;

	if (gettid() == getpid() && main_stack_bounds(t))
		return;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return;
	if (pthread_attr_getstack(&a, &lo, &n) == 0) {
		t->stack_lo = (uintptr_t)lo;
		t->stack_hi = (uintptr_t)lo + n;
	}
	pthread_attr_destroy(&a);
}

/* Called with db_level > 0. */
static struct db_thread *new_thread(uint32_t tid, uint32_t parent, uint64_t stack,
				    uint32_t cvci, uint64_t cepoch)
{
	struct db_thread *t = db_mem_alloc(sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid;
	t->parent = parent;
	t->os_tid = gettid();
	t->handle = pthread_self();
	t->create_stack = stack;
	db_clock_thread_start(t, cvci, cepoch);
	stack_bounds(t);
	db_race_thread_started(t);
	link_thread(t);
	db_self = t;
	pthread_setspecific(exit_key, t);
	log_thread(t);
	return t;
}

void db_thread_exiting(struct db_thread *t)
{
	struct db_rec_thread_exit r = { .h = { DB_REC_THREAD_EXIT, sizeof(r) }, .tid = t->tid };

	if (t->nheld) {	/* returned, exited or was cancelled with locks held */
		/* where the lock was taken: its caller (the frames above
		 * have returned since) */
		uintptr_t taken = t->held[0].pc;
		db_misuse(t, DB_MISUSE_EXIT_HOLDING, t->held[0].addr, t->held[0].kind,
			  UINT32_MAX, taken ? db_stack_put(&taken, 1, 0) : 0, 0);
	}
	db_log_write(&r);
	db_alloc_thread_gone(t);
	db_clock_thread_exit(t);
	db_race_thread_gone(t);
	db_wait_thread_gone(t);
	db_spin_lock(&thread_lock);
	if (!atomic_load(&t->detached)) {
		if (nended == DB_MAX_ENDED)	/* forget the oldest */
			memmove(ended, ended + 1, sizeof(ended[0]) * --nended);
		ended[nended].h = t->handle;
		ended[nended].vci = t->vci;
		ended[nended++].tid = t->tid;
	}
	atomic_fetch_sub_explicit(&db_nthreads, 1, memory_order_relaxed);
	if (t->prev)
		t->prev->next = t->next;
	else if (threads == t)
		threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	db_spin_unlock(&thread_lock);
	db_self = DB_THREAD_DEAD;
	db_stack_thread_gone(t);
	db_mem_free(t, sizeof(*t));
}

static void exit_key_destructor(void *p)
{
	struct db_thread *t = p;

	if (t != db_self)
		return;
	db_level++;
	db_thread_exiting(t);
	db_level--;
}

/* ---- fork ---------------------------------------------------------------- */

static void atfork_prepare(void)
{
	db_level++;
	db_race_atfork_prepare();
	db_lockgraph_atfork_prepare();
	db_stack_atfork_prepare();
	db_log_atfork_prepare();
	db_spin_lock(&thread_lock);
	db_alloc_atfork_prepare();	/* its holders take mem_lock */
	db_mem_atfork_prepare();
}

static void atfork_parent(void)
{
	db_mem_atfork_parent();
	db_alloc_atfork_parent();
	db_spin_unlock(&thread_lock);
	db_log_atfork_parent();
	db_stack_atfork_parent();
	db_lockgraph_atfork_parent();
	db_race_atfork_parent();
	db_level--;
}

static void atfork_child(void)
{
	struct db_thread *t = db_self;

	db_mem_atfork_child();
	db_alloc_atfork_child();
	/* locks other threads held stay locked in the child for good */
	db_wait_fork_reset();
	for (struct db_thread *u = threads; u; u = u->next)
		for (int i = 0; u != t && i < u->nheld && i < DB_MAX_HELD; i++)
			db_wait_fork_held(u->held[i].addr);
	/* only this thread exists now; the others' states are lost (small) */
	threads = NULL;
	atomic_store(&db_nthreads, 0);	/* link_thread below counts this one */
	nended = 0;
	db_spin_unlock(&thread_lock);
	db_log_atfork_parent();		/* same lock: released in the child too */
	db_stack_atfork_child();
	db_lockgraph_atfork_child();
	db_clock_atfork_child();
	atomic_fetch_add(&db_log_gen, 1);	/* everything is new to the child's log */
	db_log_open(true);
	if (t && t != DB_THREAD_DEAD) {
		t->os_tid = gettid();
		t->next = t->prev = NULL;
		link_thread(t);
		log_thread(t);
	}
	db_race_atfork_child();
	db_level--;
}

/* ---- start-up ------------------------------------------------------------ */


void db_init(void)
{
	int expect = READY_OFF;

	if (!atomic_compare_exchange_strong(&db_ready, &expect, READY_STARTING))
		return;
	db_level++;
	if (!db_interpose_resolve()) {
		db_warn("cannot find the pthread functions in libc; deadbolt is off");
		atomic_store(&db_ready, READY_DISABLED);
		db_level--;
		return;
	}
	db_mutex_own_check();
	db_options_init();
	if (db_options_skip_exe()) {
		atomic_store(&db_ready, READY_DISABLED);
		db_level--;
		return;
	}
	db_stack_init();
	db_alloc_init();
	db_lockgraph_init();
	db_clock_init();
	pthread_key_create(&exit_key, exit_key_destructor);
	db_log_open(false);
	db_race_init();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	if (db_opt.hang_dump)
		db_wait_hang_init();
	db_fd_init();
	atomic_store(&db_ready, READY_ON);
	/* db_self last: a valid db_self means "ready" on the fast path */
	bool main_thread = gettid() == getpid();
	new_thread(main_thread ? 0 : atomic_fetch_add(&next_tid, 1), UINT32_MAX, 0,
		   UINT32_MAX, 0);
	db_level--;
}

__attribute__((constructor(101))) static void db_constructor(void)
{
	db_init();
}

/* The slow half of db_thread_enter(): not initialised yet, or the first
 * call on a thread deadbolt did not start (created before us, raw clone). */
struct db_thread *db_thread_slow(void)
{
	int r = atomic_load(&db_ready);

	if (r == READY_OFF) {
		db_init();
		r = atomic_load(&db_ready);
	}
	if (r != READY_ON)
		return NULL;
	if (db_self == DB_THREAD_DEAD)
		return NULL;
	if (db_self)
		return db_self;
	db_level++;
	struct db_thread *t = new_thread(atomic_fetch_add(&next_tid, 1), UINT32_MAX, 0,
					 UINT32_MAX, 0);
	db_level--;
	return t;
}

/* ---- threads ------------------------------------------------------------- */

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	db_mem_free(p, sizeof(s));
	if (atomic_load(&db_ready) == READY_ON) {
		db_level++;
		struct db_thread *t = new_thread(s.tid, s.parent, s.stack, s.cvci, s.cepoch);
		if (t) {
			db_spin_lock(&thread_lock);
			for (unsigned i = 0; i < DB_MAX_PENDING; i++)
				if (pending_detach[i] && pthread_equal(pending_detach[i], t->handle))
					pending_detach[i] = 0, s.detached = 1;
			atomic_store(&t->detached, s.detached);
			atomic_store(&t->pool, s.pool);
			db_spin_unlock(&thread_lock);
		}
		db_level--;
	}
	if (s.c11fn)	/* its int result, as glibc keeps it for thrd_join */
		return (void *)(intptr_t)s.c11fn(s.arg);
	return s.fn(s.arg);
}

int db_thread_create(pthread_t *th, const pthread_attr_t *attr,
		     void *(*fn)(void *), int (*c11fn)(void *), void *arg)
{
	struct db_thread *self = db_self;
	struct start *s = db_mem_alloc(sizeof(*s));
	struct db_frames f;

	if (!s)
		return !c11fn ? db_real.pthread_create(th, attr, fn, arg) :
		       db_real.thrd_create && db_real.thrd_create(th, c11fn, arg) == thrd_success ?
		       0 : EAGAIN;
	s->fn = fn;
	s->c11fn = c11fn;
	s->arg = arg;
	s->tid = atomic_fetch_add(&next_tid, 1);
	s->parent = self ? self->tid : UINT32_MAX;
	db_stack_capture(&f, (int)db_opt.stack_depth);
	s->stack = db_stack_put(f.pc, f.n, f.truncated ? DB_STACKF_TRUNCATED : 0);
	int ds = PTHREAD_CREATE_JOINABLE;
	if (attr)
		pthread_attr_getdetachstate(attr, &ds);
	s->detached = ds == PTHREAD_CREATE_DETACHED;
	s->pool = db_creating_pool;
	s->cvci = UINT32_MAX;
	if (self && self != DB_THREAD_DEAD) {
		s->cvci = self->vci;
		s->cepoch = db_clock_fork_point(self);
	}
	if (db_opt.race)
		db_race_before_create();
	int r = db_real.pthread_create(th, attr, trampoline, s);
	if (r != 0) {
		db_mem_free(s, sizeof(*s));
		return r;
	}
	db_spin_lock(&thread_lock);
	forget_handle(*th, false);
	db_spin_unlock(&thread_lock);
	return r;
}

static struct db_thread *live_by_handle(pthread_t th)
{
	for (struct db_thread *u = threads; u; u = u->next)
		if (pthread_equal(u->handle, th))
			return u;
	return NULL;
}

int db_thread_join(struct db_thread *t, pthread_t th, void **ret,
		   const struct db_join_how *how)
{
	unsigned misuse = 0;
	uint32_t tid = UINT32_MAX, vci = UINT32_MAX;

	db_spin_lock(&thread_lock);
	struct db_thread *u = live_by_handle(th);
	if (u) {
		tid = u->tid;
		vci = u->vci;
		if (atomic_load(&u->detached))
			misuse = DB_MISUSE_JOIN_DETACHED;
	} else {
		bool was_ended = false;
		for (unsigned i = 0; i < nended && !was_ended; i++)
			if (pthread_equal(ended[i].h, th))
				was_ended = true, tid = ended[i].tid, vci = ended[i].vci;
		for (unsigned i = 0; i < DB_MAX_JOINED && !was_ended && !misuse; i++)
			if (joined_ring[i] && pthread_equal(joined_ring[i], th))
				misuse = DB_MISUSE_JOIN_JOINED;
	}
	db_spin_unlock(&thread_lock);
	if (misuse)
		db_misuse(t, misuse, 0, 0, tid, 0, 0);
	/* a joined thread's descriptor may be reused or gone: joining it again
	 * can crash or hang; answer as glibc does when it can tell */
	if (misuse == DB_MISUSE_JOIN_JOINED)
		return ESRCH;

	int r;
	if (how->kind == DB_JOIN_UNTIL) {
		r = db_real.pthread_clockjoin_np(th, ret, how->clock, how->abstime);
	} else {
		r = db_real.pthread_tryjoin_np(th, ret);
		if (r == EBUSY && how->kind == DB_JOIN_WAIT)
			r = db_wait_join(t, th, ret);
	}
	if (r != 0)
		return r;
	db_spin_lock(&thread_lock);
	if ((u = live_by_handle(th))) {	/* still unlinking itself */
		atomic_store(&u->joined, 1);
		tid = u->tid;
		vci = u->vci;
	}
	/* it may have started (and ended) only after the look above */
	for (unsigned i = 0; i < nended && tid == UINT32_MAX; i++)
		if (pthread_equal(ended[i].h, th)) {
			tid = ended[i].tid;
			vci = ended[i].vci;
		}
	forget_handle(th, true);
	joined_ring[joined_at++ % DB_MAX_JOINED] = th;
	db_spin_unlock(&thread_lock);
	if (tid != UINT32_MAX)
		db_clock_joined(t, vci);
	struct db_rec_thread_join jr = {
		.h = { DB_REC_THREAD_JOIN, sizeof(jr) }, .tid = tid, .joiner = t->tid };
	if (tid != UINT32_MAX)
		db_log_write(&jr);
	return 0;
}

void db_thread_detach(struct db_thread *t, pthread_t th)
{
	uint32_t tid = UINT32_MAX;

	(void)t;
	db_spin_lock(&thread_lock);
	struct db_thread *u = live_by_handle(th);
	bool was_ended = false;
	if (u) {
		atomic_store(&u->detached, 1);
		tid = u->tid;
	}
	for (unsigned i = 0; i < nended; i++)
		if (pthread_equal(ended[i].h, th))
			tid = ended[i].tid, was_ended = true;
	forget_handle(th, true);
	if (!u && !was_ended) {		/* not started yet: it will look */
		for (unsigned i = 0; i < DB_MAX_PENDING; i++)
			if (!pending_detach[i]) {
				pending_detach[i] = th;
				break;
			}
	}
	db_spin_unlock(&thread_lock);
	struct db_rec_thread_detach r = { .h = { DB_REC_THREAD_DETACH, sizeof(r) }, .tid = tid };
	if (tid != UINT32_MAX)
		db_log_write(&r);
}

void db_thread_report_leaks(void)
{
	uint32_t leaked[256];
	int n = 0;

	db_spin_lock(&thread_lock);
	for (struct db_thread *u = threads; u && n < (int)DB_ARRAY_SIZE(leaked); u = u->next)
		if (u != db_self && u->tid != 0 && !atomic_load(&u->detached) &&
		    !atomic_load(&u->joined) && !atomic_load(&u->pool))
			leaked[n++] = u->tid;
	db_spin_unlock(&thread_lock);
	for (int i = 0; i < n; i++) {
		struct db_rec_thread_leak r = { .h = { DB_REC_THREAD_LEAK, sizeof(r) },
						.tid = leaked[i] };
		db_log_write(&r);
	}
}

/* At exit (from any thread): one line saying what was found and where the
 * log is, for LD_PRELOAD use without `deadbolt run` (which turns it off). */
__attribute__((destructor)) static void db_destructor(void)
{
	if (atomic_load(&db_ready) != READY_ON)
		return;
	db_level++;
	if (db_opt.thread_leaks)
		db_thread_report_leaks();
	db_fd_report_leaks();
	db_level--;
	if (!db_opt.summary)
		return;
	unsigned long n = db_lockgraph_cycles();
	const char *path = db_log_path();
	if (n && path)
		db_warn("%lu lock-order inversion%s (potential deadlock%s); "
			"report: deadbolt report %s", n, n == 1 ? "" : "s", n == 1 ? "" : "s", path);
}

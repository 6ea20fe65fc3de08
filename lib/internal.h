/* internal.h - every cross-file declaration of the runtime, grouped by the
 * file that owns it.  Only lib/ includes this.
 *
 * Threading model in one paragraph: each thread has a struct db_thread,
 * reached through initial-exec TLS (db_self), and a reentrancy level
 * (db_level).  Shims call db_thread_enter(); a NULL answer means "deadbolt is
 * already working on this thread, or not ready": call the real function and
 * nothing else.  Per-thread state needs no lock.  Shared tables (locks,
 * stacks) are read without locks and written under their own small lock;
 * the lock graph is changed only under db_graph_lock, on slow paths.
 */
#ifndef DEADBOLT_INTERNAL_H
#define DEADBOLT_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "logfmt.h"

#define DB_EXPORT	__attribute__((visibility("default")))
#define DB_NOINLINE	__attribute__((noinline))
#define DB_COLD		__attribute__((cold))
#define DB_LIKELY(x)	__builtin_expect(!!(x), 1)
#define DB_UNLIKELY(x)	__builtin_expect(!!(x), 0)
#define DB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The program's return address and stack pointer at the call of a shim:
 * pc is the return address into the caller, sp the caller's stack pointer
 * as libunwind reports it for the caller's frame (the shim's CFA; lib/ is
 * built with frame pointers, so CFA = frame address + 16). */
#define DB_CALLER_PC	((uintptr_t)__builtin_return_address(0))
#define DB_CALLER_SP	((uintptr_t)__builtin_frame_address(0) + 16)

/* DB_CHECK: an internal invariant.  Aborts in DEBUG builds; in release it
 * logs an internal note once and disables lock-order analysis. */
#ifdef DB_DEBUG
#define DB_CHECK(c) do { if (!(c)) db_check_failed(#c, __FILE__, __LINE__); } while (0)
#else
#define DB_CHECK(c) do { if (DB_UNLIKELY(!(c))) db_check_failed(#c, __FILE__, __LINE__); } while (0)
#endif

/* ---- options.c ---------------------------------------------------------- */
struct db_options {
#define DB_OPT_BOOL(name, def, help)		int name;
#define DB_OPT_INT(name, def, lo, hi, help)	long name;
#define DB_OPT_STR(name, def, help)		char name[256];
#define DB_OPT_ENUM(name, def, names, help)	int name;
#include "options.inc"
#undef DB_OPT_BOOL
#undef DB_OPT_INT
#undef DB_OPT_STR
#undef DB_OPT_ENUM
};
extern struct db_options db_opt;
enum { DB_ON_DEADLOCK_REPORT, DB_ON_DEADLOCK_EXIT, DB_ON_DEADLOCK_ABORT };
void db_options_init(void);
/* The executable is one the skip option names: deadbolt stays off. */
bool db_options_skip_exe(void);
/* Parse "k=v:k=v" into o (defaults first); bad keys and values are reported
 * through warn (one line each) and skipped.  Exposed for tests/unit. */
void db_options_parse(struct db_options *o, const char *s,
		      void (*warn)(const char *msg));
size_t db_options_format(const struct db_options *o, char *buf, size_t n);

/* ---- fmt.c -------------------------------------------------------------- */
/* A small vsnprintf without allocation or locale: %s %d %i %u %x %p %c %%,
 * with l, ll, z modifiers and a width (zero or space padded; '-' for %s). */
size_t db_vfmt(char *buf, size_t n, const char *fmt, va_list ap);
size_t db_fmt(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Lowercase hex, as /proc writes it: a digit?  The number at *s (moved on). */
bool db_hexdig(char c);
uintptr_t db_parse_hex(const char **s);
/* Each line of the file at path, without its newline, to fn until it
 * returns false (a line longer than 8 KiB is skipped); false: no file. */
bool db_read_lines(const char *path, bool (*fn)(const char *line, size_t len, void *arg),
		   void *arg);
/* "deadbolt: " + message + "\n" on stderr; at most DB_MAX_WARNINGS lines. */
void db_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same line on stderr (if verbosity >= 1) and a NOTE record in the log. */
void db_note(unsigned level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
DB_COLD void db_check_failed(const char *what, const char *file, int line);
/* True the first time key is seen: a finding is reported once. */
bool db_once(uint64_t key);

/* ---- mem.c -------------------------------------------------------------- */
/* The runtime's own memory: mmap'd arenas with size-class free lists, never
 * the program's malloc.  Zeroed on return.  NULL when the system refuses. */
void *db_mem_alloc(size_t n);
void db_mem_free(void *p, size_t n);
void db_mem_atfork_prepare(void);
void db_mem_atfork_parent(void);
void db_mem_atfork_child(void);
/* Page-aligned zeroed mapping for large fixed tables (never freed). */
void *db_mem_map(size_t n);
/* Fault in the pages of [p, p + n) now, in one call (a fault taken one page
 * at a time costs 10-14 us in some VMs, this 0.6 us a page, though a VM
 * may still charge a few us for each page's first touch); best effort. */
void db_mem_populate(void *p, size_t n);

/* A spinlock for internal tables: never calls a shim, never sleeps long. */
typedef struct { atomic_int v; } db_spin_t;
void db_spin_lock_slow(db_spin_t *s) DB_NOINLINE;
/* Take s if it is free; never waits. */
static inline bool db_spin_trylock(db_spin_t *s)
{
	return !atomic_exchange_explicit(&s->v, 1, memory_order_acquire);
}

static inline void db_spin_lock(db_spin_t *s)
{
	if (DB_UNLIKELY(!db_spin_trylock(s)))
		db_spin_lock_slow(s);
}

static inline void db_spin_unlock(db_spin_t *s)
{
	atomic_store_explicit(&s->v, 0, memory_order_release);
}

/* ---- interpose.c -------------------------------------------------------- */
struct db_real_fns {
	int (*pthread_mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
	int (*pthread_mutex_destroy)(pthread_mutex_t *);
	int (*pthread_mutex_lock)(pthread_mutex_t *);
	int (*pthread_mutex_trylock)(pthread_mutex_t *);
	int (*pthread_mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
	int (*pthread_mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
	int (*pthread_mutex_unlock)(pthread_mutex_t *);
	int (*pthread_rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
	int (*pthread_rwlock_destroy)(pthread_rwlock_t *);
	int (*pthread_rwlock_rdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_wrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_tryrdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_trywrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
	int (*pthread_rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
	int (*pthread_rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*pthread_rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
	int (*pthread_rwlock_unlock)(pthread_rwlock_t *);
	int (*pthread_spin_init)(pthread_spinlock_t *, int);
	int (*pthread_spin_destroy)(pthread_spinlock_t *);
	int (*pthread_spin_lock)(pthread_spinlock_t *);
	int (*pthread_spin_trylock)(pthread_spinlock_t *);
	int (*pthread_spin_unlock)(pthread_spinlock_t *);
	int (*pthread_cond_wait)(pthread_cond_t *, pthread_mutex_t *);
	int (*pthread_cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	int (*pthread_cond_signal)(pthread_cond_t *);
	int (*pthread_cond_broadcast)(pthread_cond_t *);
	int (*pthread_cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
				      const struct timespec *);
	int (*pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int (*pthread_join)(pthread_t, void **);
	int (*pthread_tryjoin_np)(pthread_t, void **);
	int (*pthread_clockjoin_np)(pthread_t, void **, clockid_t, const struct timespec *);
	int (*pthread_once)(pthread_once_t *, void (*)(void));
	int (*thrd_create)(pthread_t *, int (*)(void *), void *);
	int (*pthread_detach)(pthread_t);
	void (*pthread_exit)(void *) __attribute__((noreturn));
	pid_t (*fork)(void);
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void *(*reallocarray)(void *, size_t, size_t);
	void (*free)(void *);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	void (*exit)(int) __attribute__((noreturn));
	void (*_exit)(int) __attribute__((noreturn));
	int (*open)(const char *, int, ...);
	int (*open64)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*openat64)(int, const char *, int, ...);
	int (*creat)(const char *, mode_t);
	int (*socket)(int, int, int);
	int (*socketpair)(int, int, int, int[2]);
	int (*accept)(int, void *, void *);
	int (*accept4)(int, void *, void *, int);
	int (*pipe)(int[2]);
	int (*pipe2)(int[2], int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*eventfd)(unsigned, int);
	int (*epoll_create1)(int);
	int (*memfd_create)(const char *, unsigned);
	void *(*fopen)(const char *, const char *);
	void *(*fopen64)(const char *, const char *);
	int (*fclose)(void *);
	int (*close)(int);
	void *(*dlopen)(const char *, int);
	int (*dlclose)(void *);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	int (*mprotect)(void *, size_t, int);
	sighandler_t (*signal)(int, sighandler_t);
	int (*sigprocmask)(int, const sigset_t *, sigset_t *);
	int (*pthread_sigmask)(int, const sigset_t *, sigset_t *);
	int (*sem_post)(void *);
	int (*sem_wait)(void *);
	int (*sem_trywait)(void *);
	int (*sem_timedwait)(void *, const struct timespec *);
	int (*sem_clockwait)(void *, clockid_t, const struct timespec *);
	int (*pthread_barrier_wait)(pthread_barrier_t *);
	int (*libc_start_main)(int (*)(int, char **, char **), int, char **,
			       void (*)(void), void (*)(void), void (*)(void), void *);
};
extern struct db_real_fns db_real;
/* thread.c: threads this thread creates now are a runtime's pool (omp.c
 * sets it around a parallel region's start) */
extern __thread bool db_creating_pool;
/* A lock deadbolt does not interpose (the annotations of deadbolt.h, the
 * OpenMP runtime's), seen from the call site pc/sp; flags: deadbolt.h's
 * DEADBOLT_LOCK_*. */
void db_custom_created(const void *l, uintptr_t pc);
void db_custom_destroyed(const void *l);
void db_custom_acquire(const void *l, int flags, uintptr_t pc, uintptr_t sp);
void db_custom_acquired(const void *l, int flags, uintptr_t pc, uintptr_t sp);
void db_custom_released(const void *l);
bool db_custom_held(const void *l);	/* by this thread */
/* Happens-before through obj (a semaphore, a barrier, ...): a release
 * before the real call, an acquisition after it when it succeeded (r 0). */
void db_hb_release(const void *obj);
int db_hb_acquired(const void *obj, int r);
/* Resolve every db_real entry (idempotent); true when all needed were found. */
bool db_interpose_resolve(void);
/* Take default mutexes and spinlocks in deadbolt when libc keeps them as
 * expected. */
void db_mutex_own_check(void);

#define DB_MAX_FRAMES	64	/* deepest stack kept (option stack_depth <= this) */

struct db_frames {
	int n;
	int truncated;
	uintptr_t pc[DB_MAX_FRAMES];
	uintptr_t sp[DB_MAX_FRAMES];
};
struct db_thread;
/* stack.c: db_stack_capture of the stack whose innermost frame is the
 * program's call at (cpc, csp) (a shim's DB_CALLER_PC/SP): from the
 * thread's cache of stacks when the live stack shows the same callers. */
void db_stack_capture_at(struct db_thread *t, struct db_frames *f, int depth, uintptr_t cpc,
			 uintptr_t csp);

/* ---- thread.c ----------------------------------------------------------- */
#define DB_MAX_HELD	64	/* locks one thread holds at once; deeper ones
				 * are still passed through but add no edges */
#define DB_CHAIN_CACHE	1024	/* validated held-lock chains remembered per thread */

struct db_lock;

struct db_held {
	uintptr_t addr;
	struct db_lock *lk;
	uint64_t uid;		/* identity when taken; stale if the slot was reused */
	uint64_t chain;		/* chain key of held[0..this] (db_chain_at: held[0]'s is
				 * made when a second lock is taken, 0 before) */
	uintptr_t pc, sp;	/* where it was taken (caller pc, caller sp) */
	uint32_t mode;		/* DB_MODE_READ / DB_MODE_WRITE */
	uint16_t rec;		/* recursive re-entries beyond the first */
	uint8_t try;		/* taken by a trylock */
	uint8_t kind;		/* enum db_lock_kind */
	uint64_t spare;		/* 64 bytes an entry: held[i] is a shift away */
};

/* Fields other threads read (held[], nheld, wait_*) are written only by
 * the thread itself; readers (waitfor.c, misuse checks) load them relaxed
 * and confirm what they conclude (a cycle must persist) before reporting. */
#define DB_VC_MAX	256	/* clock components (clock.c) */
#define DB_SYNC_SEEN	4	/* sync objects a thread remembers (clock.c) */

/* A sync object this thread used lately (clock.c): its entry, the
 * thread's epoch and row_gen at its last release there, the entry's gen
 * at its last acquisition. */
struct db_sync_seen {
	uintptr_t obj;
	void *s;
	uint64_t epoch, row_gen, gen;
};

/* A lock whose releases this thread has all joined (lockgraph.h): the
 * lock's node and its relgen then. */
#define DB_REL_SEEN	8

struct db_lock;

struct db_rel_seen {
	const struct db_lock *lk;
	uint64_t gen;
};

struct db_thread {
	uint32_t tid;		/* small id; 0 = main thread of this image */
	uint32_t parent;
	pid_t os_tid;
	uint64_t create_stack;
	pthread_t handle;	/* pthread_self() of the thread */
	atomic_int detached;	/* detached (attribute or pthread_detach) */
	atomic_bool pool;	/* a runtime's pool thread: runs until exit by design */
	atomic_int joined;	/* a join of it succeeded */
	int nheld;
	int overflow;		/* locks held beyond DB_MAX_HELD */
	struct db_held held[DB_MAX_HELD];
	uint64_t chains[DB_CHAIN_CACHE];
	struct db_thread *next, *prev;	/* all live threads, under the thread lock */

	/* waitfor.c: what the thread is blocked on, while it is */
	_Atomic uintptr_t wait_addr;	/* lock address, or pthread_t joined; 0: none */
	_Atomic uint32_t wait_kind;	/* enum db_wait_kind */
	uint32_t wait_mode;		/* DB_MODE_* */
	_Atomic uint32_t wait_timed;	/* the wait has its own deadline: it ends */
	_Atomic uint64_t wait_seq;	/* changes with every new wait */
	_Atomic uint64_t wait_stack;	/* stack id once captured, else 0 */
	struct db_frames *wait_frames;	/* the same stack with SPs, for splices */
	atomic_uint_fast64_t dump_asked;	/* hang dump id this thread must write */
	/* in a cond wait: the cond, its mutex, where; a wake marks it as
	 * waiting for the mutex (under the thread list lock) */
	_Atomic uintptr_t cond_wait;
	uintptr_t cond_mutex, cond_pc;
	uint64_t last_cycle;		/* key of the last cycle seen, for confirmation */

	/* clock.c: this thread's clock component; epoch: of its accesses;
	 * kv: version of what it knows; *_published: a release passed it on
	 * (a sampled access or new knowledge moves to a new one); row:
	 * db_vc[vci], what the thread knows (NULL: no clocks); seen_kv: per
	 * component, the last version whose row this thread joined */
	uint32_t vci;
	bool epoch_published, kv_published;
	bool vc_owned;		/* vci is this thread's alone */
	uint64_t epoch, kv;
	uint64_t *row;
	uint64_t row_gen;	/* counts changes to row */
	uint64_t seen_kv[DB_VC_MAX];
	struct db_sync_seen sync_seen[DB_SYNC_SEEN];
	struct db_rel_seen rel_seen[DB_REL_SEEN];
	/* race.c: the window in which this thread last paused at a trap;
	 * its stack (accesses there are not sampled) */
	uint64_t race_paused_gen;
	int static_init;	/* inside a C++ function-local static's initialisation */
	/* the thread's stack (0, 0: unknown) */
	uintptr_t stack_lo, stack_hi;
	/* stack.c: allocation stacks already seen, by caller pc and sp */
	struct db_stack_cache *scache;
	/* cfi.c: frame shapes by pc */
	struct db_shapes *shapes;
	/* alloc.c: the thread's newest blocks, not yet in the table */
	struct db_fresh *fresh;
};

/* Per-thread state reached on every shim call, in one TLS block: a shim
 * finds both fields from one thread-pointer offset (one GOT load).
 * level: > 0 while deadbolt works on this thread; self: the thread's
 * record; in_dl: > 0 inside dlopen/dlclose (stack.c). */
struct db_tls {
	struct db_thread *self;
	int level;
	int in_dl;
};
extern __thread struct db_tls db_tls;
#define db_level	(db_tls.level)
#define db_self		(db_tls.self)
#define db_in_dl	(db_tls.in_dl)
#define DB_THREAD_DEAD	((struct db_thread *)1)	/* after the thread's cleanup */
extern atomic_int db_ready;	/* 1: initialised; 2: disabled for good */
extern atomic_uint db_nthreads;	/* the program's threads deadbolt knows, alive */

struct db_thread *db_thread_slow(void);

/* The one check on every shim's fast path. */
static inline struct db_thread *db_thread_enter(void)
{
	struct db_thread *t = db_self;

	if (DB_UNLIKELY(db_level != 0))
		return NULL;
	/* db_self is set only once deadbolt is initialised (db_ready == 1) */
	if (DB_UNLIKELY(t <= DB_THREAD_DEAD)) {
		t = db_thread_slow();
		if (!t)
			return NULL;
	}
	/* a plain store, not an increment: the level was 0, and a chain of
	 * read-modify-writes through TLS would serialise the shim */
	db_level = 1;
	return t;
}

/* Re-enter after a real call made between leave and here: t stays valid
 * (only the thread itself ends its state) and the level is 0 again (a
 * signal handler that entered has left). */
static inline void db_thread_reenter(struct db_thread *t)
{
	(void)t;
	db_level = 1;
}

static inline void db_thread_leave(struct db_thread *t)
{
	(void)t;
	db_level = 0;
}

void db_init(void);
/* fn, or for a C11 thread (thrd_create) c11fn, runs on the new thread. */
int db_thread_create(pthread_t *th, const pthread_attr_t *attr,
		     void *(*fn)(void *), int (*c11fn)(void *), void *arg);
void db_thread_exiting(struct db_thread *t);
/* How a join waits: pthread_join (in the wait-for graph), tryjoin, or
 * until a deadline (timedjoin/clockjoin: clock and absolute time). */
struct db_join_how {
	enum { DB_JOIN_WAIT, DB_JOIN_TRY, DB_JOIN_UNTIL } kind;
	clockid_t clock;
	const struct timespec *abstime;
};
/* A join of th by t (thread.c keeps who was joined), and a detach. */
int db_thread_join(struct db_thread *t, pthread_t th, void **ret,
		   const struct db_join_how *how);
void db_thread_detach(struct db_thread *t, pthread_t th);
/* At exit: threads neither joined nor detached that still run. */
void db_thread_report_leaks(void);
/* The list of live threads, for readers of other threads' state. */
void db_threads_lock(void);
void db_threads_unlock(void);
struct db_thread *db_threads_first(void);

/* ---- lockgraph.c -------------------------------------------------------- */
struct db_acq {			/* one acquisition: the lock, where, how */
	uintptr_t addr;
	uintptr_t pc, sp;
	uint32_t mode;
	uint8_t kind;
};

void db_lockgraph_init(void);
void db_lock_created(struct db_thread *t, void *addr, unsigned kind, uintptr_t pc);
void db_lock_destroyed(struct db_thread *t, void *addr);
/* the fast path (db_lock_prepare/commit, db_lock_release_begin/end): lockgraph.h */
/* Memory [p, p + n) is being freed: end the identity of locks inside it.
 * mapped: it can still be read (false once unmapped, or given back to the
 * allocator). */
void db_lock_forget_range(uintptr_t p, size_t n, bool mapped);
/* lockgraph.c: how many locks each 4 KiB page holds, pages folded onto
 * 1 << DB_LOCK_PAGES_BITS counters (db_fold); NULL: no lock table. */
#define DB_LOCK_PAGES_BITS	16
extern _Atomic uint32_t *db_lock_pages;
void db_lockgraph_atfork_prepare(void);
void db_lockgraph_atfork_parent(void);
void db_lockgraph_atfork_child(void);
unsigned long db_lockgraph_cycles(void);
/* Log the LOCK record of the lock at addr (if known); its uid, or 0. */
uint64_t db_lock_log_addr(uintptr_t addr);
size_t db_lock_size(unsigned kind);
/* Does a known lock overlap [a, a + n)? */
bool db_lock_overlaps(uintptr_t a, size_t n);
/* A stack id for "taken at pc/sp" spliced onto frames f of the same thread. */
uint64_t db_stack_splice(uintptr_t pc, uintptr_t sp, const struct db_frames *f);

/* ---- clock.c ------------------------------------------------------------ */
extern uint64_t (*db_vc)[DB_VC_MAX];	/* each component's row: what it knows */
void db_clock_init(void);
/* Thread t starts; its creator released (cvci, cepoch) for it (UINT32_MAX:
 * no creator known). */
void db_clock_thread_start(struct db_thread *t, uint32_t cvci, uint64_t cepoch);
/* The creator's release at pthread_create: the epoch the child learns. */
uint64_t db_clock_fork_point(struct db_thread *t);
void db_clock_thread_exit(struct db_thread *t);
/* t joined a thread that had clock component vci and has exited */
void db_clock_joined(struct db_thread *t, uint32_t vci);
/* The slow half of a lock acquisition: a release (rel: epoch << 8 |
 * component; kv) by another component that t has not joined. */
void db_clock_acquire_rel(struct db_thread *t, uint64_t rel, uint64_t kv) DB_NOINLINE;
/* The epoch that stamps an access: once a release has passed the present
 * one on, an access after it must not pass for one before. */
static inline uint64_t db_clock_stamp(struct db_thread *t)
{
	if (t->epoch_published) {
		t->epoch++;
		t->epoch_published = false;
	}
	return t->epoch;
}
/* Release to / acquire from a sync object with a clock of its own. */
void db_clock_release(struct db_thread *t, uintptr_t obj);
void db_clock_acquire(struct db_thread *t, uintptr_t obj);
/* Is epoch e of component vci before t's present? */
bool db_clock_knows(const struct db_thread *t, uint32_t vci, uint64_t e);
void db_clock_atfork_child(void);

/* ---- race.c ------------------------------------------------------------- */
extern atomic_int db_race_active;	/* sampling in this process */
extern atomic_int db_race_shadowed;	/* accesses recorded: frees must say so */
/* A thread is about to be created: start sampling if not yet. */
void db_race_before_create(void);
/* [p, p + n) is freed: forget the accesses recorded in it. */
void db_race_freed(uintptr_t p, size_t n);
/* a thread ends: the entries of its stack go */
void db_race_thread_gone(const struct db_thread *t);
/* a thread starts (its stack bounds known): its stack gets a name */
void db_race_thread_started(const struct db_thread *t);
/* The filter's first level (race.c): a count per 4 KiB page, folded onto
 * 1 << DB_RACE_PAGES_BITS bytes; NULL until sampling has memory. */
#define DB_RACE_PAGES_BITS	12
extern _Atomic(_Atomic uint8_t *) db_race_pages;
/* Modules were loaded; around dlclose, no site stays armed. */
void db_race_modules_changed(void);
void db_race_dlclose_begin(void);
void db_race_dlclose_end(void);
void db_race_atfork_prepare(void);
void db_race_atfork_parent(void);
void db_race_benign(uintptr_t p, size_t n);
/* Program exit: stop watching, log coverage. */
void db_race_exit(void);
void db_race_join(void);
void db_race_atfork_child(void);
/* Log whether race detection is on (at start, and in a fork child). */
void db_race_init(void);
/* The signal calls, virtualised for SIGTRAP while watching. */
bool db_race_sigaction(int sig, const struct sigaction *act, struct sigaction *old, int *ret);
int db_race_mprotect(int (*real)(void *, size_t, int), void *p, size_t n, int prot);
bool db_race_code_written(uintptr_t lo, uintptr_t hi);
const sigset_t *db_race_mask(int how, const sigset_t *set, sigset_t *copy);
/* fd is being closed or replaced: forget it if it is a watchpoint. */
void db_race_fd_closing(int fd);

/* ---- alloc.c ------------------------------------------------------------ */
/* The allocation table starts; the leak scan will run at exit. */
void db_alloc_init(void);
/* The guard of the allocation shims: db_thread_enter(), except that a
 * thread whose state is gone (TLS destructors running after deadbolt's)
 * still has its blocks counted: t is DB_THREAD_DEAD then. */
static inline struct db_thread *db_alloc_enter(void)
{
	struct db_thread *t = db_self;

	if (DB_UNLIKELY(db_level != 0))
		return NULL;
	if (DB_UNLIKELY(t <= DB_THREAD_DEAD) && t != DB_THREAD_DEAD && !(t = db_thread_slow()))
		return NULL;
	db_level = 1;
	return t;
}
/* [p, p + n) was just returned to the program by the real allocator, which
 * the program called from pc with its stack pointer at sp (DB_CALLER_PC,
 * DB_CALLER_SP of the shim: two scalars, not a struct, which gcc would
 * spill and reload as one vector, a store-forwarding stall per call). */
void db_alloc_add(struct db_thread *t, void *p, size_t n, uintptr_t pc, uintptr_t sp);
/* The program frees p: forget it (and the locks inside it), then pass it to
 * the real free when that is safe. */
void db_alloc_free(struct db_thread *t, void *p);
/* The whole of realloc(p, n), through db_real.realloc. */
void *db_alloc_realloc(struct db_thread *t, void *p, size_t n, uintptr_t pc, uintptr_t sp);
/* A block went to someone without being recorded (the guard was up). */
void db_alloc_untracked(void);
/* t ends: its newest blocks go to the table (before db_self goes). */
void db_alloc_thread_gone(struct db_thread *t);
/* deadbolt_ignore_leak(p): p (a block's start) is never reported. */
void db_alloc_ignore(const void *p);
/* The block containing a (starting at most 1 KiB below it): its start,
 * size and allocation stack. */
bool db_alloc_block_of(uintptr_t a, uintptr_t *start, size_t *size, uint64_t *stack);
void db_alloc_atfork_prepare(void);
void db_alloc_atfork_parent(void);
void db_alloc_atfork_child(void);

/* ---- waitfor.c ---------------------------------------------------------- */
/* One timed attempt to take a lock: 0 or an errno; ETIMEDOUT at deadline
 * (CLOCK_MONOTONIC). */
typedef int (*db_attempt_fn)(void *lock, uint32_t mode, const struct timespec *deadline);
/* The lock is busy (a trylock said so): wait for it in mode (DB_MODE_*),
 * publishing what this thread waits for, finding deadlocks and stalls.
 * user_end: the caller's own deadline (CLOCK_MONOTONIC), NULL for none.
 * Returns what the real call would have. */
int db_wait_lock(struct db_thread *t, uint32_t mode, db_attempt_fn attempt,
		 void *lock, const struct timespec *user_end);
/* Join: wait for thread th the same way. */
int db_wait_join(struct db_thread *t, pthread_t th, void **ret);
void db_wait_thread_gone(struct db_thread *t);
/* Cond waits: a woken waiter waits for its mutex, which can close a cycle. */
void db_wait_cond_begin(struct db_thread *t, uintptr_t c, uintptr_t m, uintptr_t pc);
void db_wait_cond_end(struct db_thread *t);
void db_wait_cond_wake(uintptr_t c, bool all);
/* fork: locks other threads held, that no thread of the child will release */
void db_wait_fork_held(uintptr_t addr);
void db_wait_fork_reset(void);
/* Install the hang-dump signal handler (hang_dump=1). */
void db_wait_hang_init(void);

/* ---- fd.c ---------------------------------------------------------------- */
int db_fd_raise(int fd, int floor);
void db_fd_init(void);
/* fd was just opened by t; what: its path or kind ("socket", "pipe"). */
void db_fd_opened(struct db_thread *t, int fd, const char *what);
void db_fd_closed(int fd);
void db_fd_report_leaks(void);

/* ---- misuse.c ----------------------------------------------------------- */
/* Report a misuse at the caller's stack (once per kind and stack). */
void db_misuse(struct db_thread *t, unsigned kind, uintptr_t addr, unsigned lock_kind,
	       uint32_t other_tid, uint64_t other_stack, uintptr_t other_addr);
/* The lock at addr is destroyed (or its memory freed: kind
 * DB_MISUSE_FREE_LOCKED): misuse if some thread holds it or waits for it.
 * mapped: the lock's bytes can still be read (not after a munmap). */
void db_check_lock_gone(struct db_thread *t, uintptr_t addr, unsigned lock_kind,
			unsigned misuse_kind, bool mapped);
/* Which thread holds the lock at addr (other than t), and in which mode;
 * NULL: nobody.  Caller holds the thread list lock. */
struct db_thread *db_holder_of(struct db_thread *t, uintptr_t addr, uint32_t *mode,
			       const struct db_held **held);

/* ---- stack.c ------------------------------------------------------------ */
/* db_in_dl (internal.h): > 0 while this thread is inside dlopen/dlclose
 * (the loader holds its lock): allocation stacks are not unwound then. */
void db_stack_init(void);
/* Unwind the calling thread, skipping deadbolt's own frames. */
void db_stack_capture(struct db_frames *f, int depth);
/* The allocation path's unwinder: return addresses only, cached per pc,
 * never the loader's lock for registered modules; n frames into pc, which
 * has room for depth + DB_STACK_OWN_FRAMES. */
#define DB_STACK_OWN_FRAMES	6	/* deadbolt's frames above the program's */
int db_stack_capture_fast(uintptr_t *pc, int depth, bool *truncated);
/* The depot id of the stack of an allocation t's program made from pc
 * (stack pointer sp at the call), at
 * most depth frames: unwound, or found in t's cache of stacks seen before
 * (0: none, the depot is full). */
uint64_t db_stack_alloc_id(struct db_thread *t, uintptr_t pc, uintptr_t sp, int depth);
/* The stack of an access a trap caught at ip (the instruction + 1), with
 * the interrupted registers sp and bp (from its handler). */
uint64_t db_stack_trap_id(struct db_thread *t, uintptr_t ip, uintptr_t sp, uintptr_t bp,
			  int depth);
/* t ends: its cache goes. */
void db_stack_thread_gone(struct db_thread *t);
/* The search table of the .eh_frame_hdr of the code holding pc: n pairs
 * (start pc, FDE), each relative to hdr.  Reads no lock. */
bool db_stack_fde_table(uintptr_t pc, uintptr_t *hdr, const int32_t **table, uint64_t *n);

/* ---- cfi.c --------------------------------------------------------------- */
/* The stack from the instruction ip (stack pointer sp, rbp bp) of thread t,
 * on t's own stack: pcs[0] = ip, then return addresses, and (sps not NULL)
 * the stack pointer in each frame; 0: a frame this unwinder does not
 * follow (use libunwind).  *truncated: max was reached. */
int db_cfi_backtrace(struct db_thread *t, uintptr_t ip, uintptr_t sp, uintptr_t bp,
		     uintptr_t *pcs, uintptr_t *sps, int max, bool *truncated);
/* The frame that called the function starting at fn, as
 * db_stack_caller_of gives it; false: not found, or not followed. */
bool db_cfi_caller_of(struct db_thread *t, uintptr_t fn, uintptr_t *sp, uintptr_t regs[6]);
/* A module went: the shapes cached for its pcs are stale. */
void db_cfi_modules_changed(void);
void db_cfi_thread_gone(struct db_thread *t);
/* The caller of the function starting at fn on this thread's stack: its
 * stack pointer and callee-saved registers (rbx, rbp, r12-r15). */
bool db_stack_caller_of(uintptr_t fn, uintptr_t *sp, uintptr_t regs[6]);
/* profile.c: where the program's threads run (race.c's watcher opens a
 * burst of events for one window: on every thread, one window in
 * DB_PROFILE_EVERY; on new threads, the next window) */
#define DB_PROFILE_EVERY 16
bool db_profile_begin(bool all);
void db_profile_end(void);
unsigned db_profile_read(uintptr_t *ips, unsigned max);
void db_profile_atfork_child(void);
/* The function whose code holds ip: its bounds [lo, hi). */
bool db_stack_function_of(uintptr_t ip, uintptr_t *lo, uintptr_t *hi);
/* Register loaded modules' unwind tables with libunwind (after dlopen,
 * dlclose; never from the allocation path). */
void db_stack_modules_sync(void);
/* Deduplicate a stack into the depot; returns its id (0: depot full). */
uint64_t db_stack_put(const uintptr_t *pc, int n, unsigned flags);
/* The same, without writing the "depot full" note (allocation path). */
uint64_t db_stack_put_quiet(const uintptr_t *pc, int n, unsigned flags);
/* Write the "depot full" note if it is due. */
void db_stack_note_full(void);
/* Make sure stack id's record is in the current log (before referring to it). */
void db_stack_log(uint64_t id);
void db_stack_log_range(uintptr_t lo, uintptr_t hi);
void db_stack_atfork_prepare(void);
void db_stack_atfork_parent(void);
void db_stack_atfork_child(void);

/* ---- unwmem.c ----------------------------------------------------------- */
/* Keep the mappings libunwind (the module holding fn) unmaps, for the
 * next thread's cache; its mmap/munmap calls come to unwmem.c. */
void db_unwind_mem_init(const void *fn);
void db_unwind_mem_atfork_prepare(void);
void db_unwind_mem_atfork_release(void);

/* ---- log.c -------------------------------------------------------------- */
/* log generation: bumped when a new log starts (fork); objects remember the
 * generation they were logged in and are logged again on demand. */
extern atomic_uint db_log_gen;
void db_log_open(bool forked);
/* Append one record (h.size set by the caller, multiple of 8). */
void db_log_write(const void *rec);
void db_log_write_once(atomic_uint *gen, const void *rec);
void db_log_lock(void);
void db_log_unlock(void);
/* Record newly loaded and unloaded modules. */
void db_log_modules_sync(bool force);
void db_log_modules_forget_locks(void);
bool db_log_own_pc(uintptr_t pc);
void db_log_exit(int status);
const char *db_log_path(void);
bool db_log_foreign(void);
/* A loaded module's GNU build-id into out[n]: its length, 0 if none or
 * longer than n. */
struct dl_phdr_info;
uint32_t db_build_id(const struct dl_phdr_info *info, uint8_t *out, size_t n);
/* May the module list be walked (not in a child of fork until a dlopen
 * has loaded a new module there)?  The dlopen shim calls dlopened(). */
bool db_log_loader_walkable(void);
void db_log_dlopened(void *handle);
/* The executable's path, read once (it cannot be after main's pthread_exit). */
const char *db_log_exe_path(void);
void db_log_atfork_prepare(void);
void db_log_atfork_parent(void);

/* ---- hashing ------------------------------------------------------------ */
static inline uint64_t db_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* x folded onto [0, 2^bits) without scrambling: consecutive x (pages,
 * lines) get consecutive slots, so counters for nearby memory share cache
 * lines; the higher bits are xor-ed in so distant regions rarely alias. */
static inline uint32_t db_fold(uint64_t x, unsigned bits)
{
	return (uint32_t)((x ^ (x >> bits) ^ (x >> 2 * bits)) & ((1ull << bits) - 1));
}

/* [p, p + n) is not empty and lies within one 4 KiB page: a freed block
 * whose page filters (races, locks) say nothing is there needs no more. */
static inline bool db_one_page(uintptr_t p, size_t n)
{
	return n && ((p ^ (p + n - 1)) >> 12) == 0;
}

/* db_race_freed, when the block's page may hold a sampled location: a
 * block within one page whose count is 0 (almost every free) stops here. */
static inline void db_race_block_freed(uintptr_t p, size_t n)
{
	_Atomic uint8_t *pages = atomic_load_explicit(&db_race_pages, memory_order_acquire);

	if (pages && db_one_page(p, n) &&
	    !atomic_load_explicit(&pages[db_fold(p >> 12, DB_RACE_PAGES_BITS)],
				  memory_order_relaxed))
		return;
	db_race_freed(p, n);
}

/* db_lock_forget_range for a freed block: one within a page that holds no
 * lock (almost every free) stops here. */
static inline void db_lock_block_freed(uintptr_t p, size_t n, bool mapped)
{
	if (db_lock_pages && db_one_page(p, n) &&
	    !atomic_load_explicit(&db_lock_pages[db_fold(p >> 12, DB_LOCK_PAGES_BITS)],
				  memory_order_relaxed))
		return;
	db_lock_forget_range(p, n, mapped);
}

#endif /* DEADBOLT_INTERNAL_H */

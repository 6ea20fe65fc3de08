/* interpose.c - the real-function table and the shims; no policy here.
 *
 * Each shim: enter (NULL -> just call libc), tell the concern's file what
 * is about to happen, leave (never hold the guard while blocking or while
 * program code runs), call libc, tell what happened.  Releases and frees
 * are recorded before the real call (the address cannot be reused in
 * between), acquisitions after success.  Return values and errno reach the
 * program unchanged.
 *
 * Real symbols are resolved by db_interpose_resolve() at init (constructor,
 * or the first shim called, whichever is first); a shim called before that
 * resolves its own entry.  The allocation functions answer from a static
 * pool while they are being looked up (dlsym allocates).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <semaphore.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#include "lockgraph.h"

struct db_real_fns db_real;

static void *sym(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

#define RESOLVE(f)	(db_real.f ? (void)0 : (void)(*(void **)&db_real.f = sym(#f)))

static bool resolve_alloc(void);

bool db_interpose_resolve(void)
{
	RESOLVE(pthread_mutex_init);
	RESOLVE(pthread_mutex_destroy);
	RESOLVE(pthread_mutex_lock);
	RESOLVE(pthread_mutex_trylock);
	RESOLVE(pthread_mutex_timedlock);
	RESOLVE(pthread_mutex_clocklock);
	RESOLVE(pthread_mutex_unlock);
	RESOLVE(pthread_rwlock_init);
	RESOLVE(pthread_rwlock_destroy);
	RESOLVE(pthread_rwlock_rdlock);
	RESOLVE(pthread_rwlock_wrlock);
	RESOLVE(pthread_rwlock_tryrdlock);
	RESOLVE(pthread_rwlock_trywrlock);
	RESOLVE(pthread_rwlock_timedrdlock);
	RESOLVE(pthread_rwlock_timedwrlock);
	RESOLVE(pthread_rwlock_clockrdlock);
	RESOLVE(pthread_rwlock_clockwrlock);
	RESOLVE(pthread_rwlock_unlock);
	RESOLVE(pthread_spin_init);
	RESOLVE(pthread_spin_destroy);
	RESOLVE(pthread_spin_lock);
	RESOLVE(pthread_spin_trylock);
	RESOLVE(pthread_spin_unlock);
	/* glibc keeps the pre-2.3.2 condition variables under the old version */
	if (!db_real.pthread_cond_wait)
		*(void **)&db_real.pthread_cond_wait = dlvsym(RTLD_NEXT, "pthread_cond_wait", "GLIBC_2.3.2");
	if (!db_real.pthread_cond_timedwait)
		*(void **)&db_real.pthread_cond_timedwait =
			dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
	if (!db_real.pthread_cond_signal)
		*(void **)&db_real.pthread_cond_signal =
			dlvsym(RTLD_NEXT, "pthread_cond_signal", "GLIBC_2.3.2");
	if (!db_real.pthread_cond_broadcast)
		*(void **)&db_real.pthread_cond_broadcast =
			dlvsym(RTLD_NEXT, "pthread_cond_broadcast", "GLIBC_2.3.2");
	RESOLVE(pthread_cond_signal);
	RESOLVE(pthread_cond_broadcast);
	RESOLVE(pthread_cond_wait);
	RESOLVE(pthread_cond_timedwait);
	RESOLVE(pthread_cond_clockwait);
	RESOLVE(pthread_create);
	RESOLVE(pthread_join);
	RESOLVE(pthread_tryjoin_np);
	RESOLVE(pthread_clockjoin_np);
	RESOLVE(pthread_once);
	RESOLVE(thrd_create);
	RESOLVE(pthread_detach);
	RESOLVE(pthread_exit);
	RESOLVE(fork);
	resolve_alloc();
	RESOLVE(exit);
	RESOLVE(_exit);
	RESOLVE(dlopen);
	RESOLVE(dlclose);
	RESOLVE(sigaction);
	RESOLVE(mprotect);
	RESOLVE(signal);
	RESOLVE(sigprocmask);
	RESOLVE(pthread_sigmask);
	RESOLVE(sem_post);
	RESOLVE(sem_wait);
	RESOLVE(sem_trywait);
	RESOLVE(sem_timedwait);
	RESOLVE(sem_clockwait);
	RESOLVE(pthread_barrier_wait);
	RESOLVE(pipe2);		/* for libunwind's pipe (unwmem.c) */
	RESOLVE(close);
	if (!db_real.libc_start_main)
		*(void **)&db_real.libc_start_main = sym("__libc_start_main");
	return db_real.pthread_mutex_lock && db_real.pthread_mutex_unlock &&
	       db_real.pthread_create && db_real.pthread_tryjoin_np &&
	       db_real.pthread_clockjoin_np && db_real.free && db_real.realloc &&
	       db_real.exit && db_real._exit;
}

/* A shim called before init resolves its own entry (constructors of other
 * libraries can run before ours). */
#define REAL(f)	(DB_LIKELY(db_real.f) ? db_real.f : (RESOLVE(f), db_real.f))

/* ---- mutexes ------------------------------------------------------------- */

/* The shims' bodies end in ret_(r): the result as the shim returns it (the
 * pthread ones as is, the C11 ones mapped, by thrd_status). */
#define AS_IS(r)	(r)

/* ---- locks taken in deadbolt ---------------------------------------------- */
/* A default mutex (kind 0: not recursive, error-checking, robust,
 * priority-aware, shared between processes or elided) and a spinlock are
 * taken and released here as libc does it, saving a call into libc each
 * time.  A mutex: the lock word (0 free, 1 taken, 2 taken with waiters,
 * woken through its private futex), then the owner's kernel tid and the
 * count of users that cond waits and destroy read.  A spinlock: its word,
 * from its free value to its taken one (x86-64 glibc: 1 and 0; elsewhere 0
 * and 1) and back.  Waiting for a busy lock, and every other kind of
 * mutex, is left to libc.  db_mutex_own_check learns and checks those
 * values against libc once at start; where libc keeps a lock otherwise,
 * every lock of that type goes to libc. */
enum own { OWN_MUTEX, OWN_SPIN };

static int own_kind = INT_MIN;	/* the mutex kind taken here; INT_MIN: none */
static bool own_spin;		/* spinlocks taken here */
static int spin_free, spin_taken;

void db_mutex_own_check(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_spinlock_t sl;
	int tid = gettid();

	if (m.__data.__kind == 0 && db_real.pthread_mutex_lock(&m) == 0) {
		bool taken = m.__data.__lock == 1 && m.__data.__owner == tid &&
			     m.__data.__nusers == 1;
		if (db_real.pthread_mutex_unlock(&m) == 0 && taken && m.__data.__lock == 0 &&
		    m.__data.__owner == 0 && m.__data.__nusers == 0)
			own_kind = 0;
	}
	if (!db_real.pthread_spin_init || !db_real.pthread_spin_lock ||
	    !db_real.pthread_spin_trylock || !db_real.pthread_spin_unlock ||
	    !db_real.pthread_spin_destroy ||
	    db_real.pthread_spin_init(&sl, PTHREAD_PROCESS_PRIVATE) != 0)
		return;
	spin_free = sl;
	if (db_real.pthread_spin_lock(&sl) == 0) {
		spin_taken = sl;
		if (db_real.pthread_spin_trylock(&sl) == EBUSY && sl == spin_taken &&
		    db_real.pthread_spin_unlock(&sl) == 0 && sl == spin_free &&
		    db_real.pthread_spin_trylock(&sl) == 0 && sl == spin_taken &&
		    db_real.pthread_spin_unlock(&sl) == 0 && spin_free != spin_taken)
			own_spin = true;
	}
	db_real.pthread_spin_destroy(&sl);
}

static inline bool own_takes(const void *l, enum own w)
{
	return w == OWN_SPIN ? own_spin : ((const pthread_mutex_t *)l)->__data.__kind == own_kind;
}

/* A mutex's word just taken by t: what libc keeps besides. */
static inline void mutex_owned(pthread_mutex_t *m, const struct db_thread *t)
{
	m->__data.__owner = t->os_tid;
	m->__data.__nusers++;
}

/* Take l if it is free (own_takes(l) true). */
static inline bool own_take(void *l, const struct db_thread *t, enum own w)
{
	pthread_mutex_t *m = l;
	int free_ = w == OWN_SPIN ? spin_free : 0;

	if (!__atomic_compare_exchange_n(w == OWN_SPIN ? (int *)l : &m->__data.__lock, &free_,
					 w == OWN_SPIN ? spin_taken : 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	if (w == OWN_MUTEX)
		mutex_owned(m, t);
	return true;
}

/* A busy mutex: mark it as waited for and take it if that found it
 * free, as libc's wait does first. */
static inline bool own_take_contended(void *l, const struct db_thread *t, enum own w)
{
	pthread_mutex_t *m = l;

	if (w != OWN_MUTEX || __atomic_exchange_n(&m->__data.__lock, 2, __ATOMIC_ACQUIRE) != 0)
		return false;
	mutex_owned(m, t);
	return true;
}

static DB_NOINLINE int mutex_wake(pthread_mutex_t *m)
{
	int e = errno;

	syscall(SYS_futex, &m->__data.__lock, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = e;
	return 0;
}

/* Release l (own_takes(l) true). */
static inline int own_release(void *l, enum own w)
{
	pthread_mutex_t *m = l;

	if (w == OWN_SPIN) {
		__atomic_store_n((int *)l, spin_free, __ATOMIC_RELEASE);
		return 0;
	}
	m->__data.__owner = 0;
	m->__data.__nusers--;
	if (DB_UNLIKELY(__atomic_exchange_n(&m->__data.__lock, 0, __ATOMIC_RELEASE) > 1))
		return mutex_wake(m);
	return 0;
}

/* The trylock and unlock of a mutex, by deadbolt or by libc. */
static inline int mutex_trylock_own(pthread_mutex_t *l, const struct db_thread *t)
{
	if (DB_UNLIKELY(!own_takes(l, OWN_MUTEX) || !t))
		return REAL(pthread_mutex_trylock)(l);
	return own_take(l, t, OWN_MUTEX) ? 0 : EBUSY;
}

static inline int mutex_unlock_own(pthread_mutex_t *l)
{
	if (DB_UNLIKELY(!own_takes(l, OWN_MUTEX)))
		return REAL(pthread_mutex_unlock)(l);
	return own_release(l, OWN_MUTEX);
}

/* pthread_mutex_init and mtx_init, called from pc. */
static int mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a, uintptr_t pc)
{
	int r = REAL(pthread_mutex_init)(m, a);
	struct db_thread *t;

	if (r == 0 && (t = db_thread_enter())) {
		db_lock_created(t, m, DB_LOCK_MUTEX, pc);
		db_thread_leave(t);
	}
	return r;
}

DB_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	return mutex_init(m, a, DB_CALLER_PC);
}

DB_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_check_lock_gone(t, (uintptr_t)m, DB_LOCK_MUTEX, DB_MISUSE_DESTROY_LOCKED,
				   true);
		db_lock_destroyed(t, m);
		db_thread_leave(t);
	}
	return REAL(pthread_mutex_destroy)(m);
}

/* The common body of every blocking acquisition by the program's call at
 * (pc, sp): the held entry made and the edges checked before; then a
 * trylock, and when it took the lock as prepared, the entry pushed: the
 * uncontended path costs one trylock, as a real lock would.  All else (a
 * busy lock's wait) in acquire_rest. */
#define ACQUIRE_AT(pc_, sp_, kind_, mode_, call, trycall, attempt_, user_end, ret_) \
	struct db_thread *t = db_thread_enter();			\
	if (!t)								\
		return ret_(call);					\
	int i_ = db_lock_prepare(t, (uintptr_t)l, kind_, mode_, pc_, sp_, \
				 DB_PREP_VALIDATE);			\
	int r = trycall;						\
	if (DB_LIKELY(r == 0) && db_lock_commit_quick(t, i_, (uintptr_t)l)) { \
		db_thread_leave(t);					\
		return ret_(0);						\
	}								\
	return ret_(acquire_rest(t, i_, (uintptr_t)l, kind_, mode_, pc_, sp_, r, \
				 attempt_, user_end))

#define ACQUIRE(...)	ACQUIRE_AT(DB_CALLER_PC, DB_CALLER_SP, __VA_ARGS__)

/* One slice of waiting for each kind of lock (waitfor.c calls these). */
static int mutex_attempt(void *l, uint32_t mode, const struct timespec *dl)
{
	(void)mode;
	return REAL(pthread_mutex_clocklock)(l, CLOCK_MONOTONIC, dl);
}

static int rwlock_attempt(void *l, uint32_t mode, const struct timespec *dl)
{
	return mode == DB_MODE_READ ? REAL(pthread_rwlock_clockrdlock)(l, CLOCK_MONOTONIC, dl) :
				      REAL(pthread_rwlock_clockwrlock)(l, CLOCK_MONOTONIC, dl);
}

static int spin_attempt(void *l, uint32_t mode, const struct timespec *dl)
{
	(void)mode;
	for (unsigned i = 1;; i++) {
		if (REAL(pthread_spin_trylock)(l) == 0)
			return 0;
		__builtin_ia32_pause();
		if ((i & 1023) == 0) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > dl->tv_sec ||
			    (now.tv_sec == dl->tv_sec && now.tv_nsec >= dl->tv_nsec))
				return ETIMEDOUT;
		}
	}
}

/* A deadline abs on clock c, as a CLOCK_MONOTONIC deadline in out; NULL
 * when abs is invalid (the real call then answers EINVAL itself). */
static const struct timespec *user_deadline(clockid_t c, const struct timespec *abs,
					    struct timespec *out)
{
	struct timespec now, mono;

	if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000 ||
	    clock_gettime(c, &now) != 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	long long ns = (long long)(abs->tv_sec - now.tv_sec) * 1000000000LL +
		       (abs->tv_nsec - now.tv_nsec);
	if (ns < 0)
		ns = 0;
	ns += mono.tv_nsec;
	out->tv_sec = mono.tv_sec + (time_t)(ns / 1000000000LL);
	out->tv_nsec = (long)(ns % 1000000000LL);
	return out;
}

/* glibc marks a destroyed mutex (kind -1) and answers EINVAL to a lock. */
static DB_NOINLINE DB_COLD void use_after_destroy(struct db_thread *t, uintptr_t l)
{
	if (((pthread_mutex_t *)l)->__data.__kind == -1)
		db_misuse(t, DB_MISUSE_USE_AFTER_DESTROY, l, DB_LOCK_MUTEX, UINT32_MAX, 0, 0);
}

/* An acquisition whose trylock answered r and did not simply take the
 * lock as prepared: the wait for a busy lock (waitfor.c), an entry a
 * signal handler used meanwhile, a destroyed mutex. */
static DB_NOINLINE int acquire_rest(struct db_thread *t, int i, uintptr_t l, unsigned kind,
				    uint32_t mode, uintptr_t pc, uintptr_t sp, int r,
				    db_attempt_fn attempt, const struct timespec *user_end)
{
	if (r == EBUSY)
		r = db_wait_lock(t, mode, attempt, (void *)l, user_end);
	if (r == 0)
		db_lock_commit(t, i, l, kind, mode, pc, sp, false);
	else if (r == EINVAL && kind == DB_LOCK_MUTEX)
		use_after_destroy(t, l);
	db_thread_leave(t);
	return r;
}

/* A lock a trylock took: held, no edge into it. */
static inline void trylock_taken(struct db_thread *t, uintptr_t l, unsigned kind, uint32_t mode,
				 uintptr_t pc, uintptr_t sp)
{
	db_lock_commit(t, db_lock_prepare(t, l, kind, mode, pc, sp, DB_PREP_TRY), l, kind, mode,
		       pc, sp, true);
}

/* A trylock can fail instead of waiting: no edge into it, held after.
 * The thread is entered before the real call: entering may start deadbolt
 * (the process's first call), whose set-up calls libc functions that
 * allocate, and a program with a malloc of its own (jemalloc) try-locks
 * that malloc's init lock on its first allocation. */
#define TRY_AT(pc_, sp_, kind_, mode_, call, ret_)			\
	struct db_thread *t = db_thread_enter();			\
	int r = call;							\
	if (r == 0 && t)						\
		trylock_taken(t, (uintptr_t)l, kind_, mode_, pc_, sp_);	\
	if (t)								\
		db_thread_leave(t);					\
	return ret_(r)

#define TRY(...)	TRY_AT(DB_CALLER_PC, DB_CALLER_SP, __VA_ARGS__)

/* A release of the lock on top of the held stack is done before the real
 * unlock, which then ends the shim; any other in two halves around it. */
#define RELEASE(call)							\
	struct db_thread *t = db_thread_enter();			\
	if (!t)								\
		return call;						\
	struct db_held *h_ = db_lock_top(t, (uintptr_t)l);		\
	if (DB_LIKELY(h_)) {						\
		db_lock_release_hb(t, h_);				\
		db_lock_pop(t, h_);					\
		db_thread_leave(t);					\
		return call;						\
	}								\
	int i_ = db_lock_release_begin(t, (void *)(uintptr_t)l);	\
	int r = call;							\
	db_lock_release_end(t, i_);					\
	db_thread_leave(t);						\
	return r

/* The common cases of a lock taken in deadbolt (own_takes), made without
 * a call, so that the shims save no registers; anything else goes on out
 * of line, by tail calls:
 *   slow(l, pc, sp)            the whole shim, from the start;
 *   rest(t, i, l, r, pc, sp)   a lock whose entry held[i] is prepared and
 *                              whose trylock answered r (the guard held). */
typedef int (*lock_slow_fn)(void *l, uintptr_t pc, uintptr_t sp);

/* The thread, when a fast path may run: deadbolt ready on it and not
 * working on it, l a lock taken here; NULL otherwise. */
static inline __attribute__((always_inline)) struct db_thread *fast_thread(const void *l,
									    enum own w)
{
	struct db_thread *t = db_self;

	return DB_LIKELY(!db_level && t > DB_THREAD_DEAD && own_takes(l, w)) ? t : NULL;
}

typedef int (*lock_rest_fn)(struct db_thread *t, int i, void *l, int r, uintptr_t pc,
			    uintptr_t sp);

/* A blocking acquisition taken at once, of a lock and a chain of held
 * locks seen before, with nothing to learn from the last releaser. */
static inline __attribute__((always_inline)) int
lock_fast(void *l, enum own w, unsigned kind, uintptr_t pc, uintptr_t sp, lock_slow_fn slow,
	  lock_rest_fn rest)
{
	struct db_thread *t = fast_thread(l, w);
	uintptr_t a = (uintptr_t)l;
	struct db_lock *lk;

	if (DB_UNLIKELY(!t))
		return slow(l, pc, sp);
	db_level = 1;
	int n = t->nheld;
	if (DB_UNLIKELY(!(lk = db_lock_find(a)) ||
			db_lock_prepare_entry(t, n, a, lk, kind, DB_MODE_WRITE, pc, sp, false) != n ||
			(n > 0 && db_lock_chain_new(t, n)))) {
		db_level = 0;
		return slow(l, pc, sp);
	}
	if (DB_UNLIKELY(!own_take(l, t, w)) && !own_take_contended(l, t, w))
		return rest(t, n, l, EBUSY, pc, sp);
	if (DB_UNLIKELY(!db_lock_commit_quick(t, n, a)))
		return rest(t, n, l, 0, pc, sp);
	db_level = 0;
	return 0;
}

/* A trylock's entry once it took l (the guard held). */
static DB_NOINLINE int trylock_rest(struct db_thread *t, void *l, unsigned kind, uintptr_t pc,
				    uintptr_t sp)
{
	trylock_taken(t, (uintptr_t)l, kind, DB_MODE_WRITE, pc, sp);
	db_thread_leave(t);
	return 0;
}

/* A trylock: no edge into it, held after. */
static inline __attribute__((always_inline)) int
trylock_fast(void *l, enum own w, unsigned kind, uintptr_t pc, uintptr_t sp, lock_slow_fn slow)
{
	struct db_thread *t = fast_thread(l, w);
	uintptr_t a = (uintptr_t)l;
	struct db_lock *lk;

	if (DB_UNLIKELY(!t))
		return slow(l, pc, sp);
	if (!own_take(l, t, w))
		return EBUSY;
	db_level = 1;
	int n = t->nheld;
	if (DB_UNLIKELY(!(lk = db_lock_find(a)) ||
			db_lock_prepare_entry(t, n, a, lk, kind, DB_MODE_WRITE, pc, sp, true) != n ||
			!db_lock_commit_quick(t, n, a)))
		return trylock_rest(t, l, kind, pc, sp);
	db_level = 0;
	return 0;
}

/* The release of the lock on top of the held stack with no release to
 * store for other threads.  It needs no guard: a signal handler that takes
 * locks meanwhile pushes and pops them above this entry. */
static inline __attribute__((always_inline)) int
unlock_fast(void *l, enum own w, int (*slow)(void *l))
{
	struct db_thread *t = fast_thread(l, w);
	struct db_held *h;

	if (DB_UNLIKELY(!t || !(h = db_lock_top(t, (uintptr_t)l)) ||
			!db_lock_release_hb_quick(t, h)))
		return slow(l);
	db_lock_pop(t, h);
	return own_release(l, w);
}

static DB_NOINLINE int mutex_lock_slow(void *m, uintptr_t pc, uintptr_t sp)
{
	pthread_mutex_t *l = m;

	ACQUIRE_AT(pc, sp, DB_LOCK_MUTEX, DB_MODE_WRITE, REAL(pthread_mutex_lock)(l),
		   mutex_trylock_own(l, t), mutex_attempt, NULL, AS_IS);
}

static DB_NOINLINE int mutex_lock_rest(struct db_thread *t, int i, void *l, int r, uintptr_t pc,
				       uintptr_t sp)
{
	return acquire_rest(t, i, (uintptr_t)l, DB_LOCK_MUTEX, DB_MODE_WRITE, pc, sp, r,
			    mutex_attempt, NULL);
}

DB_EXPORT int pthread_mutex_lock(pthread_mutex_t *l)
{
	return lock_fast(l, OWN_MUTEX, DB_LOCK_MUTEX, DB_CALLER_PC, DB_CALLER_SP, mutex_lock_slow,
			 mutex_lock_rest);
}

DB_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *l, const struct timespec *ts)
{
	struct timespec end;
	const struct timespec *e = user_deadline(CLOCK_REALTIME, ts, &end);

	if (!e)
		return REAL(pthread_mutex_timedlock)(l, ts);
	ACQUIRE(DB_LOCK_MUTEX, DB_MODE_WRITE, REAL(pthread_mutex_timedlock)(l, ts),
		mutex_trylock_own(l, t), mutex_attempt, e, AS_IS);
}

DB_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *l, clockid_t c, const struct timespec *ts)
{
	struct timespec end;
	const struct timespec *e = user_deadline(c, ts, &end);

	if (!e)
		return REAL(pthread_mutex_clocklock)(l, c, ts);
	ACQUIRE(DB_LOCK_MUTEX, DB_MODE_WRITE, REAL(pthread_mutex_clocklock)(l, c, ts),
		mutex_trylock_own(l, t), mutex_attempt, e, AS_IS);
}

static DB_NOINLINE int mutex_trylock_slow(void *m, uintptr_t pc, uintptr_t sp)
{
	pthread_mutex_t *l = m;

	TRY_AT(pc, sp, DB_LOCK_MUTEX, DB_MODE_WRITE, mutex_trylock_own(l, t), AS_IS);
}

DB_EXPORT int pthread_mutex_trylock(pthread_mutex_t *l)
{
	return trylock_fast(l, OWN_MUTEX, DB_LOCK_MUTEX, DB_CALLER_PC, DB_CALLER_SP,
			    mutex_trylock_slow);
}

static DB_NOINLINE int mutex_unlock_slow(void *m)
{
	pthread_mutex_t *l = m;

	RELEASE(mutex_unlock_own(l));
}

DB_EXPORT int pthread_mutex_unlock(pthread_mutex_t *l)
{
	return unlock_fast(l, OWN_MUTEX, mutex_unlock_slow);
}

/* ---- rwlocks ------------------------------------------------------------- */

DB_EXPORT int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
	int r = REAL(pthread_rwlock_init)(l, a);
	struct db_thread *t;

	if (r == 0 && (t = db_thread_enter())) {
		db_lock_created(t, l, DB_LOCK_RWLOCK, DB_CALLER_PC);
		db_thread_leave(t);
	}
	return r;
}

DB_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_check_lock_gone(t, (uintptr_t)l, DB_LOCK_RWLOCK, DB_MISUSE_DESTROY_LOCKED,
				   true);
		db_lock_destroyed(t, l);
		db_thread_leave(t);
	}
	return REAL(pthread_rwlock_destroy)(l);
}

DB_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
	ACQUIRE(DB_LOCK_RWLOCK, DB_MODE_READ, REAL(pthread_rwlock_rdlock)(l),
		REAL(pthread_rwlock_tryrdlock)(l), rwlock_attempt, NULL, AS_IS);
}

DB_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
	ACQUIRE(DB_LOCK_RWLOCK, DB_MODE_WRITE, REAL(pthread_rwlock_wrlock)(l),
		REAL(pthread_rwlock_trywrlock)(l), rwlock_attempt, NULL, AS_IS);
}

/* The timed rwlock variants share one body: mode, the caller's clock. */
#define RW_TIMED(mode_, call, trycall, c)				\
	struct timespec end;						\
	const struct timespec *e = user_deadline(c, ts, &end);		\
	if (!e)								\
		return call;						\
	ACQUIRE(DB_LOCK_RWLOCK, mode_, call, trycall, rwlock_attempt, e, AS_IS)

DB_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *ts)
{
	RW_TIMED(DB_MODE_READ, REAL(pthread_rwlock_timedrdlock)(l, ts),
		 REAL(pthread_rwlock_tryrdlock)(l), CLOCK_REALTIME);
}

DB_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *ts)
{
	RW_TIMED(DB_MODE_WRITE, REAL(pthread_rwlock_timedwrlock)(l, ts),
		 REAL(pthread_rwlock_trywrlock)(l), CLOCK_REALTIME);
}

DB_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t c, const struct timespec *ts)
{
	RW_TIMED(DB_MODE_READ, REAL(pthread_rwlock_clockrdlock)(l, c, ts),
		 REAL(pthread_rwlock_tryrdlock)(l), c);
}

DB_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t c, const struct timespec *ts)
{
	RW_TIMED(DB_MODE_WRITE, REAL(pthread_rwlock_clockwrlock)(l, c, ts),
		 REAL(pthread_rwlock_trywrlock)(l), c);
}

DB_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
	TRY(DB_LOCK_RWLOCK, DB_MODE_READ, REAL(pthread_rwlock_tryrdlock)(l), AS_IS);
}

DB_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
	TRY(DB_LOCK_RWLOCK, DB_MODE_WRITE, REAL(pthread_rwlock_trywrlock)(l), AS_IS);
}

DB_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	RELEASE(REAL(pthread_rwlock_unlock)(l));
}

/* ---- spinlocks ----------------------------------------------------------- */

DB_EXPORT int pthread_spin_init(pthread_spinlock_t *l, int shared)
{
	int r = REAL(pthread_spin_init)(l, shared);
	struct db_thread *t;

	if (r == 0 && (t = db_thread_enter())) {
		db_lock_created(t, (void *)l, DB_LOCK_SPIN, DB_CALLER_PC);
		db_thread_leave(t);
	}
	return r;
}

DB_EXPORT int pthread_spin_destroy(pthread_spinlock_t *l)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_check_lock_gone(t, (uintptr_t)l, DB_LOCK_SPIN, DB_MISUSE_DESTROY_LOCKED,
				   true);
		db_lock_destroyed(t, (void *)l);
		db_thread_leave(t);
	}
	return REAL(pthread_spin_destroy)(l);
}

static DB_NOINLINE int spin_lock_slow(void *s, uintptr_t pc, uintptr_t sp)
{
	pthread_spinlock_t *l = s;

	ACQUIRE_AT(pc, sp, DB_LOCK_SPIN, DB_MODE_WRITE, REAL(pthread_spin_lock)(l),
		   REAL(pthread_spin_trylock)(l), spin_attempt, NULL, AS_IS);
}

static DB_NOINLINE int spin_lock_rest(struct db_thread *t, int i, void *l, int r, uintptr_t pc,
				      uintptr_t sp)
{
	return acquire_rest(t, i, (uintptr_t)l, DB_LOCK_SPIN, DB_MODE_WRITE, pc, sp, r,
			    spin_attempt, NULL);
}

DB_EXPORT int pthread_spin_lock(pthread_spinlock_t *l)
{
	return lock_fast((void *)l, OWN_SPIN, DB_LOCK_SPIN, DB_CALLER_PC, DB_CALLER_SP,
			 spin_lock_slow, spin_lock_rest);
}

static DB_NOINLINE int spin_trylock_slow(void *s, uintptr_t pc, uintptr_t sp)
{
	pthread_spinlock_t *l = s;

	TRY_AT(pc, sp, DB_LOCK_SPIN, DB_MODE_WRITE, REAL(pthread_spin_trylock)(l), AS_IS);
}

DB_EXPORT int pthread_spin_trylock(pthread_spinlock_t *l)
{
	return trylock_fast((void *)l, OWN_SPIN, DB_LOCK_SPIN, DB_CALLER_PC, DB_CALLER_SP,
			    spin_trylock_slow);
}

static DB_NOINLINE int spin_unlock_slow(void *s)
{
	pthread_spinlock_t *l = s;

	RELEASE(REAL(pthread_spin_unlock)(l));
}

DB_EXPORT int pthread_spin_unlock(pthread_spinlock_t *l)
{
	return unlock_fast((void *)l, OWN_SPIN, spin_unlock_slow);
}

/* ---- condition variables ------------------------------------------------- */
/* The mutex is released while waiting and taken again before the return:
 * a release before, an acquisition (with edges from what is still held)
 * after.  The re-acquisition's edges are added after the fact, which is
 * enough for lock order. */
#define COND_WAIT(call, ret_)						\
	struct db_thread *t = db_thread_enter();			\
	if (!t)								\
		return ret_(call);					\
	struct db_acq a = { .addr = (uintptr_t)m, .kind = DB_LOCK_MUTEX, \
			    .mode = DB_MODE_WRITE, .pc = DB_CALLER_PC, .sp = DB_CALLER_SP }; \
	if (cond_check(t, c, m))					\
		db_lock_released(t, m);					\
	db_wait_cond_begin(t, (uintptr_t)c, (uintptr_t)m, a.pc);	\
	db_thread_leave(t);						\
	struct cond_wake w = { t, c, &a };				\
	int r;								\
	pthread_cleanup_push(cond_woken, &w);				\
	r = call;							\
	pthread_cleanup_pop(1);						\
	return ret_(r)

/* Which mutex each waited-on cond is used with, while it has waiters: a
 * cond used with two mutexes at once is misuse.  Small and lossy on
 * purpose (a slot per hash, overwritten): it only ever under-reports. */
#define DB_COND_SLOTS	1024

static struct {
	_Atomic uintptr_t cond, mutex;
	atomic_int waiters;
} conds[DB_COND_SLOTS];

static bool cond_check(struct db_thread *t, pthread_cond_t *c, pthread_mutex_t *m)
{
	bool held = db_lock_held(t, (uintptr_t)m) != NULL;
	unsigned i = (unsigned)(db_hash64((uintptr_t)c) & (DB_COND_SLOTS - 1));

	if (!held)
		db_misuse(t, DB_MISUSE_COND_NOT_HELD, (uintptr_t)m, DB_LOCK_MUTEX,
			  UINT32_MAX, 0, (uintptr_t)c);
	if (atomic_load(&conds[i].cond) == (uintptr_t)c && atomic_load(&conds[i].waiters) > 0) {
		uintptr_t other = atomic_load(&conds[i].mutex);
		if (other && other != (uintptr_t)m)
			db_misuse(t, DB_MISUSE_COND_TWO_MUTEXES, (uintptr_t)m, DB_LOCK_MUTEX,
				  UINT32_MAX, 0, other);
	} else {
		atomic_store(&conds[i].waiters, 0);
		atomic_store(&conds[i].cond, (uintptr_t)c);
	}
	atomic_store(&conds[i].mutex, (uintptr_t)m);
	atomic_fetch_add(&conds[i].waiters, 1);
	return held;
}

static void cond_done(pthread_cond_t *c)
{
	unsigned i = (unsigned)(db_hash64((uintptr_t)c) & (DB_COND_SLOTS - 1));

	if (atomic_load(&conds[i].cond) == (uintptr_t)c && atomic_load(&conds[i].waiters) > 0)
		atomic_fetch_sub(&conds[i].waiters, 1);
}

/* The wait is over (returned, or cancelled: glibc retakes the mutex
 * before the cancellation handlers run, so it is held either way). */
struct cond_wake {
	struct db_thread *t;
	pthread_cond_t *c;
	struct db_acq *a;
};

static void cond_woken(void *p)
{
	struct cond_wake *w = p;

	db_thread_reenter(w->t);
	db_wait_cond_end(w->t);
	cond_done(w->c);
	if (db_opt.race)
		db_clock_acquire(w->t, (uintptr_t)w->c);
	db_lock_after(w->t, w->a, DB_PREP_VALIDATE);
	db_thread_leave(w->t);
}

static bool cond_has_waiters(pthread_cond_t *c)
{
	unsigned i = (unsigned)(db_hash64((uintptr_t)c) & (DB_COND_SLOTS - 1));

	return atomic_load(&conds[i].cond) == (uintptr_t)c && atomic_load(&conds[i].waiters) > 0;
}

DB_EXPORT int pthread_cond_signal(pthread_cond_t *c)
{
	struct db_thread *t;

	if (cond_has_waiters(c) && (t = db_thread_enter())) {
		if (db_opt.race)
			db_clock_release(t, (uintptr_t)c);
		db_wait_cond_wake((uintptr_t)c, false);
		db_thread_leave(t);
	}
	return REAL(pthread_cond_signal)(c);
}

DB_EXPORT int pthread_cond_broadcast(pthread_cond_t *c)
{
	struct db_thread *t;

	if (cond_has_waiters(c) && (t = db_thread_enter())) {
		if (db_opt.race)
			db_clock_release(t, (uintptr_t)c);
		db_wait_cond_wake((uintptr_t)c, true);
		db_thread_leave(t);
	}
	return REAL(pthread_cond_broadcast)(c);
}

DB_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	COND_WAIT(REAL(pthread_cond_wait)(c, m), AS_IS);
}

DB_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
				     const struct timespec *ts)
{
	COND_WAIT(REAL(pthread_cond_timedwait)(c, m, ts), AS_IS);
}

DB_EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
				     const struct timespec *ts)
{
	COND_WAIT(REAL(pthread_cond_clockwait)(c, m, clk, ts), AS_IS);
}

/* ---- annotations (include/deadbolt.h) ------------------------------------ */
/* The caller pc/sp are the annotation call site, like a lock shim's. */

#include "deadbolt.h"

static inline unsigned ann_mode(int flags)
{
	return flags & DEADBOLT_LOCK_READ ? DB_MODE_READ : DB_MODE_WRITE;
}

DB_EXPORT int deadbolt_api_version(void)
{
	return DEADBOLT_API_VERSION;
}

void db_custom_created(const void *l, uintptr_t pc)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_lock_created(t, (void *)(uintptr_t)l, DB_LOCK_CUSTOM, pc);
		db_thread_leave(t);
	}
}

void db_custom_destroyed(const void *l)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_lock_destroyed(t, (void *)(uintptr_t)l);
		db_thread_leave(t);
	}
}

DB_EXPORT void deadbolt_lock_created(const void *l)
{
	db_custom_created(l, DB_CALLER_PC);
}

DB_EXPORT void deadbolt_lock_destroyed(const void *l)
{
	db_custom_destroyed(l);
}

void db_custom_acquire(const void *l, int flags, uintptr_t pc, uintptr_t sp)
{
	struct db_thread *t;

	if (!(flags & DEADBOLT_LOCK_TRY) && (t = db_thread_enter())) {
		struct db_acq a = { .addr = (uintptr_t)l, .kind = DB_LOCK_CUSTOM,
				    .mode = ann_mode(flags), .pc = pc, .sp = sp };
		db_lock_before(t, &a);
		db_thread_leave(t);
	}
}

void db_custom_acquired(const void *l, int flags, uintptr_t pc, uintptr_t sp)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		struct db_acq a = { .addr = (uintptr_t)l, .kind = DB_LOCK_CUSTOM,
				    .mode = ann_mode(flags), .pc = pc, .sp = sp };
		db_lock_after(t, &a, flags & DEADBOLT_LOCK_TRY ? DB_PREP_TRY : 0);
		db_thread_leave(t);
	}
}

void db_custom_released(const void *l)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_lock_released(t, (void *)(uintptr_t)l);
		db_thread_leave(t);
	}
}

bool db_custom_held(const void *l)
{
	struct db_thread *t = db_thread_enter();
	bool held = false;

	if (t) {
		held = db_lock_held(t, (uintptr_t)l) != NULL;
		db_thread_leave(t);
	}
	return held;
}

DB_EXPORT void deadbolt_lock_acquire(const void *l, int flags)
{
	db_custom_acquire(l, flags, DB_CALLER_PC, DB_CALLER_SP);
}

DB_EXPORT void deadbolt_lock_acquired(const void *l, int flags)
{
	db_custom_acquired(l, flags, DB_CALLER_PC, DB_CALLER_SP);
}

DB_EXPORT void deadbolt_lock_released(const void *l)
{
	db_custom_released(l);
}

DB_EXPORT void deadbolt_benign_race(const void *p, size_t n)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_race_benign((uintptr_t)p, n);
		db_thread_leave(t);
	}
}

DB_EXPORT void deadbolt_ignore_leak(const void *p)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_alloc_ignore(p);
		db_thread_leave(t);
	}
}

/* ---- threads ------------------------------------------------------------- */

DB_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
			     void *(*fn)(void *), void *arg)
{
	struct db_thread *t = db_thread_enter();

	if (!t)
		return REAL(pthread_create)(th, attr, fn, arg);
	int r = db_thread_create(th, attr, fn, NULL, arg);
	db_thread_leave(t);
	return r;
}

static int join(pthread_t th, void **ret, const struct db_join_how *how)
{
	struct db_thread *t = db_thread_enter();

	if (!t) {
		if (how->kind == DB_JOIN_UNTIL)
			return REAL(pthread_clockjoin_np)(th, ret, how->clock, how->abstime);
		return how->kind == DB_JOIN_TRY ? REAL(pthread_tryjoin_np)(th, ret)
						: REAL(pthread_join)(th, ret);
	}
	int r = db_thread_join(t, th, ret, how);
	db_thread_leave(t);
	return r;
}

DB_EXPORT int pthread_join(pthread_t th, void **ret)
{
	return join(th, ret, &(struct db_join_how){ .kind = DB_JOIN_WAIT });
}

DB_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
	return join(th, ret, &(struct db_join_how){ .kind = DB_JOIN_TRY });
}

DB_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
	return join(th, ret, &(struct db_join_how){ DB_JOIN_UNTIL, CLOCK_REALTIME, abstime });
}

DB_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t c,
				   const struct timespec *abstime)
{
	return join(th, ret, &(struct db_join_how){ DB_JOIN_UNTIL, c, abstime });
}

DB_EXPORT int pthread_detach(pthread_t th)
{
	struct db_thread *t = db_thread_enter();

	if (t) {
		db_thread_detach(t, th);
		db_thread_leave(t);
	}
	return REAL(pthread_detach)(th);
}

/* ---- semaphores and barriers: happens-before only ------------------------- */

void db_hb_release(const void *obj)
{
	struct db_thread *t;

	if (db_opt.race && (t = db_thread_enter())) {
		db_clock_release(t, (uintptr_t)obj);
		db_thread_leave(t);
	}
}

int db_hb_acquired(const void *obj, int r)
{
	struct db_thread *t;

	if (r == 0 && db_opt.race && (t = db_thread_enter())) {
		int e = errno;
		db_clock_acquire(t, (uintptr_t)obj);
		db_thread_leave(t);
		errno = e;
	}
	return r;
}

/* The annotations of include/deadbolt.h: a hand-off deadbolt cannot see. */
DB_EXPORT void deadbolt_happens_before(const void *x)
{
	db_hb_release(x);
}

DB_EXPORT void deadbolt_happens_after(const void *x)
{
	db_hb_acquired(x, 0);
}

DB_EXPORT int sem_post(sem_t *s)
{
	db_hb_release(s);
	return REAL(sem_post)(s);
}

DB_EXPORT int sem_wait(sem_t *s)
{
	return db_hb_acquired(s, REAL(sem_wait)(s));
}

DB_EXPORT int sem_trywait(sem_t *s)
{
	return db_hb_acquired(s, REAL(sem_trywait)(s));
}

DB_EXPORT int sem_timedwait(sem_t *s, const struct timespec *ts)
{
	return db_hb_acquired(s, REAL(sem_timedwait)(s, ts));
}

DB_EXPORT int sem_clockwait(sem_t *s, clockid_t c, const struct timespec *ts)
{
	return db_hb_acquired(s, REAL(sem_clockwait)(s, c, ts));
}

/* Every thread's arrival is before every thread's departure. */
DB_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
	db_hb_release(b);
	int r = REAL(pthread_barrier_wait)(b);
	db_hb_acquired(b, r == PTHREAD_BARRIER_SERIAL_THREAD ? 0 : r);
	return r;
}

/* ---- once ---------------------------------------------------------------
 * pthread_once: whatever the initialiser wrote is before every return of
 * a call on the same once control.  glibc calls the routine on the
 * caller's thread; once_run finds it through a thread-local link (restored
 * before the routine runs, which may throw or call pthread_once itself). */
struct once_call {
	pthread_once_t *o;
	void (*fn)(void);
	struct once_call *up;
};

static __thread struct once_call *once_top
	__attribute__((tls_model("initial-exec")));

static void once_run(void)
{
	struct once_call *c = once_top;

	once_top = c->up;
	c->fn();
	db_hb_release(c->o);
}

DB_EXPORT int pthread_once(pthread_once_t *o, void (*fn)(void))
{
	if (!db_opt.race || db_level != 0 || !atomic_load(&db_race_active))
		return REAL(pthread_once)(o, fn);
	struct once_call c = { o, fn, once_top };
	once_top = &c;
	int r = REAL(pthread_once)(o, once_run);
	once_top = c.up;	/* if the routine never ran */
	return db_hb_acquired(o, r);
}

/* ---- C++ function-local statics ---------------------------------------------
 * libstdc++'s guard: acquire answers 1 to the one thread that initialises
 * the static, release publishes it.  Accesses between them are not sampled
 * (race.c): a thread that uses the static later checks the guard byte
 * inline, so no happens-before could come from a call. */
DB_EXPORT int __cxa_guard_acquire(int64_t *g)
{
	static int (*real)(int64_t *);

	if (!real)
		*(void **)&real = sym("__cxa_guard_acquire");
	int r = real ? real(g) : 0;
	if (r && db_self > DB_THREAD_DEAD)
		db_self->static_init++;
	return r;
}

static void guard_done(int64_t *g, void (**real)(int64_t *), const char *name)
{
	if (!*real)
		*(void **)real = sym(name);
	if (db_self > DB_THREAD_DEAD && db_self->static_init > 0)
		db_self->static_init--;
	if (*real)
		(*real)(g);
}

DB_EXPORT void __cxa_guard_release(int64_t *g)
{
	static void (*real)(int64_t *);

	guard_done(g, &real, "__cxa_guard_release");
}

DB_EXPORT void __cxa_guard_abort(int64_t *g)
{
	static void (*real)(int64_t *);

	guard_done(g, &real, "__cxa_guard_abort");
}

/* ---- C11 threads ----------------------------------------------------------
 * glibc's <threads.h> functions call its pthread functions inside libc,
 * past the shims above: each has a shim of its own, the same body, with
 * the result mapped as glibc maps it.  mtx_t, cnd_t and once_flag are
 * glibc's pthread types under other names. */

static inline int thrd_status(int e)
{
	switch (e) {
	case 0:
		return thrd_success;
	case EAGAIN:
	case ENOMEM:
		return thrd_nomem;
	case ETIMEDOUT:
		return thrd_timedout;
	case EBUSY:
		return thrd_busy;
	default:
		return thrd_error;
	}
}

DB_EXPORT int thrd_create(thrd_t *th, thrd_start_t fn, void *arg)
{
	struct db_thread *t = db_thread_enter();

	if (!t)
		return REAL(thrd_create)((pthread_t *)th, fn, arg);
	int r = db_thread_create((pthread_t *)th, NULL, NULL, fn, arg);
	db_thread_leave(t);
	return thrd_status(r);
}

DB_EXPORT int thrd_join(thrd_t th, int *res)
{
	void *ret;
	int r = join(th, &ret, &(struct db_join_how){ .kind = DB_JOIN_WAIT });

	if (r == 0 && res)
		*res = (int)(intptr_t)ret;
	return thrd_status(r);
}

DB_EXPORT int thrd_detach(thrd_t th)
{
	return thrd_status(pthread_detach(th));
}

DB_EXPORT void call_once(once_flag *o, void (*fn)(void))
{
	pthread_once((pthread_once_t *)o, fn);
}

DB_EXPORT int mtx_init(mtx_t *m, int type)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type & mtx_recursive ? PTHREAD_MUTEX_RECURSIVE
							   : PTHREAD_MUTEX_NORMAL);
	return thrd_status(mutex_init((pthread_mutex_t *)m, &a, DB_CALLER_PC));
}

DB_EXPORT void mtx_destroy(mtx_t *m)
{
	pthread_mutex_destroy((pthread_mutex_t *)m);
}

DB_EXPORT int mtx_lock(mtx_t *m)
{
	pthread_mutex_t *l = (pthread_mutex_t *)m;

	ACQUIRE(DB_LOCK_MUTEX, DB_MODE_WRITE, REAL(pthread_mutex_lock)(l),
		mutex_trylock_own(l, t), mutex_attempt, NULL, thrd_status);
}

DB_EXPORT int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict ts)
{
	pthread_mutex_t *l = (pthread_mutex_t *)m;
	struct timespec end;
	const struct timespec *e = user_deadline(CLOCK_REALTIME, ts, &end);

	if (!e)
		return thrd_status(REAL(pthread_mutex_timedlock)(l, ts));
	ACQUIRE(DB_LOCK_MUTEX, DB_MODE_WRITE, REAL(pthread_mutex_timedlock)(l, ts),
		mutex_trylock_own(l, t), mutex_attempt, e, thrd_status);
}

DB_EXPORT int mtx_trylock(mtx_t *m)
{
	pthread_mutex_t *l = (pthread_mutex_t *)m;

	TRY(DB_LOCK_MUTEX, DB_MODE_WRITE, mutex_trylock_own(l, t), thrd_status);
}

DB_EXPORT int mtx_unlock(mtx_t *m)
{
	return thrd_status(pthread_mutex_unlock((pthread_mutex_t *)m));
}

DB_EXPORT int cnd_signal(cnd_t *c)
{
	return thrd_status(pthread_cond_signal((pthread_cond_t *)c));
}

DB_EXPORT int cnd_broadcast(cnd_t *c)
{
	return thrd_status(pthread_cond_broadcast((pthread_cond_t *)c));
}

DB_EXPORT int cnd_wait(cnd_t *cv, mtx_t *mx)
{
	pthread_cond_t *c = (pthread_cond_t *)cv;
	pthread_mutex_t *m = (pthread_mutex_t *)mx;

	COND_WAIT(REAL(pthread_cond_wait)(c, m), thrd_status);
}

DB_EXPORT int cnd_timedwait(cnd_t *restrict cv, mtx_t *restrict mx,
			    const struct timespec *restrict ts)
{
	pthread_cond_t *c = (pthread_cond_t *)cv;
	pthread_mutex_t *m = (pthread_mutex_t *)mx;

	COND_WAIT(REAL(pthread_cond_timedwait)(c, m, ts), thrd_status);
}

/* ---- signals: SIGTRAP belongs to the race detector while it watches ------- */

DB_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct sigaction copy;
	int r;

	if (sig == SIGTRAP && db_race_sigaction(sig, act, old, &r))
		return r;
	/* a handler that blocks SIGTRAP would make caught accesses late */
	if (act && db_opt.race && sigismember(&act->sa_mask, SIGTRAP)) {
		copy = *act;
		sigdelset(&copy.sa_mask, SIGTRAP);
		act = &copy;
	}
	return REAL(sigaction)(sig, act, old);
}

/* Code whose sampled bytes deadbolt writes with stores stays writable
 * (race.c) */
DB_EXPORT int mprotect(void *p, size_t n, int prot)
{
	int (*real)(void *, size_t, int) = REAL(mprotect);

	return db_opt.race ? db_race_mprotect(real, p, n, prot) : real(p, n, prot);
}

DB_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	struct sigaction a = { .sa_handler = h, .sa_flags = SA_RESTART }, old;
	int r;

	if (sig == SIGTRAP && db_race_sigaction(sig, &a, &old, &r))
		return old.sa_handler;	/* a union with sa_sigaction */
	return REAL(signal)(sig, h);
}

DB_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy;

	return REAL(sigprocmask)(how, db_race_mask(how, set, &copy), old);
}

DB_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy;

	return REAL(pthread_sigmask)(how, db_race_mask(how, set, &copy), old);
}

/* ---- memory ------------------------------------------------------------- */
/* Before the real allocator is known (dlsym allocates while we look it up,
 * and other libraries' constructors may allocate before ours runs), blocks
 * come from a static bootstrap pool; free() of a pool block does nothing and
 * realloc() of one copies it out. */

#define DB_BOOT_POOL	(256 * 1024)	/* bytes for allocations made before the
					 * real malloc is resolved */

struct boot_hdr {
	size_t size;
	size_t pad;			/* keeps blocks 16-byte aligned */
};

static char boot_pool[DB_BOOT_POOL] __attribute__((aligned(64)));
static atomic_size_t boot_used;
static __thread int resolving_alloc;

static bool in_boot(const void *p)
{
	return (const char *)p >= boot_pool && (const char *)p < boot_pool + sizeof(boot_pool);
}

static void *boot_alloc(size_t n, size_t align)
{
	if (align < 16)
		align = 16;
	for (;;) {
		size_t at = atomic_load(&boot_used);
		size_t start = (at + sizeof(struct boot_hdr) + align - 1) & ~(align - 1);
		if (n > sizeof(boot_pool) || start + n > sizeof(boot_pool))
			return NULL;
		if (atomic_compare_exchange_weak(&boot_used, &at, start + n)) {
			((struct boot_hdr *)(boot_pool + start))[-1].size = n;
			return boot_pool + start;
		}
	}
}

/* Resolve the allocation functions; false while that is under way on this
 * thread (the caller then uses the pool). */
static bool resolve_alloc(void)
{
	if (resolving_alloc)
		return false;
	resolving_alloc = 1;
	RESOLVE(malloc);
	RESOLVE(calloc);
	RESOLVE(realloc);
	RESOLVE(reallocarray);
	RESOLVE(free);
	RESOLVE(posix_memalign);
	RESOLVE(aligned_alloc);
	RESOLVE(memalign);
	RESOLVE(valloc);
	RESOLVE(pvalloc);
	resolving_alloc = 0;
	return db_real.malloc && db_real.calloc && db_real.realloc && db_real.free;
}

#define ALLOC_READY()	(DB_LIKELY(db_real.malloc != NULL) || resolve_alloc())

/* Record a block the real allocator just returned (one returned while the
 * guard was up goes unrecorded: alloc.c must know that it happened). */
#define ALLOC_RECORD(p, n)						\
	do {								\
		struct db_thread *t_;					\
		if (DB_LIKELY(p) && (t_ = db_alloc_enter())) {		\
			db_alloc_add(t_, (p), (n), DB_CALLER_PC, DB_CALLER_SP);		\
			db_thread_leave(t_);				\
		} else if ((p) && db_level) {				\
			db_alloc_untracked();				\
		}							\
	} while (0)

DB_EXPORT void *malloc(size_t n)
{
	if (!ALLOC_READY())
		return boot_alloc(n, 16);
	void *p = db_real.malloc(n);
	ALLOC_RECORD(p, n);
	return p;
}

DB_EXPORT void *calloc(size_t k, size_t n)
{
	if (!ALLOC_READY()) {
		size_t total;
		if (__builtin_mul_overflow(k, n, &total))
			return NULL;
		return boot_alloc(total, 16);	/* the pool is zeroed, never reused */
	}
	void *p = db_real.calloc(k, n);
	ALLOC_RECORD(p, k * n);
	return p;
}

DB_EXPORT void free(void *p)
{
	if (!p || in_boot(p))
		return;
	if (!ALLOC_READY())
		return;		/* cannot happen for a block the real malloc made */
	struct db_thread *t = db_alloc_enter();
	if (!t) {
		db_real.free(p);
		return;
	}
	db_alloc_free(t, p);
	db_thread_leave(t);
}

DB_EXPORT void *realloc(void *p, size_t n)
{
	if (!ALLOC_READY())
		return p ? NULL : boot_alloc(n, 16);
	if (p && in_boot(p)) {
		void *q = malloc(n);
		size_t old = ((struct boot_hdr *)p)[-1].size;
		if (q)
			memcpy(q, p, old < n ? old : n);
		return q;
	}
	struct db_thread *t = db_alloc_enter();
	if (!t) {
		void *q = db_real.realloc(p, n);
		if (q && db_level)
			db_alloc_untracked();
		return q;
	}
	void *q = db_alloc_realloc(t, p, n, DB_CALLER_PC, DB_CALLER_SP);
	db_thread_leave(t);
	return q;
}

DB_EXPORT void *reallocarray(void *p, size_t k, size_t n)
{
	size_t total;

	if (__builtin_mul_overflow(k, n, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

DB_EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	if (!ALLOC_READY()) {
		void *p = boot_alloc(n, align);
		if (!p)
			return ENOMEM;
		*out = p;
		return 0;
	}
	int r = db_real.posix_memalign(out, align, n);
	if (r == 0)
		ALLOC_RECORD(*out, n);
	return r;
}

#define ALIGNED(call, n)						\
	if (!ALLOC_READY())						\
		return NULL;						\
	void *p = call;							\
	ALLOC_RECORD(p, n);						\
	return p

DB_EXPORT void *aligned_alloc(size_t align, size_t n)
{
	ALIGNED(db_real.aligned_alloc(align, n), n);
}

DB_EXPORT void *memalign(size_t align, size_t n)
{
	ALIGNED(db_real.memalign(align, n), n);
}

DB_EXPORT void *valloc(size_t n)
{
	ALIGNED(db_real.valloc(n), n);
}

DB_EXPORT void *pvalloc(size_t n)
{
	ALIGNED(db_real.pvalloc(n), n);
}

/* ---- descriptors (track_fds=1) -------------------------------------------- */
/* Every shim passes through; only a successful open is recorded. */

#define FD_OPENED(fd, what)						\
	do {								\
		struct db_thread *t_;					\
		if ((fd) >= 0 && db_opt.track_fds && (t_ = db_thread_enter())) { \
			db_fd_opened(t_, (fd), (what));			\
			db_thread_leave(t_);				\
		}							\
	} while (0)

#define FD_PAIR_OPENED(r, fds, what)					\
	do {								\
		if ((r) == 0) {						\
			FD_OPENED((fds)[0], what);			\
			FD_OPENED((fds)[1], what);			\
		}							\
	} while (0)

/* open's mode argument exists only with O_CREAT or O_TMPFILE */
#define OPEN_MODE(flags, last)						\
	mode_t mode = 0;						\
	if ((flags) & (O_CREAT | __O_TMPFILE)) {			\
		va_list ap;						\
		va_start(ap, last);					\
		mode = (mode_t)va_arg(ap, int);				\
		va_end(ap);						\
	}

DB_EXPORT int open(const char *path, int flags, ...)
{
	OPEN_MODE(flags, flags);
	int fd = REAL(open)(path, flags, mode);
	FD_OPENED(fd, path);
	return fd;
}

DB_EXPORT int open64(const char *path, int flags, ...)
{
	OPEN_MODE(flags, flags);
	int fd = REAL(open64)(path, flags, mode);
	FD_OPENED(fd, path);
	return fd;
}

DB_EXPORT int openat(int dir, const char *path, int flags, ...)
{
	OPEN_MODE(flags, flags);
	int fd = REAL(openat)(dir, path, flags, mode);
	FD_OPENED(fd, path);
	return fd;
}

DB_EXPORT int openat64(int dir, const char *path, int flags, ...)
{
	OPEN_MODE(flags, flags);
	int fd = REAL(openat64)(dir, path, flags, mode);
	FD_OPENED(fd, path);
	return fd;
}

DB_EXPORT int creat(const char *path, mode_t mode)
{
	int fd = REAL(creat)(path, mode);
	FD_OPENED(fd, path);
	return fd;
}

DB_EXPORT int socket(int domain, int type, int proto)
{
	int fd = REAL(socket)(domain, type, proto);
	FD_OPENED(fd, "socket");
	return fd;
}

DB_EXPORT int socketpair(int domain, int type, int proto, int sv[2])
{
	int r = REAL(socketpair)(domain, type, proto, sv);
	FD_PAIR_OPENED(r, sv, "socketpair");
	return r;
}

DB_EXPORT int accept(int s, struct sockaddr *addr, socklen_t *len)
{
	int fd = REAL(accept)(s, addr, len);
	FD_OPENED(fd, "accepted socket");
	return fd;
}

DB_EXPORT int accept4(int s, struct sockaddr *addr, socklen_t *len, int flags)
{
	int fd = REAL(accept4)(s, addr, len, flags);
	FD_OPENED(fd, "accepted socket");
	return fd;
}

DB_EXPORT int pipe(int fds[2])
{
	int r = REAL(pipe)(fds);
	FD_PAIR_OPENED(r, fds, "pipe");
	return r;
}

DB_EXPORT int pipe2(int fds[2], int flags)
{
	int r = REAL(pipe2)(fds, flags);
	FD_PAIR_OPENED(r, fds, "pipe");
	return r;
}

DB_EXPORT int dup(int old)
{
	int fd = REAL(dup)(old);
	FD_OPENED(fd, "dup");
	return fd;
}

/* dup2/dup3 over an open descriptor close it first: a new open either way */
DB_EXPORT int dup2(int old, int fd)
{
	if (DB_UNLIKELY(db_race_active) && old != fd)
		db_race_fd_closing(fd);
	int r = REAL(dup2)(old, fd);
	if (r >= 0 && r != old)
		FD_OPENED(r, "dup2");
	return r;
}

DB_EXPORT int dup3(int old, int fd, int flags)
{
	if (DB_UNLIKELY(db_race_active))
		db_race_fd_closing(fd);
	int r = REAL(dup3)(old, fd, flags);
	FD_OPENED(r, "dup3");
	return r;
}

DB_EXPORT int eventfd(unsigned v, int flags)
{
	int fd = REAL(eventfd)(v, flags);
	FD_OPENED(fd, "eventfd");
	return fd;
}

DB_EXPORT int epoll_create1(int flags)
{
	int fd = REAL(epoll_create1)(flags);
	FD_OPENED(fd, "epoll");
	return fd;
}

DB_EXPORT int memfd_create(const char *name, unsigned flags)
{
	int fd = REAL(memfd_create)(name, flags);
	FD_OPENED(fd, "memfd");
	return fd;
}

/* stdio opens and closes through libc's internal calls, not the shims */
DB_EXPORT FILE *fopen(const char *path, const char *mode)
{
	FILE *f = REAL(fopen)(path, mode);
	if (f)
		FD_OPENED(fileno(f), path);
	return f;
}

DB_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	FILE *f = REAL(fopen64)(path, mode);
	if (f)
		FD_OPENED(fileno(f), path);
	return f;
}

DB_EXPORT int fclose(FILE *f)
{
	if (db_opt.track_fds && f)
		db_fd_closed(fileno(f));
	return REAL(fclose)(f);
}

DB_EXPORT int close(int fd)
{
	if (DB_UNLIKELY(db_race_active))
		db_race_fd_closing(fd);
	if (db_opt.track_fds)
		db_fd_closed(fd);
	return REAL(close)(fd);
}

/* ---- modules and process end --------------------------------------------- */

/* db_in_dl: allocations the loader makes meanwhile, with its lock held,
 * get no stack (see stack.c). */
DB_EXPORT void *dlopen(const char *file, int mode)
{
	db_in_dl++;
	void *h = REAL(dlopen)(file, mode);
	db_in_dl--;
	struct db_thread *t;

	if (h && (t = db_thread_enter())) {
		db_log_dlopened(h);
		db_log_modules_sync(false);
		db_stack_modules_sync();
		if (!db_in_dl)	/* not inside an outer dlopen (a constructor's),
				 * whose loader lock the sampler's scan needs:
				 * the outer one's return scans for both */
			db_race_modules_changed();
		db_thread_leave(t);
	}
	return h;
}

DB_EXPORT int dlclose(void *h)
{
	struct db_thread *t0 = db_thread_enter();

	if (t0) {
		db_race_dlclose_begin();
		db_thread_leave(t0);
	}
	db_in_dl++;
	int r = REAL(dlclose)(h);
	db_in_dl--;
	if (t0) {
		db_thread_reenter(t0);
		db_race_dlclose_end();
		db_thread_leave(t0);
	}
	struct db_thread *t;

	if (r == 0 && (t = db_thread_enter())) {
		db_log_modules_sync(false);
		db_stack_modules_sync();
		db_log_modules_forget_locks();
		db_thread_leave(t);
	}
	return r;
}

static int (*real_main)(int, char **, char **);

static int main_wrapper(int argc, char **argv, char **envp)
{
	int r = real_main(argc, argv, envp);

	if (atomic_load(&db_ready) == 1) {
		db_race_exit();
		db_log_exit(r);
	}
	return r;
}

/* Wrapping main is the only way to see the status of a return from main
 * (libc's exit call after it is internal, not through the PLT). */
DB_EXPORT int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
				void (*init)(void), void (*fini)(void),
				void (*rtld_fini)(void), void *stack_end)
{
	if (!db_real.libc_start_main)
		*(void **)&db_real.libc_start_main = sym("__libc_start_main");
	real_main = main;
	return db_real.libc_start_main(main_wrapper, argc, argv, init, fini, rtld_fini,
				       stack_end);
}

/* The process ends: stop sampling and log the status, unless this is a
 * vfork child, whose memory and log are its parent's. */
static void ending(int status)
{
	if (atomic_load(&db_ready) == 1 && db_level == 0 && !db_log_foreign()) {
		db_race_exit();
		db_log_exit(status);
	}
}

DB_EXPORT void exit(int status)
{
	ending(status);
	REAL(exit)(status);
}

DB_EXPORT void _exit(int status)
{
	ending(status);
	REAL(_exit)(status);
}

DB_EXPORT void _Exit(int status)
{
	_exit(status);
}

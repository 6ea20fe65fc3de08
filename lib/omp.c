/* omp.c - OpenMP (GCC's libgomp, and LLVM's libomp at the end): the order
 * their own synchronisation makes.
 *
 * libgomp synchronises its teams with futexes of its own, not pthreads:
 * without these shims the end of a barrier, a critical section or an omp
 * lock orders nothing for deadbolt, and a healthy program that writes a
 * variable in one thread before a barrier and reads it in another after
 * it would be reported as a data race.  The program calls these entry
 * points through its PLT, so the preloaded runtime sees them first and
 * passes each on to libgomp (looked up on first use: a program that never
 * calls them never loads anything).
 *
 * What each construct passes on:
 *   parallel region    the master's present to every member (the fork),
 *                      every member's end to the master after it (the
 *                      join): the region's body runs in region_body
 *   barrier            GOMP_barrier and the barriers that end worksharing
 *                      (loop, sections, single copyprivate): every
 *                      member's past to every member's future, through one
 *                      clock for all teams (two teams meeting in it only
 *                      gain order: races hidden, never invented)
 *   critical, atomic,  locks (lock order and happens-before), as the
 *   ordered, omp locks annotations of deadbolt.h are; a nested omp lock is
 *                      re-entered as a recursive mutex is
 *   task               its maker's present to the task (each thread
 *                      releases into a clock of its own; the task's body
 *                      runs in task_body), the task's end to whoever
 *                      waits for tasks: taskwait, the end of a taskgroup,
 *                      the next barrier, the region's end (one clock for
 *                      all tasks), and, for a task with dependences, to
 *                      its start
 * Threads that libgomp starts for a team are its pool: they run until the
 * process exits by design, and are no thread leak.
 *
 * Not followed: taskloop (libgomp fills the first words of each task's
 * data itself), detached tasks (it writes the event into the data), and
 * the pre-4.9 GCC entry points GOMP_parallel_start/_end.  LLVM's runtime:
 * see its section below.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadbolt.h"
#include "internal.h"

/* The function `name` of libgomp, found on first use (pc: the program's
 * call).  A libgomp that a library loaded with dlopen(RTLD_LOCAL) brought
 * in is not in the global scope, where RTLD_NEXT looks, yet that library's
 * calls come here first: then the symbol is looked up from the calling
 * object, whose own search list (itself and its dependencies) has that
 * libgomp; glibc's link_map of an object is a handle dlsym takes.  No
 * dlopen or dlclose here: both are deadbolt's shims, which wait for the
 * race sampler, and this may run on any thread of a team. */
static void *gomp_sym(void *_Atomic *slot, const char *name, uintptr_t pc)
{
	void *p = atomic_load_explicit(slot, memory_order_acquire);

	if (DB_LIKELY(p))
		return p;
	p = dlsym(RTLD_NEXT, name);
	if (!p) {
		Dl_info info;
		struct link_map *lm = NULL;
		if (dladdr1((void *)pc, &info, (void **)&lm, RTLD_DL_LINKMAP) && lm)
			p = dlsym(lm, name);
	}
	if (!p) {
		db_warn("%s: called, but no loaded libgomp has it", name);
		abort();
	}
	atomic_store_explicit(slot, p, memory_order_release);
	return p;
}

#define GOMP_REAL(type, name)						\
	static void *_Atomic real_;					\
	type = gomp_sym(&real_, name, DB_CALLER_PC)

/* Keys of the clocks (and lock identities) of one-per-process objects. */
static char barrier_key, critical_key, atomic_key, ordered_key, task_done_key;

/* ---- parallel regions ------------------------------------------------------ */

struct region {
	void (*fn)(void *);
	void *data;
	char fork, join;	/* their addresses key the region's two clocks */
};

static void region_body(void *arg)
{
	struct region *r = arg;

	db_creating_pool = false;
	db_hb_acquired(&r->fork, 0);
	r->fn(r->data);
	db_hb_release(&r->join);
}

/* The master's side around the real call (CALL, with region_body and &r
 * in place of fn and data). */
#define REGION(call)							\
	struct region r = { fn, data, 0, 0 };				\
	db_hb_release(&r.fork);						\
	db_creating_pool = true;					\
	call;								\
	db_creating_pool = false;					\
	db_hb_acquired(&r.join, 0);					\
	db_hb_acquired(&task_done_key, 0)	/* tasks run to the region's end */

DB_EXPORT void GOMP_parallel(void (*fn)(void *), void *data, unsigned n, unsigned flags)
{
	GOMP_REAL(void (*f)(void (*)(void *), void *, unsigned, unsigned), "GOMP_parallel");
	REGION(f(region_body, &r, n, flags));
}

DB_EXPORT unsigned GOMP_parallel_reductions(void (*fn)(void *), void *data, unsigned n,
					    unsigned flags)
{
	GOMP_REAL(unsigned (*f)(void (*)(void *), void *, unsigned, unsigned),
		  "GOMP_parallel_reductions");
	unsigned ret;
	REGION(ret = f(region_body, &r, n, flags));
	return ret;
}

DB_EXPORT void GOMP_parallel_sections(void (*fn)(void *), void *data, unsigned n,
				      unsigned count, unsigned flags)
{
	GOMP_REAL(void (*f)(void (*)(void *), void *, unsigned, unsigned, unsigned),
		  "GOMP_parallel_sections");
	REGION(f(region_body, &r, n, count, flags));
}

/* parallel loops with a chunk size */
#define PARALLEL_LOOP(name)						\
DB_EXPORT void name(void (*fn)(void *), void *data, unsigned n, long start, long end, \
		    long incr, long chunk, unsigned flags)		\
{									\
	GOMP_REAL(void (*f)(void (*)(void *), void *, unsigned, long, long, long, long, \
			    unsigned), #name);				\
	REGION(f(region_body, &r, n, start, end, incr, chunk, flags));	\
}

/* parallel loops scheduled at run time: no chunk size */
#define PARALLEL_LOOP_RUNTIME(name)					\
DB_EXPORT void name(void (*fn)(void *), void *data, unsigned n, long start, long end, \
		    long incr, unsigned flags)				\
{									\
	GOMP_REAL(void (*f)(void (*)(void *), void *, unsigned, long, long, long, \
			    unsigned), #name);				\
	REGION(f(region_body, &r, n, start, end, incr, flags));	\
}

PARALLEL_LOOP(GOMP_parallel_loop_static)
PARALLEL_LOOP(GOMP_parallel_loop_dynamic)
PARALLEL_LOOP(GOMP_parallel_loop_guided)
PARALLEL_LOOP(GOMP_parallel_loop_nonmonotonic_dynamic)
PARALLEL_LOOP(GOMP_parallel_loop_nonmonotonic_guided)
PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_runtime)
PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_nonmonotonic_runtime)
PARALLEL_LOOP_RUNTIME(GOMP_parallel_loop_maybe_nonmonotonic_runtime)

/* ---- barriers -------------------------------------------------------------- */

/* every member's past before the barrier, every member's future after */
static void barrier_arrive(void)
{
	db_hb_release(&barrier_key);
}

static void barrier_leave(void)
{
	db_hb_acquired(&barrier_key, 0);
}

#define BARRIER(name)							\
DB_EXPORT void name(void)						\
{									\
	GOMP_REAL(void (*f)(void), #name);				\
	barrier_arrive();						\
	f();								\
	barrier_leave();						\
}

/* the cancellable ones answer whether the region was cancelled */
#define BARRIER_CANCEL(name)						\
DB_EXPORT bool name(void)						\
{									\
	GOMP_REAL(bool (*f)(void), #name);				\
	barrier_arrive();						\
	bool cancelled = f();						\
	barrier_leave();						\
	return cancelled;						\
}

BARRIER(GOMP_barrier)
BARRIER_CANCEL(GOMP_barrier_cancel)
BARRIER(GOMP_loop_end)
BARRIER_CANCEL(GOMP_loop_end_cancel)
BARRIER(GOMP_sections_end)
BARRIER_CANCEL(GOMP_sections_end_cancel)

/* single copyprivate: the member that ran the block hands its data to the
 * others through a barrier in each call */
DB_EXPORT void *GOMP_single_copy_start(void)
{
	GOMP_REAL(void *(*f)(void), "GOMP_single_copy_start");
	barrier_arrive();
	void *p = f();
	barrier_leave();
	return p;
}

DB_EXPORT void GOMP_single_copy_end(void *data)
{
	GOMP_REAL(void (*f)(void *), "GOMP_single_copy_end");
	barrier_arrive();
	f(data);
	barrier_leave();
}

/* ---- tasks ----------------------------------------------------------------- */

/* What task_body finds at the start of the task's data, before the
 * program's own (at off, aligned as libgomp was asked to align it). */
struct task_head {
	void (*fn)(void *);
	const void *made;	/* the maker's clock */
	size_t off;
	bool depend;
};

/* the makers' clocks: one per thread (modulo), so a task learns what its
 * maker did, not what every thread did before any task was made */
#define TASK_MAKERS	64
static char task_made[TASK_MAKERS];

/* The calling thread's clock as a maker of tasks */
static const void *task_maker(void)
{
	struct db_thread *t = db_self;

	return &task_made[t > DB_THREAD_DEAD ? t->tid % TASK_MAKERS : 0];
}

/* A task starts: after its maker's past, and with dependences, after the
 * tasks that ended before (all of them) */
static void task_starts(const void *made, bool depend)
{
	db_hb_acquired(made, 0);
	if (depend)
		db_hb_acquired(&task_done_key, 0);
}

/* A task ends: before whoever waits for tasks, and before the next
 * barrier (a thread runs tasks in a barrier too) */
static void task_ends(void)
{
	db_hb_release(&task_done_key);
	db_hb_release(&barrier_key);
}

static void task_body(void *arg)
{
	const struct task_head *h = arg;

	task_starts(h->made, h->depend);
	h->fn((char *)arg + h->off);
	task_ends();
}

/* The program's copy function, run by libgomp into the task's data (the
 * copy is made by the maker, in GOMP_task, before the task is queued: it
 * too is before the task). */
struct task_copy {
	struct task_head h;
	void (*cpyfn)(void *, void *);
	void *data;
};

static void task_copy(void *dst, void *src)
{
	const struct task_copy *c = src;

	memcpy(dst, &c->h, sizeof(c->h));
	c->cpyfn((char *)dst + c->h.off, c->data);
	db_hb_release(c->h.made);
}

#define GOMP_TASK_FLAG_DEPEND	8u
#define GOMP_TASK_FLAG_DETACH	512u
#define TASK_COPY_MAX		1024	/* data copied here when libgomp copies it */

/* GCC 9 and later pass ten arguments, older ones seven: libgomp reads the
 * last three only when flags say so, and so are they passed on. */
DB_EXPORT void GOMP_task(void (*fn)(void *), void *data, void (*cpyfn)(void *, void *),
			 long arg_size, long arg_align, bool if_clause, unsigned flags,
			 void **depend, int priority, void *detach)
{
	GOMP_REAL(void (*f)(void (*)(void *), void *, void (*)(void *, void *), long, long, bool,
			    unsigned, void **, int, void *), "GOMP_task");
	const void *made = task_maker();
	long align = arg_align > (long)_Alignof(struct task_head) ? arg_align :
		     (long)_Alignof(struct task_head);
	size_t off = (sizeof(struct task_head) + (size_t)align - 1) & ~((size_t)align - 1);
	struct task_head h = { fn, made, off, (flags & GOMP_TASK_FLAG_DEPEND) != 0 };
	_Alignas(64) unsigned char buf[TASK_COPY_MAX];

	db_hb_release(made);
	if ((flags & GOMP_TASK_FLAG_DETACH) || arg_size < 0 || (align & (align - 1)) ||
	    (!cpyfn && (align > 64 || off + (size_t)arg_size > sizeof(buf)))) {
		/* not followed into the task */
		f(fn, data, cpyfn, arg_size, arg_align, if_clause, flags, depend, priority, detach);
		return;
	}
	if (cpyfn) {
		struct task_copy c = { h, cpyfn, data };
		f(task_body, &c, task_copy, (long)off + arg_size, align, if_clause, flags, depend,
		  priority, detach);
		return;
	}
	memcpy(buf, &h, sizeof(h));
	if (arg_size)
		memcpy(buf + off, data, (size_t)arg_size);
	f(task_body, buf, NULL, (long)off + arg_size, align, if_clause, flags, depend, priority,
	  detach);
}

/* everything the tasks waited for did is before what follows */
#define TASK_WAIT(name, params, args)					\
DB_EXPORT void name params						\
{									\
	GOMP_REAL(void (*f) params, #name);				\
	f args;								\
	db_hb_acquired(&task_done_key, 0);				\
}

TASK_WAIT(GOMP_taskwait, (void), ())
TASK_WAIT(GOMP_taskwait_depend, (void **depend), (depend))
TASK_WAIT(GOMP_taskgroup_end, (void), ())

/* ---- critical sections, atomic blocks, ordered blocks ---------------------- */

/* START/END: a lock taken and released at the program's call site;
 * params and args as in a declaration and a call. */
#define SECTION(name_start, name_end, key, params, args)		\
DB_EXPORT void name_start params					\
{									\
	GOMP_REAL(void (*f) params, #name_start);			\
	db_custom_acquire(key, 0, DB_CALLER_PC, DB_CALLER_SP);		\
	f args;								\
	db_custom_acquired(key, 0, DB_CALLER_PC, DB_CALLER_SP);		\
}									\
DB_EXPORT void name_end params						\
{									\
	GOMP_REAL(void (*f) params, #name_end);				\
	db_custom_released(key);					\
	f args;								\
}

SECTION(GOMP_critical_start, GOMP_critical_end, &critical_key, (void), ())
/* a named critical section: libgomp keys its lock by the name's pointer */
SECTION(GOMP_critical_name_start, GOMP_critical_name_end, pptr, (void **pptr), (pptr))
SECTION(GOMP_atomic_start, GOMP_atomic_end, &atomic_key, (void), ())
SECTION(GOMP_ordered_start, GOMP_ordered_end, &ordered_key, (void), ())

/* ---- omp locks ------------------------------------------------------------- */

#define OMP_LOCK(type, prefix)						\
DB_EXPORT void omp_init_##prefix##lock(type *l)				\
{									\
	GOMP_REAL(void (*f)(type *), "omp_init_" #prefix "lock");	\
	f(l);								\
	db_custom_created(l, DB_CALLER_PC);				\
}									\
DB_EXPORT void omp_destroy_##prefix##lock(type *l)			\
{									\
	GOMP_REAL(void (*f)(type *), "omp_destroy_" #prefix "lock");	\
	db_custom_destroyed(l);						\
	f(l);								\
}									\
SECTION(omp_set_##prefix##lock, omp_unset_##prefix##lock, l, (type *l), (l)) \
DB_EXPORT int omp_test_##prefix##lock(type *l)				\
{									\
	GOMP_REAL(int (*f)(type *), "omp_test_" #prefix "lock");	\
	int r = f(l);							\
	if (r)								\
		db_custom_acquired(l, DEADBOLT_LOCK_TRY, DB_CALLER_PC, DB_CALLER_SP); \
	return r;							\
}

/* omp.h's types, by their sizes in libgomp's ABI (the program allocates
 * them; only their addresses matter here) */
typedef struct { unsigned char b[4]; } omp_lock_t;
typedef struct { unsigned char b[16]; } omp_nest_lock_t;

OMP_LOCK(omp_lock_t, )
OMP_LOCK(omp_nest_lock_t, nest_)

/* ---- LLVM's OpenMP runtime (libomp: clang -fopenmp) --------------------------
 * The same constructs through its __kmpc_ entry points: a parallel region
 * is __kmpc_fork_call with the outlined function and its arguments
 * (pointers, nargs of them), run in kmp_body with a region of ours put
 * before them; barriers; critical (keyed by the name's lock word),
 * ordered; reductions, whose combining step runs under the lock word the
 * program passes; copyprivate, a barrier on each side; tasks, as GCC's
 * (kmp_task_body runs them: see __kmpc_omp_task_alloc).  The omp_*lock
 * functions above serve both runtimes.  Not followed: teams. */

typedef int32_t kmp_int32;
typedef void (*kmp_micro)(kmp_int32 *gtid, kmp_int32 *btid, ...);
/* libomp's own caller of outlined functions, any number of arguments
 * (the last parameter exists with OMPT support, ignored without) */
typedef int (*kmp_invoke_fn)(kmp_micro fn, int gtid, int btid, int argc, void **argv,
			     void **exit_frame);

#define KMP_MAX_ARGS	15	/* called here; more through libomp's invoker */

struct kmp_region {
	kmp_micro fn;
	kmp_int32 nargs;
	void **args;
	kmp_invoke_fn invoke;
	char fork, join;	/* their addresses key the region's two clocks */
};

/* fn(g, b, a[0], ..., a[n - 1]) for n up to KMP_MAX_ARGS */
#define KA0
#define KA1 KA0, a[0]
#define KA2 KA1, a[1]
#define KA3 KA2, a[2]
#define KA4 KA3, a[3]
#define KA5 KA4, a[4]
#define KA6 KA5, a[5]
#define KA7 KA6, a[6]
#define KA8 KA7, a[7]
#define KA9 KA8, a[8]
#define KA10 KA9, a[9]
#define KA11 KA10, a[10]
#define KA12 KA11, a[11]
#define KA13 KA12, a[12]
#define KA14 KA13, a[13]
#define KA15 KA14, a[14]

/* libomp calls it with (gtid, btid, the region): the one argument passed */
static void kmp_body(kmp_int32 *g, kmp_int32 *b, struct kmp_region *r)
{
	void **a = r->args;
	void *exit_frame = NULL;

	db_creating_pool = false;
	db_hb_acquired(&r->fork, 0);
	switch (r->nargs) {
	case 0: r->fn(g, b KA0); break;    case 1: r->fn(g, b KA1); break;
	case 2: r->fn(g, b KA2); break;    case 3: r->fn(g, b KA3); break;
	case 4: r->fn(g, b KA4); break;    case 5: r->fn(g, b KA5); break;
	case 6: r->fn(g, b KA6); break;    case 7: r->fn(g, b KA7); break;
	case 8: r->fn(g, b KA8); break;    case 9: r->fn(g, b KA9); break;
	case 10: r->fn(g, b KA10); break;  case 11: r->fn(g, b KA11); break;
	case 12: r->fn(g, b KA12); break;  case 13: r->fn(g, b KA13); break;
	case 14: r->fn(g, b KA14); break;  case 15: r->fn(g, b KA15); break;
	default: r->invoke(r->fn, *g, *b, r->nargs, a, &exit_frame);
	}
	db_hb_release(&r->join);
}

DB_EXPORT void __kmpc_fork_call(void *loc, kmp_int32 nargs, kmp_micro fn, ...)
{
	GOMP_REAL(void (*f)(void *, kmp_int32, kmp_micro, ...), "__kmpc_fork_call");
	static void *_Atomic invoke_;
	kmp_int32 n = nargs > 0 ? nargs : 0;
	void *a[n ? n : 1];
	va_list ap;

	va_start(ap, fn);
	for (kmp_int32 i = 0; i < n; i++)
		a[i] = va_arg(ap, void *);
	va_end(ap);
	kmp_invoke_fn invoke = NULL;
	if (n > KMP_MAX_ARGS) {
		invoke = atomic_load(&invoke_);
		if (!invoke && (invoke = (kmp_invoke_fn)dlsym(RTLD_NEXT, "__kmp_invoke_microtask")))
			atomic_store(&invoke_, (void *)invoke);
	}
	if (n > KMP_MAX_ARGS && !invoke) {
		/* not followed: passed on as it came (up to 32 arguments) */
		void *x[32] = { 0 };
		for (kmp_int32 i = 0; i < n && i < 32; i++)
			x[i] = a[i];
		db_creating_pool = true;
		f(loc, nargs, fn, x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9],
		  x[10], x[11], x[12], x[13], x[14], x[15], x[16], x[17], x[18], x[19], x[20],
		  x[21], x[22], x[23], x[24], x[25], x[26], x[27], x[28], x[29], x[30], x[31]);
		db_creating_pool = false;
		return;
	}
	struct kmp_region r = { fn, n, a, invoke, 0, 0 };
	db_hb_release(&r.fork);
	db_creating_pool = true;
	f(loc, 1, (kmp_micro)kmp_body, &r);
	db_creating_pool = false;
	db_hb_acquired(&r.join, 0);
	db_hb_acquired(&task_done_key, 0);	/* tasks run to the region's end */
}

/* __kmpc_ calls that take (loc, gtid, ...): a barrier around the real one */
#define KMP_BARRIER(ret, name, params, args)				\
DB_EXPORT ret name params						\
{									\
	GOMP_REAL(ret (*f) params, #name);				\
	barrier_arrive();						\
	ret r_ = f args;						\
	barrier_leave();						\
	return r_;							\
}

DB_EXPORT void __kmpc_barrier(void *loc, kmp_int32 gtid)
{
	GOMP_REAL(void (*f)(void *, kmp_int32), "__kmpc_barrier");
	barrier_arrive();
	f(loc, gtid);
	barrier_leave();
}

/* the master runs a block between these two; the others wait for its end */
KMP_BARRIER(kmp_int32, __kmpc_barrier_master, (void *loc, kmp_int32 gtid), (loc, gtid))
KMP_BARRIER(kmp_int32, __kmpc_barrier_master_nowait, (void *loc, kmp_int32 gtid), (loc, gtid))

DB_EXPORT void __kmpc_end_barrier_master(void *loc, kmp_int32 gtid)
{
	GOMP_REAL(void (*f)(void *, kmp_int32), "__kmpc_end_barrier_master");
	barrier_arrive();
	f(loc, gtid);
}

/* copyprivate: the thread that ran the single block hands its data over,
 * through barriers inside */
DB_EXPORT void __kmpc_copyprivate(void *loc, kmp_int32 gtid, size_t size, void *data,
				  void (*cpy)(void *, void *), kmp_int32 didit)
{
	GOMP_REAL(void (*f)(void *, kmp_int32, size_t, void *, void (*)(void *, void *),
			    kmp_int32), "__kmpc_copyprivate");
	barrier_arrive();
	f(loc, gtid, size, data, cpy, didit);
	barrier_leave();
}

/* critical sections: a lock keyed by the name's lock word */
DB_EXPORT void __kmpc_critical(void *loc, kmp_int32 gtid, void *crit)
{
	GOMP_REAL(void (*f)(void *, kmp_int32, void *), "__kmpc_critical");
	db_custom_acquire(crit, 0, DB_CALLER_PC, DB_CALLER_SP);
	f(loc, gtid, crit);
	db_custom_acquired(crit, 0, DB_CALLER_PC, DB_CALLER_SP);
}

DB_EXPORT void __kmpc_critical_with_hint(void *loc, kmp_int32 gtid, void *crit, uint32_t hint)
{
	GOMP_REAL(void (*f)(void *, kmp_int32, void *, uint32_t), "__kmpc_critical_with_hint");
	db_custom_acquire(crit, 0, DB_CALLER_PC, DB_CALLER_SP);
	f(loc, gtid, crit, hint);
	db_custom_acquired(crit, 0, DB_CALLER_PC, DB_CALLER_SP);
}

DB_EXPORT void __kmpc_end_critical(void *loc, kmp_int32 gtid, void *crit)
{
	GOMP_REAL(void (*f)(void *, kmp_int32, void *), "__kmpc_end_critical");
	db_custom_released(crit);
	f(loc, gtid, crit);
}

SECTION(__kmpc_ordered, __kmpc_end_ordered, &ordered_key, (void *loc, kmp_int32 gtid),
	(loc, gtid))

/* Reductions: 1 answers "combine into the shared variables", under the
 * lock word lck (or alone, after a tree of barriers) until
 * __kmpc_end_reduce; the blocking ones are barriers too. */
#define KMP_REDUCE(name, end, barrier)					\
DB_EXPORT kmp_int32 name(void *loc, kmp_int32 gtid, kmp_int32 nvars, size_t size, \
			 void *data, void (*fn)(void *, void *), void *lck) \
{									\
	GOMP_REAL(kmp_int32 (*f)(void *, kmp_int32, kmp_int32, size_t, void *, \
				 void (*)(void *, void *), void *), #name); \
	if (barrier)							\
		barrier_arrive();					\
	kmp_int32 r = f(loc, gtid, nvars, size, data, fn, lck);	\
	if (barrier)							\
		barrier_leave();					\
	if (r == 1)							\
		db_custom_acquired(lck, DEADBOLT_LOCK_TRY, DB_CALLER_PC, DB_CALLER_SP); \
	return r;							\
}									\
DB_EXPORT void end(void *loc, kmp_int32 gtid, void *lck)		\
{									\
	GOMP_REAL(void (*f)(void *, kmp_int32, void *), #end);		\
	if (db_custom_held(lck))					\
		db_custom_released(lck);				\
	if (barrier)							\
		barrier_arrive();					\
	f(loc, gtid, lck);						\
	if (barrier)							\
		barrier_leave();					\
}

KMP_REDUCE(__kmpc_reduce_nowait, __kmpc_end_reduce_nowait, false)
KMP_REDUCE(__kmpc_reduce, __kmpc_end_reduce, true)

/* ---- libomp's tasks ----------------------------------------------------------
 * A task is allocated with its entry and the size of its block of shared
 * variables' pointers, filled in by the program, then queued.  The entry
 * becomes kmp_task_body, and what it needs goes in front of the shared
 * block, asked for larger: the task's shareds pointer (its first field, in
 * the compiler's ABI) is moved past it, so the program and every copy
 * libomp makes of the task (taskloop) find their pointers where they look,
 * and kmp_task_body finds the stash just before them. */

typedef kmp_int32 (*kmp_entry)(kmp_int32 gtid, void *task);

struct kmp_stash {
	kmp_entry entry;
	const void *made;	/* the maker's clock */
	bool depend;
	char pad[15];		/* 32 bytes: the pointers after it stay aligned */
};

static kmp_int32 kmp_task_body(kmp_int32 gtid, void *task);

/* The stash of a task __kmpc_omp_task_alloc made (its routine, the second
 * field, is kmp_task_body); NULL for one allocated otherwise (a target
 * task, say). */
static struct kmp_stash *stash_of(void *task)
{
	void **t = task;

	if (!t || t[1] != (void *)kmp_task_body || !t[0])
		return NULL;
	return (struct kmp_stash *)((char *)t[0] - sizeof(struct kmp_stash));
}

static void task_queued(void *task, bool depend)
{
	struct kmp_stash *st = stash_of(task);

	if (st) {
		st->depend |= depend;
		db_hb_release(st->made);
	}
}

static kmp_int32 kmp_task_body(kmp_int32 gtid, void *task)
{
	const struct kmp_stash *st = stash_of(task);

	task_starts(st->made, st->depend);
	kmp_int32 r = st->entry(gtid, task);
	task_ends();
	return r;
}

/* The stash of a task just allocated with kmp_task_body for its entry,
 * filled in, and the shared pointers moved past it */
static void *stashed(void *task, kmp_entry entry)
{
	char **shareds = task;

	if (!task || !*shareds)
		return task;	/* cannot be: libomp gives a shared block */
	struct kmp_stash *st = (struct kmp_stash *)*shareds;
	*st = (struct kmp_stash){ .entry = entry, .made = task_maker() };
	*shareds += sizeof(*st);
	return task;
}

DB_EXPORT void *__kmpc_omp_task_alloc(void *loc, kmp_int32 gtid, kmp_int32 flags,
				      size_t task_size, size_t shareds_size, kmp_entry entry)
{
	GOMP_REAL(void *(*f)(void *, kmp_int32, kmp_int32, size_t, size_t, kmp_entry),
		  "__kmpc_omp_task_alloc");
	return stashed(f(loc, gtid, flags, task_size, shareds_size + sizeof(struct kmp_stash),
			 kmp_task_body), entry);
}

/* A target task (`target nowait`), the same way; the first starts
 * libomp's hidden helper threads, a pool of its own. */
DB_EXPORT void *__kmpc_omp_target_task_alloc(void *loc, kmp_int32 gtid, kmp_int32 flags,
					     size_t task_size, size_t shareds_size,
					     kmp_entry entry, int64_t device)
{
	GOMP_REAL(void *(*f)(void *, kmp_int32, kmp_int32, size_t, size_t, kmp_entry, int64_t),
		  "__kmpc_omp_target_task_alloc");
	db_creating_pool = true;
	void *task = f(loc, gtid, flags, task_size, shareds_size + sizeof(struct kmp_stash),
		       kmp_task_body, device);
	db_creating_pool = false;
	return stashed(task, entry);
}

/* Queued: what its maker did until now is before it. */
DB_EXPORT kmp_int32 __kmpc_omp_task(void *loc, kmp_int32 gtid, void *task)
{
	GOMP_REAL(kmp_int32 (*f)(void *, kmp_int32, void *), "__kmpc_omp_task");
	task_queued(task, false);
	return f(loc, gtid, task);
}

DB_EXPORT kmp_int32 __kmpc_omp_task_with_deps(void *loc, kmp_int32 gtid, void *task,
					      kmp_int32 ndeps, void *deps, kmp_int32 nnoalias,
					      void *noalias)
{
	GOMP_REAL(kmp_int32 (*f)(void *, kmp_int32, void *, kmp_int32, void *, kmp_int32,
				 void *), "__kmpc_omp_task_with_deps");
	task_queued(task, true);
	return f(loc, gtid, task, ndeps, deps, nnoalias, noalias);
}

/* taskloop: the task is copied for each chunk (the stash with it); an
 * implicit taskgroup ends it unless nogroup */
DB_EXPORT void __kmpc_taskloop(void *loc, int gtid, void *task, int if_val, uint64_t *lb,
			       uint64_t *ub, int64_t st, int nogroup, int sched,
			       uint64_t grainsize, void *task_dup)
{
	GOMP_REAL(void (*f)(void *, int, void *, int, uint64_t *, uint64_t *, int64_t, int, int,
			    uint64_t, void *), "__kmpc_taskloop");
	task_queued(task, false);
	f(loc, gtid, task, if_val, lb, ub, st, nogroup, sched, grainsize, task_dup);
	db_hb_acquired(&task_done_key, 0);
}

DB_EXPORT void __kmpc_taskloop_5(void *loc, int gtid, void *task, int if_val, uint64_t *lb,
				 uint64_t *ub, int64_t st, int nogroup, int sched,
				 uint64_t grainsize, int modifier, void *task_dup)
{
	GOMP_REAL(void (*f)(void *, int, void *, int, uint64_t *, uint64_t *, int64_t, int, int,
			    uint64_t, int, void *), "__kmpc_taskloop_5");
	task_queued(task, false);
	f(loc, gtid, task, if_val, lb, ub, st, nogroup, sched, grainsize, modifier, task_dup);
	db_hb_acquired(&task_done_key, 0);
}

/* everything the waited-for tasks did is before what follows */
DB_EXPORT kmp_int32 __kmpc_omp_taskwait(void *loc, kmp_int32 gtid)
{
	GOMP_REAL(kmp_int32 (*f)(void *, kmp_int32), "__kmpc_omp_taskwait");
	kmp_int32 r = f(loc, gtid);
	db_hb_acquired(&task_done_key, 0);
	return r;
}

TASK_WAIT(__kmpc_end_taskgroup, (void *loc, kmp_int32 gtid), (loc, gtid))
TASK_WAIT(__kmpc_omp_wait_deps, (void *loc, kmp_int32 gtid, kmp_int32 ndeps, void *deps,
				 kmp_int32 nnoalias, void *noalias),
	  (loc, gtid, ndeps, deps, nnoalias, noalias))

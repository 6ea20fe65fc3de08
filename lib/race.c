/* race.c - data races in unmodified binaries, by sampling the program's
 * memory accesses with code breakpoints, each caught access checked against
 * the locks its thread holds and happens-before (clock.c).
 *
 * Sites.  The instructions of the executable and of the libraries outside
 * the system directories that access memory through an explicit operand
 * (not the stack pointer, not a thread-local segment, not read-only data)
 * are found by disassembling the files' code with capstone, a slice per
 * window, in the background, or read from the site cache (race_cache),
 * where a module's sites are kept once found.  Each site keeps how to
 * compute its address from the registers, its size, and whether it reads,
 * writes, or is atomic (lock prefix, xchg), and of those, whether it
 * compare-exchanges or exchanges (how a lock the program builds of
 * atomics takes and gives its word).
 *
 * Windows.  A thread of deadbolt's own (the watcher: created before any
 * program thread of the process, it never enters the shims) arms
 * race_sample sites every window (race_window_ms): it writes an int3 over
 * each site's first byte (a store into the module's code, made writable,
 * or through /proc/self/mem: see poke_site), and restores the sites not
 * hit at the window's end.  Up to half the sites are promoted ones
 * (they caught a location another thread touched) with their neighbours
 * (the store of `x++` follows its load), a quarter (from race_sample 16)
 * a draw of the sites that caught an access in the last window, a quarter
 * the sites nearest where the threads were seen running (profile.c), an
 * eighth the compare-exchanges and exchanges in turn (the words of the
 * program's own locks are learnt early: the tool withholds an unordered
 * race inside an object holding one, and one made by code that has one:
 * that lock, not followed, may order it), the rest drawn at random.  A
 * site is one-shot: the first thread to reach it traps, the site is
 * restored, and the thread runs on; a quarter window later the sites that
 * caught an access are armed again, while the window
 * has caught fewer than race_sample accesses (and until a quarter catches
 * nothing: then the watcher sleeps on to the next window).  So a window
 * costs about race_sample traps at most, wherever they are.
 *
 * Traps.  The SIGTRAP handler finds the site (pc - 1), claims it, computes
 * the address from the saved registers and drops addresses on the
 * thread's own stack that no other thread was caught at.  The
 * access is stamped with its thread, clock epoch, held locks and stack, and
 * compared with the location's shadow (per 8-byte granule, lossy): the
 * last write and the last reads of other threads.  A pair from two
 * threads, one a write, not both atomic, with no common lock held
 * exclusively and the earlier not before the later in happens-before, is a
 * race: evidence "unordered".  A thread caught at a location another thread
 * touched, holding no lock, pauses race_pause_us before its access, once a
 * window (and the whole process 1% of the time at most), with its site
 * still armed: another thread caught at the same location meanwhile
 * proves the two simultaneous (evidence "witnessed"),
 * whatever synchronisation deadbolt may not know of.
 *
 * Hardware watchpoints (perf_event_open breakpoints) would watch a location
 * from every instruction; they need debug registers that many hypervisors
 * do not pass to their guests (there a breakpoint event opens and never
 * counts), and perf_event_open, which containers often deny.  int3 needs
 * neither and samples code uniformly, as DataCollider does.  A trap costs
 * 1.5 to 8 us in a VM (int3, signal and return: 7-8 us measured in a
 * 2-vCPU guest whose page faults take 10-14 us); patching code costs the
 * running threads too, which is why a window arms a bounded number of
 * sites.
 *
 * The handler runs in the trapping thread.  It records nothing when that
 * thread is inside deadbolt (db_level != 0): then it only restores the site.
 * It takes only spinlocks that no code holds while it could trap (sites
 * are in the program's code, never deadbolt's), and allocates only from
 * deadbolt's own memory.
 *
 * Shadow entries of a freed block are cleared (alloc.c calls
 * db_race_freed), so a reused address never pairs two different objects.
 * fork: the child inherits the int3 bytes; it restores every armed site
 * (in its own copy of the code, through its own /proc/self/mem where the
 * code is not writable), and starts again at its next
 * pthread_create.  dlclose: every site is restored before a module goes,
 * and the gone module's sites die.
 *
 * SIGTRAP stays ours while sampling: sigaction/signal for SIGTRAP are
 * virtualised (the program's handler is called for traps that are not at a
 * site of ours), and masks never block SIGTRAP.  Where code cannot be
 * patched (no /proc/self/mem, a seccomp filter) or a debugger is attached,
 * the detector says why, once, on stderr and in the log; everything else
 * goes on.
 */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "lockgraph.h"

#define MAX_SITES	(1u << 16)	/* instructions known (more: not sampled) */
#define SITE_HASH	(1u << 17)	/* pc -> site */
#define SHADOW_SLOTS	(1u << 12)	/* granules with accesses recorded (lossy) */
#define SHADOW_POOL	(2 * SHADOW_SLOTS)	/* entries: one per slot, and spares
						 * for slots two threads fill at once */
#define SHADOW_LINES_BITS 16	/* filter: shadow entries per 64-byte line (folded) */
#define SHADOW_PAGES_BITS DB_RACE_PAGES_BITS	/* its first level: per 4 KiB page (folded) */
#define SHADOW_LINES	(1u << SHADOW_LINES_BITS)
#define SHADOW_PAGES	(1u << SHADOW_PAGES_BITS)
#define SHADOW_LOCKS	4		/* locks kept per access (innermost) */
#define MAX_ARMED	4096		/* race_sample's limit */
#define MAX_PROMOTED	256
#define MAX_SYNC_SITES	MAX_SITES	/* as many as there can be sites */
#define PROFILE_IPS	256	/* sampled IPs looked at per window */
#define PROFILE_NEAR	64	/* bytes around one where a site is looked for */
#define MAX_BENIGN	1024
#define MAX_MODULES	256
#define MAX_PAUSERS	16
#define DISASM_SLICE	(64 * 1024)	/* code bytes disassembled per window */
#define WATCH_RECORDS	4096		/* RACE_WATCH records at exit, at most */
#define STACK_SLACK	256		/* below the stack pointer: the red zone */
#define NEIGHBOUR	48		/* code bytes around a promoted site armed with it */
#define SITE_QUIET	32		/* a site whose last catches found no race, to
					 * this many points, is armed one time in
					 * QUIET_ODDS: QUIET_SHARED points a catch once
					 * two threads were caught at the site, 1 before */
#define QUIET_SHARED	4
#define QUIET_ODDS	8
#define HANDLER_STACK	(24 * 1024)	/* stack a caught access needs recorded (unwinding,
					 * logging); a thread with less left only
					 * restores the site */

enum { SITE_IDLE, SITE_ARMED, SITE_BUSY, SITE_DEAD };

#define SF_WRITE	2u
#define SF_ATOMIC	4u
#define SF_RIP		8u	/* base is the next instruction's address */
#define SF_SYNC		16u	/* compare-exchange or exchange: how locks of the
				 * program's own take and give their word */

struct site {			/* 32 bytes: tens of thousands are read at start */
	uintptr_t pc;
	int32_t disp;
	uint8_t len, orig, size, flags;
	int8_t base, index;		/* greg index, -1: none */
	uint8_t scale;
	_Atomic uint8_t quiet;		/* points of its last catches that found no
					 * race (counted to SITE_QUIET) */
	_Atomic uint32_t state;
	uint16_t module;
	_Atomic uint8_t used;		/* has been armed: its site_stat counts */
};

_Static_assert(sizeof(struct site) == 32, "struct site grew");

/* What a site did, apart (site_stats[i] is sites[i]'s): touched only for
 * the sites armed, so a short run faults in few of its pages. */
struct site_stat {
	uint64_t armed_ns;
	_Atomic uint64_t armed_us;
	_Atomic uint32_t hits;
	_Atomic uint32_t caught_by;	/* tid + 1 of the first thread caught here,
					 * UINT32_MAX once another was; 0: none */
};

struct acc {			/* one caught access */
	uint32_t tid, vci;
	uint64_t epoch;
	uintptr_t addr;
	uint64_t pc, stack, time_ns;
	uint32_t size, flags;	/* DB_RACEF_* */
	uint32_t nlocks;	/* all held; the innermost SHADOW_LOCKS kept */
	uint32_t read_bits;	/* bit i: lock i held for reading */
	uint64_t uid[SHADOW_LOCKS];
	uintptr_t laddr[SHADOW_LOCKS];
};

struct shadow {
	db_spin_t lock;
	uint32_t flags;		/* SH_* */
	uint32_t tids;		/* bit (tid % 32) of threads caught here */
	struct acc w;		/* last write (tid UINT32_MAX: none) */
	struct acc r[2];	/* last reads of two threads */
};

#define SH_ATOMIC	1u	/* a locked instruction touched it */
#define SH_BENIGN	2u
#define SH_SYNC		4u	/* a compare-exchange or exchange touched it */

struct pauser {
	_Atomic uint32_t tid;	/* tid + 1; 0: free; UINT32_MAX: being filled */
	struct acc a;		/* its access (no stack yet) */
	_Atomic uint32_t wit;	/* 0: none; 1: being filled; 2: wacc is ready */
	struct acc wacc;	/* the access of another thread meanwhile */
};

enum { ST_IDLE, ST_ON, ST_UNAVAILABLE, ST_STOPPED };

atomic_int db_race_active;
atomic_int db_race_shadowed;
static atomic_int state = ST_IDLE;
static db_spin_t start_lock;
static pthread_mutex_t arm_lock = PTHREAD_MUTEX_INITIALIZER;	/* the armed set */
/* Held while deadbolt loads or unloads capstone, and by fork: the loader's
 * locks, which dlopen/dlclose hold, must not be copied held into a child
 * (its fork handlers read the module list).  Never taken under arm_lock. */
static pthread_mutex_t cap_dl_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int mem_fd = -1;	/* /proc/self/mem */
static atomic_int paused;		/* > 0: a dlclose is running, arm nothing */
static pid_t self_pid;

static struct site *sites;
static struct site_stat *site_stats;

static inline struct site_stat *stat_of(const struct site *s)
{
	return &site_stats[s - sites];
}

static atomic_uint nsites;
static _Atomic uint32_t *site_hash;	/* index + 1; 0: empty */
static uint32_t armed[MAX_ARMED];
static unsigned narmed;
/* the compare-exchange and exchange sites, armed in turn; added under
 * arm_lock, read by sync_near in the trap handler too */
static uint32_t sync_sites[MAX_SYNC_SITES];
static atomic_uint nsync_sites;
static unsigned sync_next;
static _Atomic uint32_t promoted[MAX_PROMOTED];
static atomic_uint npromoted;
static uint32_t promo_next;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* Slot i (of a granule's hash) has its entry, shadows[shadow_entry[i] - 1],
 * from its first use on: entries are handed out in that order, so a run
 * that catches a few hundred locations touches a few dozen pages of the
 * 1.6 MiB, not one page per location (a first touch costs 5-10 us here).
 * The slot's granule (address >> 3; 0: free) is apart, written under the
 * entry's lock: a free, a fork and a look from a trap read 32 KiB. */
static struct shadow *shadows;
static _Atomic uint32_t *shadow_entry;
static atomic_uint shadows_used;
static uintptr_t *shadow_granule;
static _Atomic uint8_t *shadow_lines;	/* SHADOW_LINES, then SHADOW_PAGES */
_Atomic(_Atomic uint8_t *) db_race_pages;	/* shadow_lines + SHADOW_LINES */
static struct pauser pausers[MAX_PAUSERS];

static struct {
	uintptr_t lo, hi;	/* mapped range */
	uintptr_t bias;
	uintptr_t dlo, dhi;	/* writable data */
	char path[256];
	bool sample;		/* its code is disassembled */
	size_t done;		/* code bytes disassembled */
	bool gone;
	bool cached;		/* its sites came from the site cache */
	uint32_t first_site;	/* its sites are [first_site, the next module's) */
	uintptr_t xlo, xhi;	/* its code's pages (one executable segment; else 0) */
	_Atomic uint8_t wx;	/* WX_*: how its code bytes are written */
	_Atomic uint32_t nsorted;	/* its sites from the cache, in pc order at
					 * first_site: found by binary search, not
					 * through site_hash; 0: none (hashed) */
	uint32_t build_id_len;
	uint8_t build_id[64];
} modules[MAX_MODULES];
static unsigned nmodules;

static struct { uintptr_t lo, hi; } benign[MAX_BENIGN];
static atomic_uint nbenign;

static atomic_int stopping;	/* the watcher sleeps on it (futex) */
static pthread_t watcher;
static atomic_int watcher_joinable;	/* started, and nobody joined or detached it */
static _Atomic uint64_t window_us, window_gen;
static _Atomic uint64_t nwindows, ntraps, ndropped, nglobal, nheap;
static atomic_ulong nraces;

static struct sigaction app_trap;	/* the program's own SIGTRAP disposition */
static atomic_int trap_ours;		/* our handler is installed */

/* ---- small helpers ----------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t rand64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A module's code bytes are written through /proc/self/mem (a system
 * call and a page walk: 2-4 us here, once per trap and twice per armed
 * site) until its code pages are made writable as well (once, at its first
 * arming): then with a store.  A system that refuses writable code (an
 * SELinux execmod rule, PaX) keeps /proc/self/mem.  The program's own
 * mprotect of that code keeps it writable (db_race_mprotect). */
enum { WX_UNTRIED, WX_ON, WX_OFF };

static bool poke(uintptr_t pc, uint8_t b)
{
	for (int k = 0; k < 3; k++) {	/* the descriptor may have moved meanwhile */
		if (pwrite(atomic_load(&mem_fd), &b, 1, (off_t)pc) == 1)
			return true;
		if (errno != EBADF)
			return false;
	}
	return false;
}

/* A module's state and its code's protection change together, under
 * wx_lock (its holder: wx_held, so that a signal handler's mprotect on
 * that thread does not wait for itself).  A store is made between two
 * counts of wx_inflight: whoever takes the store away from a module waits
 * for the stores that may have seen it allowed. */
static db_spin_t wx_lock;
static _Atomic int wx_inflight;
static __thread bool wx_held;

static bool poke_site(const struct site *s, uint8_t b)
{
	atomic_fetch_add(&wx_inflight, 1);
	if (atomic_load(&modules[s->module].wx) == WX_ON) {
		*(volatile uint8_t *)s->pc = b;
		atomic_fetch_sub(&wx_inflight, 1);
		return true;
	}
	atomic_fetch_sub(&wx_inflight, 1);
	return poke(s->pc, b);
}

/* Make module k's code writable, if it can be.  Caller holds arm_lock. */
static void code_writable(unsigned k)
{
	if (atomic_load(&modules[k].wx) != WX_UNTRIED)
		return;
	db_spin_lock(&wx_lock);
	wx_held = true;
	if (atomic_load(&modules[k].wx) == WX_UNTRIED) {
		bool ok = modules[k].xhi > modules[k].xlo &&
			  db_real.mprotect((void *)modules[k].xlo, modules[k].xhi - modules[k].xlo,
					   PROT_READ | PROT_WRITE | PROT_EXEC) == 0;
		atomic_store(&modules[k].wx, ok ? WX_ON : WX_OFF);
	}
	wx_held = false;
	db_spin_unlock(&wx_lock);
}

/* The program changes the protection of [p, p + n) (real: libc's
 * mprotect): code of a module whose bytes are written with stores stays
 * writable (prot gets PROT_WRITE), unless it is no longer to run: then the
 * module goes back to /proc/self/mem first. */
int db_race_mprotect(int (*real)(void *, size_t, int), void *p, size_t n, int prot)
{
	uintptr_t lo = (uintptr_t)p, hi = lo + n;

	if (wx_held)		/* a signal handler, on a thread inside */
		return real(p, n, prot);
	db_spin_lock(&wx_lock);
	wx_held = true;
	for (unsigned k = 0; k < nmodules; k++) {
		if (atomic_load(&modules[k].wx) != WX_ON || hi <= modules[k].xlo ||
		    lo >= modules[k].xhi)
			continue;
		if (prot & PROT_EXEC) {
			prot |= PROT_WRITE;
		} else {
			atomic_store(&modules[k].wx, WX_OFF);
			while (atomic_load(&wx_inflight))
				__builtin_ia32_pause();
		}
	}
	int r = real(p, n, prot);
	wx_held = false;
	db_spin_unlock(&wx_lock);
	return r;
}

/* Is [lo, hi) code that was made writable to be sampled? */
bool db_race_code_written(uintptr_t lo, uintptr_t hi)
{
	for (unsigned k = 0; k < nmodules; k++)
		if (atomic_load_explicit(&modules[k].wx, memory_order_acquire) != WX_UNTRIED &&
		    lo >= modules[k].xlo && hi <= modules[k].xhi)
			return true;
	return false;
}

static void log_status(unsigned st, int err, const char *why)
{
	struct {
		struct db_rec_race_status r;
		char text[256];
	} rec = { .r = { .h = { DB_REC_RACE_STATUS, 0 }, .state = st, .err = err } };
	size_t n = why ? strlen(why) : 0;

	if (n > sizeof(rec.text))
		n = sizeof(rec.text);
	memcpy(rec.text, why ? why : "", n);
	rec.r.len = (uint32_t)n;
	rec.r.h.size = (uint32_t)((sizeof(rec.r) + n + 7) & ~(size_t)7);
	db_log_write(&rec);
}

static void unavailable(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void unavailable(int err, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	db_vfmt(why, sizeof(why), fmt, ap);
	va_end(ap);
	atomic_store(&state, ST_UNAVAILABLE);
	log_status(DB_RACE_STATE_UNAVAILABLE, err, why);
	if (db_opt.summary)	/* else `deadbolt run` says it, once for the tree */
		db_warn("race detection unavailable: %s; lock-order, deadlock and leak "
			"detection go on", why);
}

static bool is_benign(uintptr_t a, size_t n)
{
	unsigned k = atomic_load_explicit(&nbenign, memory_order_acquire);

	for (unsigned i = 0; i < k && i < MAX_BENIGN; i++)
		if (a < benign[i].hi && a + n > benign[i].lo)
			return true;
	return false;
}

void db_race_benign(uintptr_t p, size_t n)
{
	static db_spin_t lock;

	if (!n)
		return;
	db_spin_lock(&lock);
	unsigned k = atomic_load(&nbenign);
	if (k < MAX_BENIGN) {
		benign[k].lo = p;
		benign[k].hi = p + n;
		atomic_store_explicit(&nbenign, k + 1, memory_order_release);
	}
	db_spin_unlock(&lock);
}

/* ---- modules and sites --------------------------------------------------- */

static bool system_module(const char *path)
{
	static const char *const sys[] = {
		"/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/libexec/",
	};

	if (!*path || strstr(path, "linux-vdso"))
		return true;
	for (size_t i = 0; i < DB_ARRAY_SIZE(sys); i++)
		if (!strncmp(path, sys[i], strlen(sys[i])))
			return true;
	return false;
}

struct scan_ctx {
	bool first;
	bool seen[MAX_MODULES];
};

static int scan_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scan_ctx *x = arg;
	const char *path = info->dlpi_name;
	uintptr_t lo = UINTPTR_MAX, hi = 0, dlo = UINTPTR_MAX, dhi = 0, rlo = 0, rhi = 0;

	(void)size;
	bool exe = x->first;	/* the program itself, wherever it is installed */
	if (exe && !*path)
		path = db_log_exe_path();
	x->first = false;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type == PT_GNU_RELRO)
			rlo = info->dlpi_addr + p->p_vaddr, rhi = rlo + p->p_memsz;
	}
	/* The data: the writable segments but their RELRO part, read-only
	 * once relocated.  GNU ld puts both in one segment, RELRO first; lld
	 * and mold (Rust's default linker) give each a segment of its own. */
	uintptr_t xlo = 0, xhi = 0;
	int nx = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &info->dlpi_phdr[i];
		if (p->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + p->p_vaddr, e = a + p->p_memsz;
		lo = a < lo ? a : lo;
		hi = e > hi ? e : hi;
		if ((p->p_flags & PF_X) && nx++ == 0) {
			xlo = a & ~(uintptr_t)4095;
			xhi = (e + 4095) & ~(uintptr_t)4095;
		}
		if (!(p->p_flags & PF_W))
			continue;
		if (a >= rlo && a < rhi)
			a = rhi < e ? rhi : e;
		if (e > rlo && e <= rhi)
			e = rlo > a ? rlo : a;
		if (a < e) {
			dlo = a < dlo ? a : dlo;
			dhi = e > dhi ? e : dhi;
		}
	}
	if (dlo >= dhi)
		dlo = dhi = 0;
	if (hi <= lo)
		return 0;
	unsigned k;
	for (k = 0; k < nmodules; k++)
		if (!modules[k].gone && modules[k].lo == lo && modules[k].bias == info->dlpi_addr)
			break;
	if (k < MAX_MODULES)
		x->seen[k] = true;
	if (k < nmodules || k == MAX_MODULES)
		return 0;
	modules[k].lo = lo;
	modules[k].hi = hi;
	modules[k].bias = info->dlpi_addr;
	modules[k].dlo = dlo;
	modules[k].dhi = dhi;
	modules[k].done = 0;
	modules[k].gone = false;
	modules[k].cached = false;
	modules[k].first_site = UINT32_MAX;
	modules[k].xlo = nx == 1 ? xlo : 0;
	modules[k].xhi = nx == 1 ? xhi : 0;
	atomic_store(&modules[k].wx, WX_UNTRIED);
	atomic_store(&modules[k].nsorted, 0);
	modules[k].build_id_len = db_build_id(info, modules[k].build_id,
					      sizeof(modules[k].build_id));
	/* never deadbolt itself, whatever its file is called */
	uintptr_t self = (uintptr_t)&scan_one;
	modules[k].sample = (exe || !system_module(path)) && !(self >= lo && self < hi) &&
			    strlen(path) < sizeof(modules[k].path);
	if (modules[k].sample)
		strcpy(modules[k].path, path);
	nmodules++;
	return 0;
}

/* Is there code left to disassemble?  Caller holds arm_lock. */
static bool modules_todo(void)
{
	for (unsigned k = 0; k < nmodules; k++)
		if (modules[k].sample && !modules[k].gone && modules[k].done != SIZE_MAX)
			return true;
	return false;
}

static bool cache_load(unsigned k);

/* Caller holds arm_lock. */
static void scan_modules(void)
{
	struct scan_ctx x = { .first = true };

	if (!db_log_loader_walkable())
		return;	/* a child of fork: the parent's modules stand */
	dl_iterate_phdr(scan_one, &x);
	for (unsigned k = 0; k < nmodules; k++) {
		if (x.seen[k] || modules[k].gone)
			continue;
		modules[k].gone = true;	/* its sites die; the slot is not reused */
		atomic_store(&modules[k].nsorted, 0);
		uint32_t n = atomic_load(&nsites);
		for (uint32_t i = 0; i < n; i++)
			if (sites[i].module == k)
				atomic_store(&sites[i].state, SITE_DEAD);
	}
	for (unsigned k = 0; k < nmodules; k++)	/* new ones: from the cache? */
		if (modules[k].sample && !modules[k].gone && modules[k].done == 0)
			cache_load(k);
}

static int8_t greg_of(unsigned r)
{
	switch (r) {
	case X86_REG_RAX: return REG_RAX;
	case X86_REG_RBX: return REG_RBX;
	case X86_REG_RCX: return REG_RCX;
	case X86_REG_RDX: return REG_RDX;
	case X86_REG_RSI: return REG_RSI;
	case X86_REG_RDI: return REG_RDI;
	case X86_REG_RBP: return REG_RBP;
	case X86_REG_R8: return REG_R8;
	case X86_REG_R9: return REG_R9;
	case X86_REG_R10: return REG_R10;
	case X86_REG_R11: return REG_R11;
	case X86_REG_R12: return REG_R12;
	case X86_REG_R13: return REG_R13;
	case X86_REG_R14: return REG_R14;
	case X86_REG_R15: return REG_R15;
	default: return -2;	/* not a 64-bit general register */
	}
}

static inline uint32_t site_slot(uintptr_t pc)
{
	return (uint32_t)(db_hash64(pc) & (SITE_HASH - 1));
}

/* Caller holds arm_lock. */
static void site_insert(uint32_t i)
{
	static bool populated;

	if (!populated) {	/* filled at random: faulted in at once, when first needed */
		db_mem_populate(site_hash, sizeof(uint32_t) * SITE_HASH);
		populated = true;
	}
	uint32_t h = site_slot(sites[i].pc);

	while (atomic_load_explicit(&site_hash[h], memory_order_relaxed))
		h = (h + 1) & (SITE_HASH - 1);
	atomic_store_explicit(&site_hash[h], i + 1, memory_order_release);
}

/* The module mapped where pc is (and not gone); -1: none. */
static int module_at(uintptr_t pc)
{
	for (unsigned k = 0; k < nmodules; k++)
		if (pc >= modules[k].lo && pc < modules[k].hi && !modules[k].gone)
			return (int)k;
	return -1;
}

/* Where module k (-1: none) keeps its sites in pc order: the first at or
 * after pc, in [*first, *end); *end 0: its sites are in site_hash, if any. */
static uint32_t sorted_lower(int k, uintptr_t pc, uint32_t *first, uint32_t *end)
{
	uint32_t n = k < 0 ? 0 : atomic_load_explicit(&modules[k].nsorted, memory_order_acquire);
	uint32_t lo = n ? modules[k].first_site : 0, hi = lo + n;

	*first = lo;
	*end = hi;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sites[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct site *site_at(uintptr_t pc)
{
	uint32_t first, end, i = sorted_lower(module_at(pc), pc, &first, &end);

	if (end)
		return i < end && sites[i].pc == pc ? &sites[i] : NULL;
	uint32_t h = site_slot(pc);

	for (;;) {
		uint32_t v = atomic_load_explicit(&site_hash[h], memory_order_acquire);
		if (!v)
			return NULL;
		if (sites[v - 1].pc == pc)
			return &sites[v - 1];
		h = (h + 1) & (SITE_HASH - 1);
	}
}

/* A new site (its fields but the atomic ones set); hashed: found through
 * site_hash (else its module's nsorted covers it).  Caller holds arm_lock. */
static void add_site(const struct site *n, bool hashed)
{
	uint32_t i = atomic_load(&nsites);

	if (i >= MAX_SITES)
		return;
	struct site *s = &sites[i];
	s->pc = n->pc;
	s->disp = n->disp;
	s->len = n->len;
	s->orig = n->orig;
	s->size = n->size;
	s->flags = n->flags;
	s->base = n->base;
	s->index = n->index;
	s->scale = n->scale;
	s->module = n->module;
	/* published by the release stores below */
	atomic_store_explicit(&s->state, SITE_IDLE, memory_order_relaxed);
	if (hashed)
		site_insert(i);
	atomic_store_explicit(&nsites, i + 1, memory_order_release);
	unsigned ns = atomic_load_explicit(&nsync_sites, memory_order_relaxed);
	if ((n->flags & SF_SYNC) && ns < MAX_SYNC_SITES) {
		sync_sites[ns] = i;
		atomic_store_explicit(&nsync_sites, ns + 1, memory_order_release);
	}
}

/* One instruction: a site if it accesses memory the sampler cares about. */
static void consider(const cs_insn *in, unsigned mod)
{
	const cs_x86 *x = &in->detail->x86;

	switch (in->id) {
	case X86_INS_LEA: case X86_INS_NOP: case X86_INS_PUSH: case X86_INS_POP:
	case X86_INS_CALL: case X86_INS_RET: case X86_INS_JMP:
	case X86_INS_PREFETCH: case X86_INS_PREFETCHT0: case X86_INS_PREFETCHT1:
	case X86_INS_PREFETCHT2: case X86_INS_PREFETCHNTA: case X86_INS_PREFETCHW:
	case X86_INS_CLFLUSH: case X86_INS_CLFLUSHOPT:
	case X86_INS_MOVSB: case X86_INS_MOVSW: case X86_INS_MOVSD: case X86_INS_MOVSQ:
	case X86_INS_STOSB: case X86_INS_STOSW: case X86_INS_STOSD: case X86_INS_STOSQ:
	case X86_INS_CMPSB: case X86_INS_CMPSW: case X86_INS_CMPSD: case X86_INS_CMPSQ:
	case X86_INS_SCASB: case X86_INS_SCASW: case X86_INS_SCASD: case X86_INS_SCASQ:
	case X86_INS_LODSB: case X86_INS_LODSW: case X86_INS_LODSD: case X86_INS_LODSQ:
		return;
	}
	if (x->addr_size != 8 || in->bytes[0] == 0xcc)
		return;
	for (int k = 0; k < x->op_count; k++) {
		const cs_x86_op *op = &x->operands[k];
		if (op->type != X86_OP_MEM)
			continue;
		if (op->mem.segment != X86_REG_INVALID || op->size == 0 || op->size > 16 ||
		    op->mem.disp != (int32_t)op->mem.disp)
			return;
		uint8_t flags = 0;
		int8_t base = -1, index = -1;
		if (op->mem.base == X86_REG_RIP) {
			uintptr_t t = in->address + in->size + op->mem.disp;
			if (t < modules[mod].dlo || t >= modules[mod].dhi)
				return;		/* constants, code */
			flags |= SF_RIP;
		} else if (op->mem.base != X86_REG_INVALID) {
			if (op->mem.base == X86_REG_RSP || (base = greg_of(op->mem.base)) < 0)
				return;
		}
		if (op->mem.index != X86_REG_INVALID &&
		    (op->mem.index == X86_REG_RSP || (index = greg_of(op->mem.index)) < 0))
			return;
		if (op->access & CS_AC_WRITE)	/* else a read */
			flags |= SF_WRITE;
		if (x->prefix[0] == X86_PREFIX_LOCK || in->id == X86_INS_XCHG)
			flags |= SF_ATOMIC | SF_WRITE;
		if ((flags & SF_ATOMIC) &&
		    (in->id == X86_INS_XCHG || in->id == X86_INS_CMPXCHG ||
		     in->id == X86_INS_CMPXCHG8B || in->id == X86_INS_CMPXCHG16B))
			flags |= SF_SYNC;
		struct site s = {
			.pc = in->address, .disp = (int32_t)op->mem.disp, .len = (uint8_t)in->size,
			.orig = in->bytes[0], .size = op->size > 8 ? 8 : op->size,
			.flags = flags, .base = base, .index = index,
			.scale = (uint8_t)op->mem.scale, .module = (uint16_t)mod,
		};
		add_site(&s, true);
		return;
	}
}

/* capstone is loaded when sampling starts (by the thread that starts it,
 * not the watcher: the watcher holds arm_lock, and a dlopen there could
 * wait for the loader's lock held by a thread waiting for arm_lock): a
 * program that never starts a thread (most of a test suite) never maps it.
 * Once every module is disassembled it is unloaded again (its code, tables
 * and relocated data are about 5 MB of the process's memory), and loaded
 * again by a thread whose dlopen brought new code.  cap changes under
 * arm_lock; dlopen and dlclose happen outside it. */
static struct capstone {
	void *lib;
	csh h;
	cs_insn *in;
	bool (*disasm_iter)(csh, const uint8_t **, size_t *, uint64_t *, cs_insn *);
	void (*free_)(cs_insn *, size_t);
	cs_err (*close_)(csh *);
} cap;

static bool cap_failed;		/* cannot be loaded: not tried again */

static void capstone_close(struct capstone *c)
{
	if (c->in)
		c->free_(c->in, 1);
	if (c->h)
		c->close_(&c->h);
	if (c->lib) {
		pthread_mutex_lock(&cap_dl_lock);
		dlclose(c->lib);
		pthread_mutex_unlock(&cap_dl_lock);
	}
	memset(c, 0, sizeof(*c));
}

/* Caller does not hold arm_lock. */
static bool capstone_load(void)
{
	cs_err (*open_)(cs_arch, cs_mode, csh *);
	cs_err (*option)(csh, cs_opt_type, size_t);
	cs_insn *(*alloc)(csh);
	struct capstone c = { 0 };

	if (cap.in)		/* loaded already (a fork child inherits it) */
		return true;
	if (cap_failed || !db_log_loader_walkable())
		return false;	/* a child of fork: later, or with what is known */
	pthread_mutex_lock(&cap_dl_lock);
	c.lib = dlopen("libcapstone.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!c.lib)
		c.lib = dlopen("libcapstone.so", RTLD_NOW | RTLD_LOCAL);
	if (!c.lib) {
		pthread_mutex_unlock(&cap_dl_lock);
		cap_failed = true;
		return false;
	}
	*(void **)&open_ = dlsym(c.lib, "cs_open");
	*(void **)&option = dlsym(c.lib, "cs_option");
	*(void **)&alloc = dlsym(c.lib, "cs_malloc");
	*(void **)&c.disasm_iter = dlsym(c.lib, "cs_disasm_iter");
	*(void **)&c.free_ = dlsym(c.lib, "cs_free");
	*(void **)&c.close_ = dlsym(c.lib, "cs_close");
	pthread_mutex_unlock(&cap_dl_lock);
	if (!open_ || !option || !alloc || !c.disasm_iter || !c.free_ || !c.close_ ||
	    open_(CS_ARCH_X86, CS_MODE_64, &c.h) != CS_ERR_OK ||
	    option(c.h, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK || !(c.in = alloc(c.h))) {
		capstone_close(&c);
		cap_failed = true;
		return false;
	}
	pthread_mutex_lock(&arm_lock);
	if (!cap.in) {
		cap = c;
		c = (struct capstone){ 0 };
	}
	pthread_mutex_unlock(&arm_lock);
	capstone_close(&c);	/* another thread was first */
	return true;
}

/* Every module is disassembled: give capstone's memory back.  Caller is
 * the watcher, not holding arm_lock. */
static void capstone_unload(void)
{
	struct capstone c;

	pthread_mutex_lock(&arm_lock);
	c = cap;
	memset(&cap, 0, sizeof(cap));
	pthread_mutex_unlock(&arm_lock);
	capstone_close(&c);
}

/* ---- the site cache ----------------------------------------------------------
 * A module's sites depend on its file alone.  Once the disassembler has
 * been through a module, its sites go to a file in race_cache (named by
 * the module's build-id; without one, by its path, size and inode), and a
 * later process reads them there instead of loading the disassembler.  A
 * file that does not match the module (its size; without a build-id, its
 * time and inode; each site's first byte in memory) is not used, and is
 * replaced after the next disassembly.  Written under a temporary name and
 * renamed: the processes of a test suite may write the same one at once.
 * Any failure just means no cache. */

#define CACHE_MAGIC	"dbsites3"

struct cache_head {
	char magic[8];
	uint64_t size, mtime_ns, ino;	/* the module's file */
	uint32_t nsites, rec_size;
};

struct cache_rec {
	uint64_t off;		/* pc - the module's bias */
	int64_t disp;
	uint8_t len, orig, size, flags;
	int8_t base, index;
	uint8_t scale, pad;
};

static char cache_dir[256];	/* "": no cache */

static void cache_init(void)
{
	const char *o = db_opt.race_cache, *x;
	size_t n = 0;

	if (!strcmp(o, "off"))
		n = 0;
	else if (o[0])
		n = db_fmt(cache_dir, sizeof(cache_dir), "%s", o);
	else if ((x = secure_getenv("XDG_CACHE_HOME")) && x[0] == '/')
		n = db_fmt(cache_dir, sizeof(cache_dir), "%s/deadbolt", x);
	else if ((x = secure_getenv("HOME")) && x[0] == '/')
		n = db_fmt(cache_dir, sizeof(cache_dir), "%s/.cache/deadbolt", x);
	if (n == 0 || n >= sizeof(cache_dir))
		cache_dir[0] = '\0';
}

static uint64_t mtime_ns(const struct stat *st)
{
	return (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec;
}

/* The cache file of module k, whose file is st. */
static bool cache_path(unsigned k, const struct stat *st, char *out, size_t n)
{
	char key[2 * sizeof(modules[k].build_id) + 1];
	size_t at = 0;

	if (!cache_dir[0])
		return false;
	if (modules[k].build_id_len) {
		for (uint32_t i = 0; i < modules[k].build_id_len; i++)
			at += db_fmt(key + at, sizeof(key) - at, "%02x", modules[k].build_id[i]);
	} else {
		uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a of the path */
		for (const char *p = modules[k].path; *p; p++)
			h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
		db_fmt(key, sizeof(key), "p%016llx-%llx-%llx", (unsigned long long)h,
		       (unsigned long long)st->st_size, (unsigned long long)st->st_ino);
	}
	return db_fmt(out, n, "%s/sites-%s", cache_dir, key) < n;
}

static bool cache_rec_ok(unsigned k, const struct cache_rec *r)
{
	uintptr_t pc = modules[k].bias + r->off;

	return pc >= modules[k].lo && r->len >= 1 && r->len <= 15 && pc + r->len <= modules[k].hi &&
	       r->disp == (int32_t)r->disp && r->size >= 1 && r->size <= 8 &&
	       !(r->flags & ~(SF_WRITE | SF_ATOMIC | SF_RIP | SF_SYNC)) &&
	       r->base >= -1 && r->base <= REG_RIP && r->index >= -1 && r->index <= REG_RIP &&
	       (r->scale == 0 || r->scale == 1 || r->scale == 2 || r->scale == 4 || r->scale == 8);
}

/* Module k's sites from the cache, if it has them.  Caller holds arm_lock. */
static bool cache_load(unsigned k)
{
	struct stat st, cs;
	char path[512];

	if (stat(modules[k].path, &st) != 0 || !cache_path(k, &st, path, sizeof(path)))
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	const uint8_t *m = MAP_FAILED;
	if (fstat(fd, &cs) == 0 && (size_t)cs.st_size >= sizeof(struct cache_head))
		m = mmap(NULL, (size_t)cs.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return false;
	const struct cache_head *h = (const void *)m;
	const struct cache_rec *r = (const void *)(h + 1);
	uint32_t first = atomic_load(&nsites);
	bool ok = !memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) &&
		  h->rec_size == sizeof(*r) && h->size == (uint64_t)st.st_size &&
		  (modules[k].build_id_len ||
		   (h->mtime_ns == mtime_ns(&st) && h->ino == (uint64_t)st.st_ino)) &&
		  h->nsites <= ((size_t)cs.st_size - sizeof(*h)) / sizeof(*r) &&
		  h->nsites <= MAX_SITES - first;
	bool sorted = true;
	for (uint32_t i = 0; ok && i < h->nsites; i++) {
		ok = cache_rec_ok(k, &r[i]);
		sorted &= i == 0 || r[i].off > r[i - 1].off;
	}
	if (ok)
		db_mem_populate(&sites[first], sizeof(*sites) * h->nsites);
	for (uint32_t i = 0; ok && i < h->nsites; i++) {
		struct site s = {
			.pc = modules[k].bias + r[i].off, .disp = (int32_t)r[i].disp, .len = r[i].len,
			.orig = r[i].orig, .size = r[i].size, .flags = r[i].flags,
			.base = r[i].base, .index = r[i].index, .scale = r[i].scale,
			.module = (uint16_t)k,
		};
		add_site(&s, !sorted);
	}
	uint32_t n = h->nsites;
	munmap((void *)m, (size_t)cs.st_size);
	if (ok) {
		modules[k].first_site = first;
		modules[k].cached = true;
		if (sorted)	/* every site added: the table had room for them */
			atomic_store_explicit(&modules[k].nsorted, n, memory_order_release);
		modules[k].done = SIZE_MAX;
	}
	return ok;
}

static bool make_dirs(char *p)
{
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	return mkdir(p, 0700) == 0 || errno == EEXIST;
}

struct cache_job {
	unsigned k;
	uint32_t first, end;	/* module k's sites are among [first, end) */
};

#define CACHE_JOBS	8	/* modules written after one disassembly slice, at most */

static void cache_job_add(struct cache_job *jobs, unsigned *njobs, unsigned k)
{
	jobs[(*njobs)++] = (struct cache_job){ k, modules[k].first_site, atomic_load(&nsites) };
}

/* Write a disassembled module's sites.  On the watcher, not holding
 * arm_lock: the sites are final, a module's fields stay. */
static void cache_save(const struct cache_job *j)
{
	char path[512], tmp[544];
	struct stat st;
	struct cache_rec buf[256];
	uint32_t n = 0, k = j->k;

	if (stat(modules[k].path, &st) != 0 || !cache_path(k, &st, path, sizeof(path)))
		return;
	for (uint32_t i = j->first; i < j->end; i++)
		n += sites[i].module == k;
	struct cache_head h = {
		.magic = CACHE_MAGIC, .size = (uint64_t)st.st_size, .mtime_ns = mtime_ns(&st),
		.ino = (uint64_t)st.st_ino, .nsites = n, .rec_size = sizeof(struct cache_rec),
	};
	char dir[sizeof(cache_dir)];
	memcpy(dir, cache_dir, sizeof(dir));
	if (!make_dirs(dir) ||
	    db_fmt(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= sizeof(tmp))
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	bool ok = write(fd, &h, sizeof(h)) == (ssize_t)sizeof(h);
	size_t nb = 0;
	for (uint32_t i = j->first; ok && i < j->end; i++) {
		const struct site *s = &sites[i];
		if (s->module != k)
			continue;
		buf[nb++] = (struct cache_rec){
			.off = s->pc - modules[k].bias, .disp = s->disp, .len = s->len,
			.orig = s->orig, .size = s->size, .flags = s->flags, .base = s->base,
			.index = s->index, .scale = s->scale,
		};
		if (nb == DB_ARRAY_SIZE(buf)) {
			ok = write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
			nb = 0;
		}
	}
	if (ok && nb)
		ok = write(fd, buf, nb * sizeof(buf[0])) == (ssize_t)(nb * sizeof(buf[0]));
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

/* Disassemble up to budget bytes of the modules' code not yet seen.
 * Reads the files, not memory (armed sites there hold int3s).  Caller
 * holds arm_lock; runs on the watcher. */
static size_t disassemble(size_t budget, struct cache_job *jobs, unsigned *njobs)
{
	size_t used = 0;

	if (!cap.in)
		return 0;
	for (unsigned k = 0; k < nmodules && used < budget && *njobs < CACHE_JOBS; k++) {
		if (!modules[k].sample || modules[k].gone || modules[k].done == SIZE_MAX)
			continue;
		if (modules[k].done == 0)
			modules[k].first_site = atomic_load(&nsites);
		int fd = open(modules[k].path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			if (fd >= 0)
				close(fd);
			modules[k].done = SIZE_MAX;
			continue;
		}
		size_t flen = (size_t)st.st_size;
		const uint8_t *m = mmap(NULL, flen, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		if (m == MAP_FAILED) {
			modules[k].done = SIZE_MAX;
			continue;
		}
		const Elf64_Ehdr *eh = (const void *)m;
		size_t seen = 0;	/* code bytes of earlier segments */
		bool ok = flen >= sizeof(*eh) && !memcmp(eh->e_ident, ELFMAG, SELFMAG) &&
			  eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_phoff < flen &&
			  eh->e_phnum <= (flen - eh->e_phoff) / sizeof(Elf64_Phdr);
		for (unsigned i = 0; ok && i < eh->e_phnum && used < budget; i++) {
			const Elf64_Phdr *p = (const void *)(m + eh->e_phoff + i * sizeof(Elf64_Phdr));
			if (p->p_type != PT_LOAD || !(p->p_flags & PF_X) || p->p_offset > flen ||
			    p->p_filesz > flen - p->p_offset)
				continue;
			if (modules[k].done >= seen + p->p_filesz) {
				seen += p->p_filesz;
				continue;
			}
			size_t off = modules[k].done - seen;
			size_t n = p->p_filesz - off;
			if (n > budget - used)
				n = budget - used;
			const uint8_t *code = m + p->p_offset + off;
			uint64_t addr = modules[k].bias + p->p_vaddr + off;
			size_t left = n;
			while (left) {
				if (cap.disasm_iter(cap.h, &code, &left, &addr, cap.in)) {
					consider(cap.in, k);
				} else {	/* not an instruction: skip a byte */
					code++, left--, addr++;
				}
			}
			modules[k].done += n;
			used += n;
			seen += p->p_filesz;
		}
		munmap((void *)m, flen);
		if (used < budget) {	/* ran out of code: this module is done */
			modules[k].done = SIZE_MAX;
			if (cache_dir[0] && atomic_load(&nsites) < MAX_SITES)
				cache_job_add(jobs, njobs, k);
		}
	}
	return used;
}

/* ---- arming --------------------------------------------------------------- */

static void disarm_all(void)
{
	uint64_t now = now_ns();

	for (unsigned k = 0; k < narmed; k++) {
		struct site *s = &sites[armed[k]];
		uint32_t st = SITE_ARMED;
		if (atomic_compare_exchange_strong(&s->state, &st, SITE_IDLE)) {
			struct site_stat *ss = stat_of(s);
			poke_site(s, s->orig);
			atomic_fetch_add(&ss->armed_us, (now - ss->armed_ns) / 1000);
		}
		/* SITE_BUSY: its thread restores it */
	}
	narmed = 0;
}

/* A site whose last catches found no race (a hot loop over a thread's own
 * data, a buffer handed between threads under a lock, an access dropped
 * as the thread's own stack) would spend most of a window's traps, each
 * 15-25 us of a program thread's time, on what it has shown to be
 * ordered: it is armed one time in QUIET_ODDS, and the window's other
 * sites get the traps.  Until a second thread is caught at a site, its
 * catches show little (a race needs the other thread caught too: sibling
 * tasks that one thread happens to run first): they count a quarter, so
 * such a site goes quiet after 32 catches, not 8.  Caller holds arm_lock. */
static bool quiet_skip(const struct site *s)
{
	return atomic_load_explicit(&s->quiet, memory_order_relaxed) >= SITE_QUIET &&
	       rand64() % QUIET_ODDS;
}

/* An idle site gets its int3; true if it has it now (a site that cannot
 * be patched dies, and so does one whose first byte is not the one it was
 * found with: a site cache's records are checked here, each as it is
 * first armed, not all as the cache is read, which would fault in every
 * page of the module's code, most never run: 1-2 ms for zstd's 32,000
 * sites, where a first touch of a page costs 5-14 us). */
static bool set_armed(struct site *s)
{
	uint32_t st = SITE_IDLE;

	if (!atomic_compare_exchange_strong(&s->state, &st, SITE_ARMED))
		return false;
	stat_of(s)->armed_ns = now_ns();
	atomic_store_explicit(&s->used, 1, memory_order_relaxed);
	code_writable(s->module);
	if (*(const volatile uint8_t *)s->pc != s->orig || !poke_site(s, 0xcc)) {
		atomic_store(&s->state, SITE_DEAD);
		return false;
	}
	return true;
}

/* Arm site i, unless it is armed already, busy, or quiet_skip says no
 * (then false: the draw may look further). */
static bool arm(uint32_t i)
{
	if (quiet_skip(&sites[i]))
		return false;
	for (unsigned k = 0; k < narmed; k++)
		if (armed[k] == i)
			return true;
	if (set_armed(&sites[i]))
		armed[narmed++] = i;
	return true;
}

/* The site nearest pc (within PROFILE_NEAR bytes, the one after it first:
 * a sampled IP is the instruction about to run). */
static void arm_near(uintptr_t pc)
{
	int k = module_at(pc);

	if (k < 0 || !modules[k].sample)
		return;		/* no sites there (a system library, deadbolt) */
	uint32_t first, end, i = sorted_lower(k, pc, &first, &end);

	if (end) {
		const struct site *a = i < end && sites[i].pc - pc <= PROFILE_NEAR ? &sites[i] : NULL;
		const struct site *b = i > first && pc - sites[i - 1].pc <= PROFILE_NEAR ?
				       &sites[i - 1] : NULL;
		if (a && b && pc - b->pc < a->pc - pc)
			a = b;
		if (a || b)
			arm((uint32_t)((a ? a : b) - sites));
		return;
	}
	for (uintptr_t d = 0; d <= PROFILE_NEAR; d++) {
		const struct site *x = site_at(pc + d);
		if (!x && d && pc > d)
			x = site_at(pc - d);
		if (x) {
			arm((uint32_t)(x - sites));
			return;
		}
	}
}

/* Between rotations: sites of this window that caught an access are armed
 * again (a hot site then samples more than one thread), while the window's
 * catches stay within race_sample.  Caller holds arm_lock. */
static uint64_t window_traps0;

static void rearm_hit(void)
{
	uint64_t caught = atomic_load(&ntraps) - window_traps0;

	for (unsigned k = 0; k < narmed && caught < (uint64_t)db_opt.race_sample; k++) {
		struct site *s = &sites[armed[k]];
		if (!quiet_skip(s) && set_armed(s))
			caught++;	/* count it as spent: it will likely be hit */
	}
}

/* One burst of the profile in profile_every windows: DB_PROFILE_EVERY while
 * it finds the threads running sampled code, up to 16 times rarer while it
 * finds them elsewhere (a compressor in its system library): a burst costs
 * the threads it watches 10-15% of their time for a window, and IPs
 * outside every sampled module arm nothing.  profile_judge: a burst ended
 * before this rotation, whose IPs say which.  Watcher only. */
static unsigned profile_every = DB_PROFILE_EVERY;
static bool profile_judge;

static void judge_profile(const uintptr_t *ips, unsigned nip)
{
	unsigned in = 0;

	for (unsigned i = 0; i < nip; i++) {
		int k = module_at(ips[i]);
		in += k >= 0 && modules[k].sample;
	}
	if (nip && in * 16 < nip)
		profile_every = profile_every < 16 * DB_PROFILE_EVERY ? 2 * profile_every :
									profile_every;
	else
		profile_every = DB_PROFILE_EVERY;
}

/* The watcher: a new set of sites every window.  Caller holds arm_lock. */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void rotate(void)
{
	uint64_t t0 = cpu_ns();

	unsigned want = (unsigned)db_opt.race_sample, np = atomic_load(&npromoted);
	if (want > MAX_ARMED)
		want = MAX_ARMED;
	/* hot sites: caught an access in the window that ends (their state is
	 * idle again); a quarter of the next window goes to a draw of them,
	 * so code that runs all the time is seen from more than one thread */
	uint32_t hot[MAX_ARMED / 4];
	unsigned nhot = 0;
	for (unsigned k = 0; k < narmed; k++) {
		if (atomic_load(&sites[armed[k]].state) != SITE_IDLE)
			continue;
		if (nhot < (want >= 16 ? want / 4 : 0))
			hot[nhot++] = armed[k];
		else if (nhot)
			hot[rand64() % nhot] = armed[k];
	}
	disarm_all();
	atomic_fetch_add(&window_gen, 1);
	window_traps0 = atomic_load(&ntraps);
	uint32_t n = atomic_load_explicit(&nsites, memory_order_acquire);
	if (np > MAX_PROMOTED)
		np = MAX_PROMOTED;
	/* a promoted site and its neighbours: the load of `x++` caught a
	 * shared location, its store is the next instruction or so */
	for (unsigned k = 0; np && narmed < want / 2 && k < np; k++) {
		uint32_t p = atomic_load(&promoted[promo_next++ % np]);
		arm(p);
		for (uint32_t j = p > 3 ? p - 3 : 0; j < p + 4 && j < n && narmed < want / 2; j++)
			if (j != p && sites[j].module == sites[p].module &&
			    sites[j].pc + NEIGHBOUR > sites[p].pc && sites[j].pc < sites[p].pc + NEIGHBOUR)
				arm(j);
	}
	for (unsigned k = 0; k < nhot && narmed < 3 * want / 4; k++)
		arm(hot[k]);
	/* a quarter to where the threads were seen running (profile.c): the
	 * sites nearest a sampled IP, so that a hot loop among many cold
	 * instructions is armed soon */
	uintptr_t ips[PROFILE_IPS];
	unsigned nip = db_profile_read(ips, PROFILE_IPS), quota = narmed + (want >= 4 ? want / 4 : 1);
	if (profile_judge) {
		judge_profile(ips, nip);
		profile_judge = false;
	}
	for (unsigned k = 0; nip && k < 2 * want && narmed < want && narmed < quota; k++)
		arm_near(ips[rand64() % nip]);
	/* an eighth to compare-exchanges and exchanges, in turn: the words of
	 * the program's own locks are learnt early (see DB_RACE_ATOMIC_SYNC) */
	unsigned ns = atomic_load_explicit(&nsync_sites, memory_order_relaxed);
	for (unsigned k = 0; k < (want >= 8 ? want / 8 : 1) && k < ns && narmed < want; k++)
		arm(sync_sites[sync_next++ % ns]);
	/* a quiet site drawn is not a try: the draw looks on (so far at most) */
	for (unsigned tries = 0, draws = 0; n && narmed < want && tries < 4 * want &&
	     draws < 4 * QUIET_ODDS * want; draws++)
		tries += arm((uint32_t)(rand64() % n));
	atomic_fetch_add(&nwindows, 1);
	/* patching costs a system call a site: keep it under 2% of a window.
	 * The watcher's own CPU time, not the clock: on a loaded machine it
	 * waits for a CPU, which costs the program nothing; and at most 8
	 * times the option (a first patch of a page copies it) */
	uint64_t cost_us = (cpu_ns() - t0) / 1000;
	uint64_t w = (uint64_t)db_opt.race_window_ms * 1000;
	uint64_t len = cost_us * 50 > w ? cost_us * 50 : w;
	atomic_store(&window_us, len > 8 * w ? 8 * w : len);
}

static void *watcher_main(void *arg)
{
	(void)arg;
	db_level = 1;		/* never enters the shims: not the program's thread */
	prctl(PR_SET_NAME, "deadbolt-race");
	/* the tables touched at random (slots' granules and entries, the
	 * filters): faulted in at once, not a page at a time later by the
	 * program's threads (150 KiB); the entries themselves are used in
	 * order (shadow_entry); not again in a forked child, whose
	 * copies are mapped (populating would copy them all) */
	static bool populated;
	if (!populated) {
		db_mem_populate(shadow_granule, sizeof(*shadow_granule) * SHADOW_SLOTS);
		db_mem_populate(shadow_lines, SHADOW_LINES + SHADOW_PAGES);
		db_mem_populate(shadow_entry, sizeof(*shadow_entry) * SHADOW_SLOTS);
		populated = true;
	}
	bool all_done = false;
	struct cache_job jobs[CACHE_JOBS];
	unsigned njobs = 0;
	/* quarters to sleep before the next step; traps counted at the last */
	unsigned quarters = 1;
	uint64_t traps_seen = atomic_load(&ntraps);
	bool burst = db_profile_begin(true);
	for (unsigned step = quarters; !atomic_load(&stopping); step += quarters) {
		uint64_t us = atomic_load(&window_us) / 4 * quarters;
		struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
		syscall(SYS_futex, &stopping, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
		if (atomic_load(&stopping))
			break;
		/* the program's threads are all gone (main called pthread_exit):
		 * the process must end with them, not wait for us */
		db_threads_lock();
		bool alone = db_threads_first() == NULL;
		db_threads_unlock();
		if (alone) {
			if (atomic_exchange(&watcher_joinable, 0))
				db_real.pthread_detach(pthread_self());
			db_race_exit();
			break;
		}
		/* a quarter in which no armed site caught anything leaves none
		 * to arm again: sleep on to the rotation (a watcher that wakes
		 * four times a window preempts a busy program as often) */
		uint64_t traps = atomic_load(&ntraps);
		bool quiet = traps == traps_seen;
		traps_seen = traps;
		quarters = step % 4 && quiet ? 4 - step % 4 : 1;
		if (step % 4 == 0 && burst) {	/* its IPs, for this rotation */
			db_profile_end();
			burst = false;
			profile_judge = true;
		}
		pthread_mutex_lock(&arm_lock);
		if (!atomic_load(&stopping) && atomic_load(&state) == ST_ON &&
		    !atomic_load(&paused)) {
			if (step % 4) {
				if (!quiet)
					rearm_hit();
			} else {
				if (cap.in) {
					disassemble(DISASM_SLICE, jobs, &njobs);
					all_done = !modules_todo();
				}
				rotate();
			}
		}
		pthread_mutex_unlock(&arm_lock);
		if (step % 4 == 0)
			burst = db_profile_begin(step / 4 % profile_every == 0);
		for (unsigned i = 0; i < njobs; i++)
			cache_save(&jobs[i]);
		njobs = 0;
		if (all_done) {
			capstone_unload();
			all_done = false;
		}
	}
	db_profile_end();
	return NULL;
}

/* ---- shadow ---------------------------------------------------------------- */

/* The filter a free looks at first: how many shadow entries granule g's
 * 4 KiB page and its 64-byte line have (or a page or line folded onto
 * them), kept by whoever changes an entry's granule, under the entry's
 * lock.  A free of a block whose page holds no sampled location reads one
 * byte of a 4 KiB array that stays in the cache; otherwise one of 64 KiB
 * per line.  A count that reached 255 stays there: maybe.  Lines and
 * pages fold onto the filter (db_fold), so the frees of nearby blocks read
 * nearby counters. */
static inline _Atomic uint8_t *line_counter(uintptr_t line)
{
	return &shadow_lines[db_fold(line, SHADOW_LINES_BITS)];
}

static inline _Atomic uint8_t *page_counter(uintptr_t page)
{
	return &shadow_lines[SHADOW_LINES + db_fold(page, SHADOW_PAGES_BITS)];
}

static void count_one(_Atomic uint8_t *c, int d)
{
	uint8_t v = atomic_load_explicit(c, memory_order_relaxed);

	while (v != UINT8_MAX && !atomic_compare_exchange_weak_explicit(
			c, &v, (uint8_t)(v + d), memory_order_relaxed, memory_order_relaxed))
		;
}

static void line_count(uintptr_t g, int d)
{
	if (!g)
		return;
	count_one(line_counter(g >> 3), d);
	count_one(page_counter(g >> 9), d);
}

static inline size_t shadow_slot(uintptr_t g)
{
	return db_hash64(g) & (SHADOW_SLOTS - 1);
}

static inline uintptr_t shadow_holds(size_t i)
{
	return __atomic_load_n(&shadow_granule[i], __ATOMIC_RELAXED);
}

/* Slot i's entry; made if it has none and make is set (NULL: none, or the
 * pool is spent). */
static struct shadow *slot_shadow(size_t i, bool make)
{
	uint32_t e = atomic_load_explicit(&shadow_entry[i], memory_order_acquire);

	if (e || !make || atomic_load_explicit(&shadows_used, memory_order_relaxed) >= SHADOW_POOL)
		return e ? &shadows[e - 1] : NULL;
	uint32_t n = atomic_fetch_add(&shadows_used, 1);
	if (n >= SHADOW_POOL)
		return NULL;
	/* untouched memory: its lock is free, its granule is none */
	if (atomic_compare_exchange_strong(&shadow_entry[i], &e, n + 1))
		return &shadows[n];
	return &shadows[e - 1];	/* another thread gave it one first */
}

static struct shadow *shadow_get(uintptr_t a)
{
	uintptr_t g = a >> 3;
	size_t i = shadow_slot(g);
	struct shadow *sh = slot_shadow(i, true);

	if (!sh)
		return NULL;
	db_spin_lock(&sh->lock);
	if (shadow_granule[i] != g) {	/* lossy: the newest granule wins */
		line_count(shadow_granule[i], -1);
		line_count(g, 1);
		__atomic_store_n(&shadow_granule[i], g, __ATOMIC_RELAXED);
		sh->flags = is_benign(g << 3, 8) ? SH_BENIGN : 0;
		sh->tids = 0;
		sh->w.tid = sh->r[0].tid = sh->r[1].tid = UINT32_MAX;
		if (!atomic_load_explicit(&db_race_shadowed, memory_order_relaxed))
			atomic_store(&db_race_shadowed, 1);
	}
	return sh;
}

/* Clear the shadow entry of granule g, if it holds g. */
static void shadow_clear(uintptr_t g)
{
	size_t i = shadow_slot(g);
	struct shadow *sh;

	if (shadow_holds(i) != g || !(sh = slot_shadow(i, false)))
		return;
	db_spin_lock(&sh->lock);
	if (shadow_granule[i] == g) {
		line_count(g, -1);
		__atomic_store_n(&shadow_granule[i], 0, __ATOMIC_RELAXED);
	}
	db_spin_unlock(&sh->lock);
}

/* A block is freed: its granules' entries go.  The filters are walked
 * from the top: a page whose counter is 0 costs one load whatever the
 * block's size, a line whose counter is 0 one more, and only the granules
 * of the lines left are looked up in the shadow (a miss each).  A block
 * of more pages than the shadow has entries is swept against them all. */
/* The stacks of the live threads, to name the thread whose stack a race
 * is on (a slot: tid + 1, 0 when free; more threads: unnamed). */
#define MAX_STACKS	256

static struct {
	uintptr_t lo, hi;
	_Atomic uint32_t tid;
} stacks[MAX_STACKS];

void db_race_thread_started(const struct db_thread *t)
{
	for (unsigned k = 0; t->stack_hi > t->stack_lo && k < MAX_STACKS; k++) {
		uint32_t free = 0;
		if (atomic_load_explicit(&stacks[k].tid, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_strong(&stacks[k].tid, &free, UINT32_MAX)) {
			stacks[k].lo = t->stack_lo;
			stacks[k].hi = t->stack_hi;
			atomic_store_explicit(&stacks[k].tid, t->tid + 1, memory_order_release);
			return;
		}
	}
}

/* t ends: what other threads were caught at on its stack means nothing
 * for the next thread there */
void db_race_thread_gone(const struct db_thread *t)
{
	for (unsigned k = 0; k < MAX_STACKS; k++)
		if (atomic_load_explicit(&stacks[k].tid, memory_order_relaxed) == t->tid + 1 &&
		    stacks[k].lo == t->stack_lo)
			atomic_store_explicit(&stacks[k].tid, 0, memory_order_release);
	if (t->stack_hi > t->stack_lo)
		db_race_freed(t->stack_lo, t->stack_hi - t->stack_lo);
}

void db_race_freed(uintptr_t p, size_t n)
{
	if (!shadows || !n)
		return;
	uintptr_t glo = p >> 3, ghi = (p + n + 7) >> 3;
	if (n / 4096 > SHADOW_SLOTS / 8) {
		for (unsigned i = 0; i < SHADOW_SLOTS; i++) {
			uintptr_t g = shadow_holds(i);
			if (g >= glo && g < ghi)
				shadow_clear(g);
		}
		return;
	}
	/* granules [glo, ghi); lines [llo, lhi); a page has 64 lines, a line 8
	 * granules; each inner range is its parent's, cut to the block */
	uintptr_t llo = glo >> 3, lhi = ((ghi - 1) >> 3) + 1;
	for (uintptr_t pg = llo >> 6; pg <= (lhi - 1) >> 6; pg++) {
		if (!atomic_load_explicit(page_counter(pg), memory_order_relaxed))
			continue;
		uintptr_t l1 = (pg + 1) << 6;
		for (uintptr_t ln = pg << 6 > llo ? pg << 6 : llo; ln < l1 && ln < lhi; ln++) {
			if (!atomic_load_explicit(line_counter(ln), memory_order_relaxed))
				continue;
			uintptr_t g1 = (ln + 1) << 3;
			for (uintptr_t g = ln << 3 > glo ? ln << 3 : glo; g < g1 && g < ghi; g++)
				shadow_clear(g);
		}
	}
}

/* ---- the check ------------------------------------------------------------- */

static void snapshot_locks(const struct db_thread *t, struct acc *a)
{
	int n = t->nheld < DB_MAX_HELD ? t->nheld : DB_MAX_HELD;

	a->nlocks = (uint32_t)n;
	a->read_bits = 0;
	for (int k = 0; k < n && k < SHADOW_LOCKS; k++) {
		const struct db_held *h = &t->held[n - 1 - k];	/* innermost first */
		a->uid[k] = h->uid;
		a->laddr[k] = h->addr;
		if (h->mode == DB_MODE_READ)
			a->read_bits |= 1u << k;
	}
}

static bool common_lock(const struct acc *p, const struct acc *c)
{
	for (uint32_t i = 0; i < p->nlocks && i < SHADOW_LOCKS; i++)
		for (uint32_t j = 0; j < c->nlocks && j < SHADOW_LOCKS; j++)
			if (p->uid[i] == c->uid[j] &&
			    !((p->read_bits >> i) & (c->read_bits >> j) & 1))
				return true;
	return false;
}

static bool conflict(const struct acc *p, const struct acc *c)
{
	return p->tid != UINT32_MAX && p->tid != c->tid &&
	       p->addr < c->addr + c->size && c->addr < p->addr + p->size &&
	       ((p->flags | c->flags) & DB_RACEF_WRITE) &&
	       !(p->flags & c->flags & DB_RACEF_ATOMIC);
}

static bool racy(const struct db_thread *t, const struct acc *p, const struct acc *c)
{
	return conflict(p, c) && !common_lock(p, c) && !db_clock_knows(t, p->vci, p->epoch);
}

static void fill_access(struct db_race_access *o, const struct acc *a)
{
	o->tid = a->tid;
	o->flags = a->flags;
	o->pc = a->pc;
	o->stack = a->stack;
	o->time_ns = a->time_ns;
	o->nlocks = a->nlocks;
	for (uint32_t k = 0; k < a->nlocks && k < DB_RACE_MAX_LOCKS && k < SHADOW_LOCKS; k++) {
		/* the lock's record, if it is still the same lock */
		uint64_t uid = db_lock_log_addr(a->laddr[k]);
		o->locks[k].uid = uid == a->uid[k] ? uid : 0;
		o->locks[k].addr = a->laddr[k];
		o->mode_bits |= a->read_bits & (1u << k);
	}
	if (a->stack)
		db_stack_log(a->stack);
}

/* Where addr is: a heap block, a module's data, or other memory. */
static void locate(struct db_rec_race *r, uintptr_t a)
{
	uintptr_t start;
	size_t size;
	uint64_t stack;

	if (db_alloc_block_of(a, &start, &size, &stack)) {
		r->loc = DB_RACE_LOC_HEAP;
		r->object = start;
		r->object_size = size;
		r->block_stack = stack;
		if (stack)
			db_stack_log(stack);
		return;
	}
	r->loc = DB_RACE_LOC_OTHER;
	r->object = a;
	for (unsigned k = 0; k < nmodules; k++)
		if (!modules[k].gone && a >= modules[k].dlo && a < modules[k].dhi)
			r->loc = DB_RACE_LOC_GLOBAL;
	for (unsigned k = 0; r->loc == DB_RACE_LOC_OTHER && k < MAX_STACKS; k++) {
		uint32_t tid = atomic_load_explicit(&stacks[k].tid, memory_order_acquire);
		if (tid && tid != UINT32_MAX && a >= stacks[k].lo && a < stacks[k].hi) {
			r->loc = DB_RACE_LOC_STACK;
			r->owner = tid - 1;
		}
	}
}

/* Does the function around pc compare-exchange or exchange memory?  Locks
 * a program builds of atomics (Rust's std Mutex, Qt's QMutex, spinlocks
 * of its own) take their word with one and give it back with one, most
 * often inlined where the data they guard is used; deadbolt sees neither.
 * Looked at once per race reported, in the list of such sites. */
static bool sync_near(uintptr_t pc)
{
	uintptr_t lo, hi;
	unsigned ns = atomic_load_explicit(&nsync_sites, memory_order_acquire);

	if (!db_stack_function_of(pc, &lo, &hi))
		return false;
	for (unsigned k = 0; k < ns; k++)
		if (sites[sync_sites[k]].pc >= lo && sites[sync_sites[k]].pc < hi)
			return true;
	return false;
}

static void report(const struct acc *a0, const struct acc *a1, unsigned evidence)
{
	uint64_t lo = a0->pc < a1->pc ? a0->pc : a1->pc, hi = a0->pc ^ a1->pc ^ lo;
	uintptr_t a = a0->addr > a1->addr ? a0->addr : a1->addr;

	if (!db_once(db_hash64((a >> 3) ^ db_hash64(lo ^ db_hash64(hi))) + evidence))
		return;
	struct db_rec_race r = {
		.h = { DB_REC_RACE, sizeof(r) },
		.addr = a,
		.size = a1->size < a0->size ? a1->size : a0->size,
		.evidence = evidence,
	};
	locate(&r, a);
	fill_access(&r.a[0], a0);
	fill_access(&r.a[1], a1);
	for (int k = 0; evidence == DB_RACE_UNORDERED && k < 2; k++)
		if (sync_near(r.a[k].pc))
			r.a[k].flags |= DB_RACEF_SYNC_NEAR;
	db_log_write(&r);
	atomic_fetch_add(&nraces, 1);
	if (db_opt.verbosity >= 2)
		db_warn("data race at %p (%s)", (void *)a,
			evidence == DB_RACE_WITNESSED ? "witnessed" : "unordered");
}

static void log_atomic(const struct acc *a, bool sync)
{
	struct db_rec_race_atomic r = {
		.h = { DB_REC_RACE_ATOMIC, sizeof(r) },
		.addr = a->addr, .size = a->size, .tid = a->tid, .pc = a->pc,
		.flags = sync ? DB_RACE_ATOMIC_SYNC : 0,
	};
	db_log_write(&r);
}

static void promote(const struct site *s)
{
	uint32_t k = atomic_fetch_add(&npromoted, 1);

	/* a ring: the newest promoted sites replace the oldest */
	atomic_store(&promoted[k % MAX_PROMOTED], (uint32_t)(s - sites));
}

/* Was a thread other than t caught at a's granule (a racy look, no
 * lock)?  If so, *flags is the entry's SH_*. */
static bool touched_by_other(const struct db_thread *t, uintptr_t a, uint32_t *flags)
{
	uintptr_t g = a >> 3;
	size_t i = shadow_slot(g);
	const struct shadow *sh;

	if (shadow_holds(i) != g || !(sh = slot_shadow(i, false)) ||
	    !(__atomic_load_n(&sh->tids, __ATOMIC_RELAXED) & ~(1u << (t->tid & 31))))
		return false;
	*flags = __atomic_load_n(&sh->flags, __ATOMIC_RELAXED);
	return true;
}

/* A caught access; returns whether the thread should pause at it. */
/* The access at site s, from the saved registers: false when it is not
 * sampled (the stack, a benign range).  Takes no lock: it runs while the
 * site is held (see on_trap). */
static bool prepare(struct db_thread *t, const struct site *s, const ucontext_t *uc,
		    struct acc *cur)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t a = (uintptr_t)s->disp;

	if (s->flags & SF_RIP)
		a += s->pc + s->len;
	else if (s->base >= 0)
		a += (uintptr_t)g[s->base];
	if (s->index >= 0)
		a += (uintptr_t)g[s->index] * s->scale;
	uintptr_t sp = (uintptr_t)g[REG_RSP];
	uintptr_t top = t->stack_hi ? t->stack_hi : sp + (1u << 20);
	/* The thread's own stack: only a location another thread was caught
	 * at (a local handed out by address: OpenMP's shared variables, a
	 * result a worker fills in).  What a C++ static's initialiser writes,
	 * its guard publishes: the threads that use the static later test
	 * the guard inline, calling nothing deadbolt could see. */
	bool own = (a + STACK_SLACK >= sp && a < top) || (a >= t->stack_lo && a < t->stack_hi);
	uint32_t flags;
	if ((own && !touched_by_other(t, a, &flags)) || t->static_init || is_benign(a, s->size)) {
		atomic_fetch_add_explicit(&ndropped, 1, memory_order_relaxed);
		return false;
	}
	bool global = false;
	for (unsigned k = 0; k < nmodules && !global; k++)
		global = a >= modules[k].dlo && a < modules[k].dhi;
	atomic_fetch_add_explicit(global ? &nglobal : &nheap, 1, memory_order_relaxed);
	cur->tid = t->tid;
	cur->vci = t->vci;
	cur->epoch = db_clock_stamp(t);
	cur->addr = a;
	cur->size = s->size;
	cur->pc = s->pc + 1;	/* like a return address: pc - 1 is the instruction */
	cur->time_ns = now_ns();
	cur->flags = (s->flags & SF_WRITE ? DB_RACEF_WRITE : 0) |
		     (s->flags & SF_ATOMIC ? DB_RACEF_ATOMIC : 0);
	snapshot_locks(t, cur);
	return true;
}

/* Pause at this access?  A location another thread touched, no lock held,
 * once a window.  A racy look at the shadow: no lock here either. */
static _Atomic uint64_t next_pause_ns;	/* no thread pauses before */

static bool should_pause(const struct db_thread *t, const struct acc *cur)
{
	uint32_t flags;

	if (!db_opt.race_pause_us || t->nheld || t->race_paused_gen == atomic_load(&window_gen) ||
	    !touched_by_other(t, cur->addr, &flags) || (flags & (SH_ATOMIC | SH_BENIGN)))
		return false;
	/* the process pauses at most 1% of the time, whatever its threads */
	uint64_t now = now_ns(), next = atomic_load_explicit(&next_pause_ns, memory_order_relaxed);
	return now >= next &&
	       atomic_compare_exchange_strong(&next_pause_ns, &next,
					      now + (uint64_t)db_opt.race_pause_us * 100000);
}

/* Check a prepared access against the location's shadow and record it;
 * returns whether a race was found. */
static bool record(struct db_thread *t, struct site *s, struct acc *cur, uintptr_t sp,
		   uintptr_t bp)
{
	uintptr_t a = cur->addr;
	struct shadow *sh = shadow_get(a);
	if (!sh)
		return false;
	struct acc found[3];
	int nfound = 0;
	uint32_t bit = 1u << (t->tid & 31);
	/* another thread was caught here */
	bool shared = sh->tids & ~bit;
	sh->tids |= bit;
	bool atomic_now = (cur->flags & DB_RACEF_ATOMIC) && !(sh->flags & SH_ATOMIC);
	bool sync_now = (s->flags & SF_SYNC) && !(sh->flags & SH_SYNC);
	if (cur->flags & DB_RACEF_ATOMIC)
		sh->flags |= SH_ATOMIC;
	if (s->flags & SF_SYNC)
		sh->flags |= SH_SYNC;
	if (!(sh->flags & (SH_ATOMIC | SH_BENIGN))) {
		if (racy(t, &sh->w, cur))
			found[nfound++] = sh->w;
		for (int i = 0; i < 2 && (cur->flags & DB_RACEF_WRITE); i++)
			if (racy(t, &sh->r[i], cur))
				found[nfound++] = sh->r[i];
	}
	bool need_stack = nfound > 0 || shared;
	db_spin_unlock(&sh->lock);
	if (atomic_now || sync_now)
		log_atomic(cur, sync_now);
	if (!need_stack && atomic_load(&nraces) < 64)
		need_stack = true;	/* the first accesses: stacks for what may come */
	cur->stack = need_stack ? db_stack_trap_id(t, cur->pc, sp, bp, (int)db_opt.stack_depth) : 0;
	if (shared)
		promote(s);

	/* record it (its stack is known now) */
	db_spin_lock(&sh->lock);
	if (shadow_granule[shadow_slot(a >> 3)] == a >> 3) {
		if (cur->flags & DB_RACEF_WRITE) {
			sh->w = *cur;
		} else {
			int i = sh->r[0].tid == cur->tid ? 0 : sh->r[1].tid == cur->tid ? 1 :
				sh->r[0].tid == UINT32_MAX ? 0 : sh->r[1].tid == UINT32_MAX ? 1 :
				sh->r[0].time_ns <= sh->r[1].time_ns ? 0 : 1;
			sh->r[i] = *cur;
		}
	}
	db_spin_unlock(&sh->lock);
	for (int i = 0; i < nfound; i++)
		report(&found[i], cur, DB_RACE_UNORDERED);

	/* another thread is paused at this location: simultaneous; the
	 * paused thread reports it when it wakes (its stack is known then) */
	for (unsigned k = 0; k < MAX_PAUSERS; k++) {
		struct pauser *pz = &pausers[k];
		uint32_t p = atomic_load_explicit(&pz->tid, memory_order_acquire), zero = 0;
		if (!p || p == UINT32_MAX || !conflict(&pz->a, cur) ||
		    !atomic_compare_exchange_strong(&pz->wit, &zero, 1))
			continue;
		if (atomic_load(&pz->tid) == p) {
			pz->wacc = *cur;
			atomic_store_explicit(&pz->wit, 2, memory_order_release);
		} else {
			atomic_store(&pz->wit, 0);
		}
	}
	return nfound > 0;
}

/* Pause with the site held; returns the pauser slot (its witness, if
 * any, is reported after the site is restored), or NULL. */
static struct pauser *pause_at(struct db_thread *t, const struct acc *cur)
{
	for (unsigned k = 0; k < MAX_PAUSERS; k++) {
		struct pauser *pz = &pausers[k];
		uint32_t zero = 0;
		if (!atomic_compare_exchange_strong(&pz->tid, &zero, UINT32_MAX))
			continue;
		t->race_paused_gen = atomic_load(&window_gen);
		pz->a = *cur;
		atomic_store(&pz->wit, 0);
		atomic_store_explicit(&pz->tid, t->tid + 1, memory_order_release);
		long us = db_opt.race_pause_us;
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
		uint64_t t0 = now_ns();
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		/* a sleep that ran long (no CPU free to wake on) counts as long
		 * as it was: the 1% holds for the time really spent */
		uint64_t end = now_ns(), next = end + (end - t0) * 99,
			 cur = atomic_load(&next_pause_ns);
		while (cur < next && !atomic_compare_exchange_weak(&next_pause_ns, &cur, next))
			;
		return pz;
	}
	return NULL;
}

/* After the site is restored: report what was witnessed, free the slot;
 * returns whether there was a witness. */
static bool pause_done(struct pauser *pz, const struct acc *cur)
{
	uint32_t w;

	atomic_store(&pz->tid, UINT32_MAX);	/* no new witness */
	while ((w = atomic_load_explicit(&pz->wit, memory_order_acquire)) == 1)
		;
	if (w == 2)
		report(cur, &pz->wacc, DB_RACE_WITNESSED);
	atomic_store(&pz->wit, 0);
	atomic_store_explicit(&pz->tid, 0, memory_order_release);
	return w == 2;
}

/* ---- the trap handler ------------------------------------------------------ */

static void chain(int sig, siginfo_t *si, void *uc)
{
	struct sigaction a = app_trap;
	sigset_t m;

	/* the program's handler is program code: it may reach an armed site,
	 * and a trap while SIGTRAP is blocked kills the process */
	sigemptyset(&m);
	sigaddset(&m, SIGTRAP);
	db_real.pthread_sigmask(SIG_UNBLOCK, &m, NULL);

	if (a.sa_flags & SA_SIGINFO) {
		if (a.sa_sigaction)
			a.sa_sigaction(sig, si, uc);
	} else if (a.sa_handler == SIG_IGN) {
		return;
	} else if (a.sa_handler == SIG_DFL) {
		/* the default action: die of SIGTRAP, as without us */
		struct sigaction d = { .sa_handler = SIG_DFL };
		db_real.sigaction(SIGTRAP, &d, NULL);
		syscall(SYS_tgkill, getpid(), gettid(), SIGTRAP);
	} else {
		a.sa_handler(sig);
	}
}

static void wait_idle(struct site *s)
{
	struct timespec ts = { 0, 20000 };

	while (atomic_load(&s->state) == SITE_BUSY)
		nanosleep(&ts, NULL);
}

/* Can this thread afford to record an access on its stack? */
static bool room(const struct db_thread *t)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return !t->stack_lo || sp < t->stack_lo || sp - t->stack_lo >= HANDLER_STACK;
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] - 1;
	struct site *s = sites && si->si_code == SI_KERNEL ? site_at(pc) : NULL;

	if (!s) {
		chain(sig, si, ucv);
		return;
	}
	int e = errno;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)pc;	/* run the instruction itself */
	uint32_t st = SITE_ARMED;
	if (!atomic_compare_exchange_strong(&s->state, &st, SITE_BUSY)) {
		/* busy: another thread is paused at it (witness it), or the
		 * site is being restored; either way, run on once it is */
		struct db_thread *t = db_self;
		if (st == SITE_BUSY && db_level == 0 && t > DB_THREAD_DEAD &&
		    atomic_load(&state) == ST_ON && room(t)) {
			struct acc cur = { 0 };
			db_level = 1;
			atomic_fetch_add_explicit(&ntraps, 1, memory_order_relaxed);
			if (prepare(t, s, uc, &cur))
				record(t, s, &cur, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP],
				       (uintptr_t)uc->uc_mcontext.gregs[REG_RBP]);
			db_level = 0;
		}
		wait_idle(s);
		/* a restore that failed would trap here for ever: make sure */
		if (atomic_load(&s->state) != SITE_ARMED)
			poke_site(s, s->orig);
		errno = e;
		return;
	}
	atomic_fetch_add_explicit(&ntraps, 1, memory_order_relaxed);
	struct site_stat *ss = stat_of(s);
	atomic_fetch_add_explicit(&ss->hits, 1, memory_order_relaxed);
	struct db_thread *t = db_self;
	/* While the site is held (busy, its int3 in place) nothing here takes
	 * a lock: a thread that reaches it waits for it, and may be one that
	 * was inside deadbolt, holding one of deadbolt's locks. */
	struct acc cur = { 0 };
	struct pauser *pz = NULL;
	bool ok = false, entered = false;
	if (db_level == 0 && t > DB_THREAD_DEAD && atomic_load(&state) == ST_ON && room(t)) {
		db_level = 1;
		entered = true;
		ok = prepare(t, s, uc, &cur);
		if (ok && should_pause(t, &cur))
			pz = pause_at(t, &cur);
	} else {
		atomic_fetch_add_explicit(&ndropped, 1, memory_order_relaxed);
	}
	uint64_t now = now_ns();
	atomic_fetch_add(&ss->armed_us, now > ss->armed_ns ? (now - ss->armed_ns) / 1000 : 0);
	poke_site(s, s->orig);
	atomic_store(&s->state, SITE_IDLE);
	bool raced = false;
	if (ok) {
		raced = record(t, s, &cur, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP],
				       (uintptr_t)uc->uc_mcontext.gregs[REG_RBP]);
		if (pz)
			raced |= pause_done(pz, &cur);
	}
	if (entered) {
		uint32_t me = t->tid + 1, by = atomic_load_explicit(&ss->caught_by,
								     memory_order_relaxed);
		if (by != me && by != UINT32_MAX)
			atomic_store_explicit(&ss->caught_by, by ? UINT32_MAX : me,
					      memory_order_relaxed);
		unsigned n = atomic_load_explicit(&s->quiet, memory_order_relaxed);
		n += by && by != me ? QUIET_SHARED : 1;	/* two threads seen here */
		atomic_store_explicit(&s->quiet, raced ? 0 : n < SITE_QUIET ? n : SITE_QUIET,
				      memory_order_relaxed);
		db_level = 0;
	}
	errno = e;
}

/* ---- start, stop ------------------------------------------------------------ */

static pid_t tracer_pid(void)
{
	char buf[2048];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	const char *p = strstr(buf, "TracerPid:");
	if (!p)
		return 0;
	for (p += 10; *p == ' ' || *p == '\t'; p++)
		;
	pid_t v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

/* Can code be patched?  Write a code byte with its own value. */
static int patch_probe(void)
{
	uintptr_t pc = (uintptr_t)&tracer_pid;
	uint8_t b;

	if (pread(mem_fd, &b, 1, (off_t)pc) != 1)
		return errno ? errno : EIO;
	if (pwrite(mem_fd, &b, 1, (off_t)pc) != 1)
		return errno ? errno : EIO;
	return 0;
}

static int open_mem(void)
{
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	int high = db_fd_raise(fd, 900);
	if (high >= 0)
		fd = high;
	mem_fd = fd;
	return 0;
}

static void start(void)
{
	pid_t tp = tracer_pid();

	self_pid = getpid();
	if (tp) {
		unavailable(0, "a debugger is attached (TracerPid %d): it owns SIGTRAP "
			    "and breakpoints", (int)tp);
		return;
	}
	if (!sites) {
		sites = db_mem_map(sizeof(struct site) * MAX_SITES);
		site_stats = db_mem_map(sizeof(struct site_stat) * MAX_SITES);
		site_hash = db_mem_map(sizeof(uint32_t) * SITE_HASH);
		shadows = db_mem_map(sizeof(struct shadow) * SHADOW_POOL);
		shadow_entry = db_mem_map(sizeof(*shadow_entry) * SHADOW_SLOTS);
		shadow_granule = db_mem_map(sizeof(*shadow_granule) * SHADOW_SLOTS);
		shadow_lines = db_mem_map(SHADOW_LINES + SHADOW_PAGES);
		if (shadow_lines)
			atomic_store_explicit(&db_race_pages, shadow_lines + SHADOW_LINES,
					      memory_order_release);
	}
	if (!sites || !site_stats || !site_hash || !shadows || !shadow_entry || !shadow_granule ||
	    !shadow_lines) {
		unavailable(ENOMEM, "no memory for the sampler's tables");
		return;
	}
	int e = open_mem();
	if (e < 0 || (e = -patch_probe()) < 0) {
		if (atomic_load(&mem_fd) >= 0)
			close(atomic_load(&mem_fd)), atomic_store(&mem_fd, -1);
		unavailable(-e, "code cannot be patched through /proc/self/mem (%s)",
			    -e == EPERM ? "EPERM: denied by a seccomp filter or the kernel" :
			    -e == EACCES ? "EACCES" : -e == ENOENT ? "no /proc" : "error");
		return;
	}
	/* the modules, with their sites from the cache where it has them; the
	 * disassembler only for the others.  Here, before the thread being
	 * created runs: sampling a short run from its start */
	cache_init();
	pthread_mutex_lock(&arm_lock);
	scan_modules();
	bool todo = modules_todo();
	pthread_mutex_unlock(&arm_lock);
	if (todo && !capstone_load() && db_log_loader_walkable() && !atomic_load(&nsites)) {
		unavailable(0, "cannot load the disassembler (libcapstone.so.4): %s",
			    cap.lib ? "unusable" : "not installed");
		return;
	}
	/* the new module's map and unwind tables now, on this thread, not
	 * later on some program thread's (maybe small) stack */
	db_log_modules_sync(false);
	db_stack_modules_sync();
	struct sigaction a = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigfillset(&a.sa_mask);
	if (db_real.sigaction(SIGTRAP, &a, &app_trap) != 0) {
		unavailable(errno, "cannot install the SIGTRAP handler");
		return;
	}
	atomic_store(&trap_ours, 1);
	atomic_store(&window_us, (uint64_t)db_opt.race_window_ms * 1000);
	atomic_store(&state, ST_ON);
	atomic_store(&db_race_active, 1);
	sigset_t all, old;
	sigfillset(&all);
	db_real.pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_t pa;
	pthread_attr_init(&pa);
	pthread_attr_setstacksize(&pa, 256 * 1024);
	int r = db_real.pthread_create(&watcher, &pa, watcher_main, NULL);
	pthread_attr_destroy(&pa);
	db_real.pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		unavailable(r, "cannot start the sampler thread");
		return;
	}
	atomic_store(&watcher_joinable, 1);
}

/* After db_race_exit: wait (a second at most) until the watcher is gone,
 * so that the process may count as single-threaded again. */
void db_race_join(void)
{
	struct timespec ts;

	if (!atomic_load(&stopping) || pthread_equal(pthread_self(), watcher) ||
	    !atomic_exchange(&watcher_joinable, 0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec++;
	if (db_real.pthread_clockjoin_np(watcher, NULL, CLOCK_MONOTONIC, &ts) != 0)
		db_real.pthread_detach(watcher);
}

void db_race_before_create(void)
{
	if (atomic_load_explicit(&state, memory_order_relaxed) != ST_IDLE)
		return;
	db_spin_lock(&start_lock);
	if (atomic_load(&state) == ST_IDLE)
		start();
	db_spin_unlock(&start_lock);
}

void db_race_modules_changed(void)
{
	if (atomic_load(&state) != ST_ON)
		return;
	pthread_mutex_lock(&arm_lock);
	scan_modules();
	bool todo = modules_todo();
	pthread_mutex_unlock(&arm_lock);
	if (todo)	/* new code to disassemble */
		capstone_load();
}

/* Before dlclose: no site may stay armed in a module that may go.  The
 * lock is not held across dlclose (the loader's lock is taken inside, and
 * a constructor holding it may come to arm_lock). */
void db_race_dlclose_begin(void)
{
	if (atomic_load(&state) != ST_ON)
		return;
	atomic_fetch_add(&paused, 1);
	pthread_mutex_lock(&arm_lock);
	disarm_all();
	pthread_mutex_unlock(&arm_lock);
	/* a site caught mid-trap is restored by its thread */
	uint32_t n = atomic_load(&nsites);
	for (uint32_t i = 0; i < n; i++)
		wait_idle(&sites[i]);
}

void db_race_dlclose_end(void)
{
	if (atomic_load(&state) != ST_ON)
		return;
	db_race_modules_changed();
	atomic_fetch_sub(&paused, 1);
}

void db_race_exit(void)
{
	static atomic_int done;

	if (!db_opt.race || atomic_exchange(&done, 1))
		return;
	atomic_store(&stopping, 1);
	syscall(SYS_futex, &stopping, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	if (atomic_load(&state) != ST_ON)
		return;
	pthread_mutex_lock(&arm_lock);
	disarm_all();
	atomic_store(&state, ST_STOPPED);
	atomic_store(&db_race_active, 0);
	struct db_rec_race_summary sum = {
		.h = { DB_REC_RACE_SUMMARY, sizeof(sum) },
		.windows = atomic_load(&nwindows), .window_us = atomic_load(&window_us),
		.traps = atomic_load(&ntraps), .dropped = atomic_load(&ndropped),
		.globals = atomic_load(&nglobal), .heap = atomic_load(&nheap),
		.slots = (uint32_t)db_opt.race_sample,
	};
	uint32_t n = atomic_load(&nsites);
	sum.candidates = n;
	for (unsigned k = 0; k < nmodules; k++) {
		sum.modules += modules[k].sample;
		sum.modules_cached += modules[k].sample && modules[k].cached;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct site *s = &sites[i];
		if (!atomic_load_explicit(&s->used, memory_order_relaxed))
			continue;
		struct site_stat *ss = stat_of(s);
		uint64_t us = atomic_load(&ss->armed_us);
		if (!us && !atomic_load(&ss->hits))
			continue;
		sum.watched++;
		sum.watched_us += us;
		if (sum.watch_records == WATCH_RECORDS)
			continue;
		struct db_rec_race_watch wr = {
			.h = { DB_REC_RACE_WATCH, sizeof(wr) },
			.addr = s->pc, .size = s->len, .loc = DB_RACE_LOC_CODE, .watched_us = us,
			.traps = atomic_load(&ss->hits),
		};
		db_log_write(&wr);
		sum.watch_records++;
	}
	db_log_write(&sum);
	pthread_mutex_unlock(&arm_lock);
	unsigned long k = atomic_load(&nraces);
	if (k && db_opt.summary && db_log_path())
		db_warn("%lu data race%s; report: deadbolt report %s", k, k == 1 ? "" : "s",
			db_log_path());
}

void db_race_init(void)
{
	if (!db_opt.race)
		log_status(DB_RACE_STATE_OFF, 0, "race=0");
	else
		log_status(DB_RACE_STATE_ON, 0, NULL);
}

void db_race_atfork_prepare(void)
{
	if (!db_opt.race)
		return;
	pthread_mutex_lock(&cap_dl_lock);
	pthread_mutex_lock(&arm_lock);
}

void db_race_atfork_parent(void)
{
	if (!db_opt.race)
		return;
	pthread_mutex_unlock(&arm_lock);
	pthread_mutex_unlock(&cap_dl_lock);
}

void db_race_atfork_child(void)
{
	if (!db_opt.race)
		return;
	/* a thread of the parent that was changing code protection, or
	 * writing a breakpoint, is not in the child */
	if (!wx_held)
		db_spin_unlock(&wx_lock);
	atomic_store(&wx_inflight, 0);
	db_profile_atfork_child();
	/* only this thread's stack now */
	for (unsigned k = 0; k < MAX_STACKS; k++)
		atomic_store(&stacks[k].tid, 0);
	if (db_self > DB_THREAD_DEAD)
		db_race_thread_started(db_self);
	int st = atomic_load(&state);
	/* the int3s are in the child's copy of the code: take them out through
	 * the child's own memory (the inherited descriptor is the parent's) */
	if (atomic_load(&mem_fd) >= 0) {
		close(atomic_load(&mem_fd));
		atomic_store(&mem_fd, -1);
		if (open_mem() == 0) {
			for (unsigned k = 0; k < narmed; k++) {
				struct site *s = &sites[armed[k]];
				poke_site(s, s->orig);
				atomic_store(&s->state, SITE_IDLE);
			}
			uint32_t n = atomic_load(&nsites);
			for (uint32_t i = 0; i < n; i++)	/* caught mid-trap at fork */
				if (atomic_load(&sites[i].state) == SITE_BUSY) {
					poke_site(&sites[i], sites[i].orig);
					atomic_store(&sites[i].state, SITE_IDLE);
				}
		}
		narmed = 0;
	}
	pthread_mutex_init(&arm_lock, NULL);
	pthread_mutex_init(&cap_dl_lock, NULL);
	memset(&start_lock, 0, sizeof(start_lock));
	atomic_store(&db_race_active, 0);
	atomic_store(&stopping, 0);
	atomic_store(&watcher_joinable, 0);	/* the parent's, not here */
	for (unsigned k = 0; k < MAX_PAUSERS; k++)
		atomic_store(&pausers[k].tid, 0);
	if (st == ST_ON || st == ST_STOPPED) {
		/* the parent's threads' accesses mean nothing here */
		if (shadow_granule)
			memset(shadow_granule, 0, sizeof(*shadow_granule) * SHADOW_SLOTS);
		unsigned used = atomic_load(&shadows_used);
		for (unsigned i = 0; shadows && i < used && i < SHADOW_POOL; i++)	/* held by a */
			if (atomic_load_explicit(&shadows[i].lock.v, memory_order_relaxed))
				atomic_store(&shadows[i].lock.v, 0);	/* thread not here */
		if (shadow_lines)
			memset(shadow_lines, 0, SHADOW_LINES + SHADOW_PAGES);
		atomic_store(&npromoted, 0);
		atomic_store(&nwindows, 0);
		atomic_store(&ntraps, 0);
		atomic_store(&ndropped, 0);
		atomic_store(&nraces, 0);
		atomic_store(&state, ST_IDLE);
	}
	db_race_init();
}

/* ---- signals ------------------------------------------------------------------ */

bool db_race_sigaction(int sig, const struct sigaction *act, struct sigaction *old, int *ret)
{
	if (sig != SIGTRAP || !atomic_load(&trap_ours))
		return false;
	if (old)
		*old = app_trap;
	if (act)
		app_trap = *act;
	*ret = 0;
	return true;
}

const sigset_t *db_race_mask(int how, const sigset_t *set, sigset_t *copy)
{
	if (!db_opt.race || !set || how == SIG_UNBLOCK || !sigismember(set, SIGTRAP))
		return set;
	*copy = *set;
	sigdelset(copy, SIGTRAP);
	return copy;
}

void db_race_fd_closing(int fd)
{
	if (fd < 0 || fd != atomic_load(&mem_fd) || atomic_load(&state) != ST_ON)
		return;
	/* the program closes descriptors it did not open: keep ours, on a new number */
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
	if (nfd >= 0)
		atomic_store(&mem_fd, nfd);
}

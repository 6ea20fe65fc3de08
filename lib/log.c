/* log.c - the raw log (format: logfmt.h) and the module map.
 *
 * One file per process image, created O_EXCL|O_NOFOLLOW with mode 0600.
 * Every record goes out with write(2) when it is made, so the log survives
 * a crash or SIGKILL of the program; there is no buffer to lose.  Records
 * are rare (new edges, stacks, threads), never one per lock operation.
 *
 * log_lock (spinlock) orders records: a record is written only after every
 * record it refers to.  The descriptor sits high (>= DB_LOG_FD_MIN) and is
 * checked against the file's inode before each write: programs that close
 * every descriptor, or dup2 over ours, must not get our records in their
 * files.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define DB_LOG_FD_MIN	700	/* where the log descriptor is moved to */
#define DB_MAX_MODULES	1024	/* loaded objects tracked; more: frames in them
				 * are reported as raw addresses */

atomic_uint db_log_gen = 1;

static db_spin_t log_lock;
static int log_fd = -1;
static pid_t log_pid;
static dev_t log_dev;
static ino_t log_ino;
static char log_path[512];
static bool log_failed;

struct module {
	uintptr_t base, lo, hi;
	uint64_t id;
	uint8_t build_id[64];	/* kept: a child of fork logs it again, and the
				 * module may be gone from memory by then */
	uint32_t build_id_len;
	char name[256];
	bool seen;
};
static struct module modules[DB_MAX_MODULES];
static int nmodules;
static uint64_t next_module_id = 1;
static unsigned long long seen_adds, seen_subs;
static uintptr_t own_lo, own_hi;

const char *db_log_path(void)
{
	return log_fd >= 0 ? log_path : NULL;
}

/* Not the process the log is for: a vfork child (or a raw clone) running
 * on its parent's memory, which fork's handlers never saw. */
bool db_log_foreign(void)
{
	return log_pid && getpid() != log_pid;
}

/* The executable's path, read once per image: /proc/self/exe stops
 * answering once the main thread has called pthread_exit. */
static char exe[256];

const char *db_log_exe_path(void)
{
	if (!exe[0]) {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
	}
	return exe;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* Is log_fd still our file?  If the program closed or replaced it, reopen
 * by path (appending) rather than write into someone else's file. */
static bool fd_ok(void)
{
	struct stat st;

	if (log_fd >= 0 && fstat(log_fd, &st) == 0 && st.st_dev == log_dev &&
	    st.st_ino == log_ino)
		return true;
	if (!log_path[0])
		return false;
	int fd = open(log_path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	int hi = db_fd_raise(fd, DB_LOG_FD_MIN);
	if (hi >= 0)
		fd = hi;
	if (fstat(fd, &st) != 0 || st.st_dev != log_dev || st.st_ino != log_ino) {
		close(fd);
		return false;
	}
	log_fd = fd;
	return true;
}

void db_log_lock(void)
{
	db_spin_lock(&log_lock);
}

void db_log_unlock(void)
{
	db_spin_unlock(&log_lock);
}

/* Caller holds log_lock. */
static void write_locked(const void *rec)
{
	const struct db_rec *h = rec;

	if (log_failed || log_fd < 0)
		return;
	if (!fd_ok() || !write_all(log_fd, rec, h->size)) {
		int e = errno;
		log_failed = true;
		db_warn("cannot write the log %s: %s; no more records will be written",
			log_path, strerrordesc_np(e));
	}
}

void db_log_write(const void *rec)
{
	int e = errno;

	db_log_lock();
	write_locked(rec);
	db_log_unlock();
	errno = e;
}

/* Write rec unless *gen says it is already in the current log; for records
 * others refer to (stacks, locks, edges): one copy per log, written before
 * anything that refers to it (the referring write comes after this returns). */
void db_log_write_once(atomic_uint *gen, const void *rec)
{
	int e = errno;
	unsigned g = atomic_load(&db_log_gen);

	if (atomic_load_explicit(gen, memory_order_acquire) == g)
		return;
	db_log_lock();
	if (atomic_load_explicit(gen, memory_order_relaxed) != g) {
		write_locked(rec);
		atomic_store_explicit(gen, g, memory_order_release);
	}
	db_log_unlock();
	errno = e;
}

static int open_in(const char *dir, pid_t pid, uint64_t *flags)
{
	for (int n = 0; n < 100; n++) {
		if (n == 0)
			db_fmt(log_path, sizeof(log_path), "%s/deadbolt.%d.log", dir, (int)pid);
		else
			db_fmt(log_path, sizeof(log_path), "%s/deadbolt.%d.%d.log", dir, (int)pid, n);
		int fd = open(log_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			      O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -1;
		/* the pid already has a log: an exec'd image (or a recycled pid) */
		*flags |= DB_LOGF_EXECED;
	}
	errno = EEXIST;
	return -1;
}

static void write_header(uint64_t flags)
{
	struct db_log_header hd;
	struct timespec ts;

	memset(&hd, 0, sizeof(hd));
	memcpy(hd.magic, DB_LOG_MAGIC, 8);
	hd.version = DB_LOG_VERSION;
	hd.endian = DB_LOG_ENDIAN;
	hd.header_size = sizeof(hd);
	hd.ptr_size = sizeof(void *);
	hd.pid = (uint64_t)getpid();
	hd.ppid = (uint64_t)getppid();
	clock_gettime(CLOCK_REALTIME, &ts);
	hd.start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	hd.flags = flags;
	if (!write_all(log_fd, &hd, sizeof(hd)))
		log_failed = true;
}

static void write_process(void)
{
	struct {
		struct db_rec_process r;
		char data[4096 + 512];
	} rec;
	memset(&rec.r, 0, sizeof(rec.r));
	size_t alen = 0;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t k;
		while (alen < 4096 && (k = read(fd, rec.data + alen, 4096 - alen)) > 0)
			alen += (size_t)k;
		close(fd);
	}
	if (alen && rec.data[alen - 1] != '\0')	/* truncated: end the last string */
		rec.data[alen++] = '\0';
	uint32_t argc = 0;
	for (size_t i = 0; i < alen; i++)
		argc += rec.data[i] == '\0';
	size_t elen = strlen(db_log_exe_path());
	if (elen > 512)
		elen = 512;
	memcpy(rec.data + alen, db_log_exe_path(), elen);
	rec.r.h.type = DB_REC_PROCESS;
	rec.r.h.size = (uint32_t)((sizeof(rec.r) + alen + elen + 7) & ~(size_t)7);
	rec.r.pid = (uint64_t)getpid();
	rec.r.ppid = (uint64_t)getppid();
	rec.r.argc = argc;
	rec.r.argv_len = (uint32_t)alen;
	rec.r.exe_len = (uint32_t)elen;
	write_locked(&rec);
}

static void write_options(void)
{
	struct {
		struct db_rec_options r;
		char text[2048];
	} rec;
	memset(&rec.r, 0, sizeof(rec.r));
	size_t len = db_options_format(&db_opt, rec.text, sizeof(rec.text));
	rec.r.h.type = DB_REC_OPTIONS;
	rec.r.h.size = (uint32_t)((sizeof(rec.r) + len + 7) & ~(size_t)7);
	rec.r.len = (uint32_t)len;
	write_locked(&rec);
}

/* The module list may be walked (dl_iterate_phdr).  Not in a child of
 * fork until the loader has been seen to work there: glibc resets its main
 * lock in the child but not the one dl_iterate_phdr takes, which a thread
 * of the parent inside dlopen or dlclose may have held when the process
 * forked.  The child then knows its modules from the parent's map. */
static atomic_bool loader_walkable = true;

bool db_log_loader_walkable(void)
{
	return atomic_load_explicit(&loader_walkable, memory_order_relaxed);
}

/* After a dlopen that returned h: if h is a module the map does not have,
 * the loader has just added it to its list, under the lock a walk takes:
 * the list may be walked again. */
void db_log_dlopened(void *h)
{
	struct link_map *lm;
	bool known = false;

	if (db_log_loader_walkable() || !h || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || !lm)
		return;
	uintptr_t ld = (uintptr_t)lm->l_ld;
	db_log_lock();
	for (int i = 0; i < nmodules && !known; i++)
		known = modules[i].lo <= ld && ld < modules[i].hi;
	db_log_unlock();
	if (!known)
		atomic_store(&loader_walkable, true);
}

void db_log_open(bool forked)
{
	uint64_t flags = forked ? DB_LOGF_FORKED : 0;
	const char *dir = db_opt.log_dir;
	int fd;

	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_failed = false;
	if (!dir[0]) {
		dir = secure_getenv("TMPDIR");
		if (!dir || !dir[0])
			dir = "/tmp";
	}
	fd = open_in(dir, getpid(), &flags);
	if (fd < 0 && strcmp(dir, "/tmp") != 0) {
		db_warn("cannot create a log in %s: %s; writing to /tmp instead",
			dir, strerrordesc_np(errno));
		fd = open_in("/tmp", getpid(), &flags);
	}
	if (fd < 0) {
		db_warn("cannot create a log in /tmp either: %s; findings will not be "
			"recorded", strerrordesc_np(errno));
		log_path[0] = '\0';
		log_failed = true;
		return;
	}
	int hi = db_fd_raise(fd, DB_LOG_FD_MIN);
	if (hi >= 0)
		fd = hi;
	struct stat st;
	fstat(fd, &st);
	log_dev = st.st_dev;
	log_ino = st.st_ino;
	log_fd = fd;
	log_pid = getpid();
	if (forked)
		atomic_store(&loader_walkable, false);
	db_log_lock();
	write_header(flags);
	write_process();
	write_options();
	db_log_unlock();
	db_log_modules_sync(true);
}

/* ---- the module map ----------------------------------------------------- */

struct scan {
	bool force;		/* scan every module, even if nothing changed */
};

/* The GNU build-id note, straight from the mapped PT_NOTE segments; 0
 * bytes if none (or one longer than the out[n] kept). */
uint32_t db_build_id(const struct dl_phdr_info *info, uint8_t *out, size_t n)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		const char *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
			const char *name = p + sizeof(*nh);
			const char *desc = name + ((nh->n_namesz + 3) & ~3u);
			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(name, "GNU", 4)) {
				if (nh->n_descsz > n)
					return 0;
				memcpy(out, desc, nh->n_descsz);
				return nh->n_descsz;
			}
			p = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 0;
}

static void log_module(const struct module *m)
{
	struct {
		struct db_rec_module r;
		char data[64 + 256];
	} rec;

	memset(&rec.r, 0, sizeof(rec.r));
	size_t idlen = m->build_id_len;
	memcpy(rec.data, m->build_id, idlen);
	size_t plen = strlen(m->name);
	memcpy(rec.data + idlen, m->name, plen);
	rec.r.h.type = DB_REC_MODULE;
	rec.r.h.size = (uint32_t)((sizeof(rec.r) + idlen + plen + 7) & ~(size_t)7);
	rec.r.id = m->id;
	rec.r.bias = m->base;
	rec.r.lo = m->lo;
	rec.r.hi = m->hi;
	rec.r.build_id_len = (uint32_t)idlen;
	rec.r.path_len = (uint32_t)plen;
	write_locked(&rec);
}

static int scan_one(struct dl_phdr_info *info, size_t size, void *data)
{
	struct scan *s = data;
	char name[256];
	uintptr_t lo = UINTPTR_MAX, hi = 0;

	(void)size;
	if (!s->force && info->dlpi_adds == seen_adds && info->dlpi_subs == seen_subs)
		return 1;	/* nothing loaded or unloaded since the last scan */
	seen_adds = info->dlpi_adds;
	seen_subs = info->dlpi_subs;
	s->force = true;	/* look at every module from here on */
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (hi == 0)
		return 0;
	if (info->dlpi_name && info->dlpi_name[0]) {
		db_fmt(name, sizeof(name), "%s", info->dlpi_name);
	} else {
		/* the main program has an empty name */
		db_fmt(name, sizeof(name), "%s", db_log_exe_path());
	}
	if (lo <= (uintptr_t)&scan_one && (uintptr_t)&scan_one < hi) {
		own_lo = lo;
		own_hi = hi;
	}
	for (int i = 0; i < nmodules; i++) {
		struct module *m = &modules[i];
		if (m->base == info->dlpi_addr && m->lo == lo && !strcmp(m->name, name)) {
			m->seen = true;
			return 0;
		}
	}
	if (nmodules == DB_MAX_MODULES)
		return 0;
	struct module *m = &modules[nmodules++];
	m->base = info->dlpi_addr;
	m->lo = lo;
	m->hi = hi;
	m->id = next_module_id++;
	m->build_id_len = db_build_id(info, m->build_id, sizeof(m->build_id));
	memcpy(m->name, name, sizeof(m->name));
	m->seen = true;
	log_module(m);
	return 0;
}

struct range {
	uintptr_t lo, hi;
};
static db_spin_t gone_lock;
static struct range gone_ranges[64];	/* unloaded, locks not yet forgotten */
static unsigned ngone_ranges;

void db_log_modules_sync(bool force)
{
	struct scan s = { .force = force };

	db_log_lock();
	if (!db_log_loader_walkable()) {
		/* a child of fork: the parent's modules, under their ids */
		for (int i = 0; force && i < nmodules; i++)
			log_module(&modules[i]);
		db_log_unlock();
		return;
	}
	if (force) {
		/* a new log: every module is new to it */
		nmodules = 0;
	}
	for (int i = 0; i < nmodules; i++)
		modules[i].seen = false;
	dl_iterate_phdr(scan_one, &s);
	/* small: this runs on the program's threads, whose stacks may be too */
	struct { uint64_t id; uintptr_t lo, hi; } gone[8];
	int ngone = 0;
	if (s.force) {
		/* a full scan ran: whatever it did not see was unloaded (more than
		 * 8 at once: the rest at the next scan, which the counters force) */
		for (int i = 0; i < nmodules && ngone < (int)DB_ARRAY_SIZE(gone); ) {
			if (modules[i].seen) {
				i++;
				continue;
			}
			gone[ngone].id = modules[i].id;
			gone[ngone].lo = modules[i].lo;
			gone[ngone++].hi = modules[i].hi;
			modules[i] = modules[--nmodules];
		}
		if (ngone == (int)DB_ARRAY_SIZE(gone))
			seen_adds--;
	}
	db_log_unlock();
	/* Before saying a module is gone: stacks with frames in it go into the
	 * log now (later, another module may sit at those addresses). */
	for (int i = 0; i < ngone; i++) {
		db_stack_log_range(gone[i].lo, gone[i].hi);
		struct db_rec_module_unload u = {
			.h = { DB_REC_MODULE_UNLOAD, sizeof(u) }, .id = gone[i].id };
		db_log_write(&u);
		db_spin_lock(&gone_lock);
		if (ngone_ranges < DB_ARRAY_SIZE(gone_ranges))
			gone_ranges[ngone_ranges++] = (struct range){ gone[i].lo, gone[i].hi };
		db_spin_unlock(&gone_lock);
	}
}

/* The locks that lived in unloaded modules' data end their identities.
 * Apart from db_log_modules_sync, which may run with the lock graph held
 * (a stack capture), so the dlopen/dlclose shims call this after it. */
void db_log_modules_forget_locks(void)
{
	struct range r[8];
	unsigned n;

	do {
		db_spin_lock(&gone_lock);
		n = ngone_ranges < 8 ? ngone_ranges : 8;
		ngone_ranges -= n;
		memcpy(r, gone_ranges + ngone_ranges, n * sizeof(r[0]));
		db_spin_unlock(&gone_lock);
		for (unsigned i = 0; i < n; i++)
			db_lock_forget_range(r[i].lo, r[i].hi - r[i].lo, false);
	} while (n);
}

bool db_log_own_pc(uintptr_t pc)
{
	return pc >= own_lo && pc < own_hi;
}

void db_log_exit(int status)
{
	struct db_rec_exit r = {
		.h = { DB_REC_EXIT, sizeof(r) },
		.status = status,
		.tid = db_self && db_self != DB_THREAD_DEAD ? db_self->tid : 0,
	};
	db_log_write(&r);
}

void db_log_atfork_prepare(void)
{
	db_log_lock();
}

void db_log_atfork_parent(void)
{
	db_log_unlock();
}

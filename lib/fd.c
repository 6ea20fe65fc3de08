/* fd.c - descriptors the program opens (track_fds=1): who opened each, so
 * that those still open at exit can be reported with their stacks.
 *
 * One slot per descriptor number below DB_MAX_FDS, written by the thread
 * that opened or closed it (a descriptor number belongs to one open at a
 * time; the kernel serialises that).  Descriptors that existed before
 * deadbolt started (inherited, 0-2) have no slot and are never reported;
 * deadbolt's own (the log) are opened with the guard held and not seen.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"

#define DB_MAX_FDS	65536	/* descriptor numbers tracked */
#define DB_FD_WHAT	120	/* bytes of path or kind kept per descriptor */

struct fd_slot {
	_Atomic uint64_t stack;	/* 0: not tracked */
	uint32_t tid;
	char what[DB_FD_WHAT];
};

static struct fd_slot *slots;

/* deadbolt's own descriptors (the log, libunwind's pipe, /proc/self/mem)
 * sit high, off the numbers a program expects to get (its next open: 3).
 * Below a limit on descriptors that does not reach floor, as high as it
 * lets (the limit - 8 and up).  Answers the moved descriptor (fd is
 * closed), or -1 (fd left as it is). */
int db_fd_raise(int fd, int floor)
{
	struct rlimit rl;
	int e = errno;
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, floor);

	if (hi < 0 && errno == EINVAL && getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur > 16 && rl.rlim_cur <= (rlim_t)floor)
		hi = fcntl(fd, F_DUPFD_CLOEXEC, (int)rl.rlim_cur - 8);
	if (hi >= 0 && db_real.close)
		db_real.close(fd);
	else if (hi >= 0)
		close(fd);
	errno = e;
	return hi;
}

void db_fd_init(void)
{
	if (db_opt.track_fds && !slots)
		slots = db_mem_map(DB_MAX_FDS * sizeof(*slots));
}

void db_fd_opened(struct db_thread *t, int fd, const char *what)
{
	struct db_frames f;

	if (!slots || fd < 3 || fd >= DB_MAX_FDS)
		return;
	db_stack_capture(&f, (int)db_opt.stack_depth);
	struct fd_slot *s = &slots[fd];
	s->tid = t->tid;
	db_fmt(s->what, sizeof(s->what), "%s", what ? what : "");
	uint64_t id = db_stack_put(f.pc, f.n, f.truncated ? DB_STACKF_TRUNCATED : 0);
	atomic_store(&s->stack, id ? id : UINT64_MAX);
}

void db_fd_closed(int fd)
{
	if (slots && fd >= 0 && fd < DB_MAX_FDS)
		atomic_store(&slots[fd].stack, 0);
}

void db_fd_report_leaks(void)
{
	if (!slots)
		return;
	for (int fd = 3; fd < DB_MAX_FDS; fd++) {
		uint64_t st = atomic_load(&slots[fd].stack);
		if (!st || fcntl(fd, F_GETFD) < 0)
			continue;
		struct {
			struct db_rec_fd_leak r;
			char what[DB_FD_WHAT];
		} rec;
		size_t len = strlen(slots[fd].what);
		memset(&rec.r, 0, sizeof(rec.r));
		memcpy(rec.what, slots[fd].what, len);
		rec.r.h.type = DB_REC_FD_LEAK;
		rec.r.h.size = (uint32_t)((sizeof(rec.r) + len + 7) & ~(size_t)7);
		rec.r.fd = fd;
		rec.r.tid = slots[fd].tid;
		rec.r.stack = st == UINT64_MAX ? 0 : st;
		rec.r.path_len = (uint32_t)len;
		db_stack_log(rec.r.stack);
		db_log_write(&rec);
	}
}

/* racelog.c - see racelog.h.  A helper of the tool tests, not a test. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "racelog.h"

static void fail(const char *what)
{
	fprintf(stderr, "racelog: %s: %s\n", what, strerror(errno));
	exit(3);
}

void rl_raw(struct racelog *rl, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t k = write(rl->fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			fail("write");
		c += k;
		n -= (size_t)k;
	}
}

void rl_put(struct racelog *rl, void *rec, size_t size, const void *tail, size_t tail_len)
{
	static const char zero[8];
	struct db_rec *h = rec;
	size_t total = size + tail_len, pad = (8 - total % 8) % 8;

	h->size = (uint32_t)(total + pad);
	rl_raw(rl, rec, size);
	if (tail_len)
		rl_raw(rl, tail, tail_len);
	rl_raw(rl, zero, pad);
}

/* The main program as dl_iterate_phdr sees it first. */
struct self {
	uint64_t bias, lo, hi;
	unsigned char build_id[64];
	size_t build_id_len;
};

static int self_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self *s = arg;

	(void)size;
	s->bias = info->dlpi_addr;
	s->lo = UINT64_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD) {
			if (start < s->lo)
				s->lo = start;
			if (start + ph->p_memsz > s->hi)
				s->hi = start + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE) {
			const unsigned char *p = (const unsigned char *)(uintptr_t)start;
			const unsigned char *end = p + ph->p_memsz;
			while (p + sizeof(ElfW(Nhdr)) <= end) {
				const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
				const unsigned char *name = p + sizeof(*n);
				const unsigned char *desc = name + ((n->n_namesz + 3) & ~3u);
				if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
				    !memcmp(name, "GNU", 4) && n->n_descsz <= sizeof(s->build_id)) {
					memcpy(s->build_id, desc, n->n_descsz);
					s->build_id_len = n->n_descsz;
				}
				p = desc + ((n->n_descsz + 3) & ~3u);
			}
		}
	}
	return 1;	/* the first object is the program */
}

void rl_open(struct racelog *rl, const char *dir, uint64_t pid)
{
	char path[PATH_MAX], exe[PATH_MAX];
	struct db_log_header h = { .version = DB_LOG_VERSION, .endian = DB_LOG_ENDIAN,
				   .header_size = sizeof(h), .ptr_size = sizeof(void *),
				   .pid = pid, .ppid = (uint64_t)getppid() };
	struct timespec ts;
	struct self self = { 0 };
	ssize_t n;

	snprintf(path, sizeof(path), "%s/deadbolt.%llu.log", dir, (unsigned long long)pid);
	rl->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (rl->fd < 0)
		fail(path);
	rl->next_stack = 1;
	memcpy(h.magic, DB_LOG_MAGIC, 8);
	clock_gettime(CLOCK_REALTIME, &ts);
	h.start_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + pid;
	rl_raw(rl, &h, sizeof(h));

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		fail("/proc/self/exe");
	exe[n] = '\0';
	const char *argv0 = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	struct db_rec_process p = { .h.type = DB_REC_PROCESS, .pid = pid,
				    .ppid = h.ppid, .argc = 1,
				    .exe_len = (uint32_t)n,
				    .argv_len = (uint32_t)strlen(argv0) + 1 };
	char tail[2 * PATH_MAX];
	memcpy(tail, argv0, p.argv_len);
	memcpy(tail + p.argv_len, exe, (size_t)n);
	rl_put(rl, &p, sizeof(p), tail, p.argv_len + p.exe_len);

	dl_iterate_phdr(self_cb, &self);
	struct db_rec_module m = { .h.type = DB_REC_MODULE, .id = 1, .bias = self.bias,
				   .lo = self.lo, .hi = self.hi,
				   .build_id_len = (uint32_t)self.build_id_len,
				   .path_len = (uint32_t)n };
	memcpy(tail, self.build_id, self.build_id_len);
	memcpy(tail + self.build_id_len, exe, (size_t)n);
	rl_put(rl, &m, sizeof(m), tail, self.build_id_len + (size_t)n);
	rl_thread(rl, 0, UINT32_MAX, 0);
}

uint64_t rl_stack(struct racelog *rl, const uint64_t *pcs, uint32_t n)
{
	struct db_rec_stack s = { .h.type = DB_REC_STACK, .id = rl->next_stack++,
				  .nframes = n };

	rl_put(rl, &s, sizeof(s), pcs, n * sizeof(*pcs));
	return s.id;
}

void rl_thread(struct racelog *rl, uint32_t tid, uint32_t parent, uint64_t create_stack)
{
	struct db_rec_thread t = { .h.type = DB_REC_THREAD, .tid = tid, .parent = parent,
				   .os_tid = 1000 + tid, .create_stack = create_stack };

	rl_put(rl, &t, sizeof(t), NULL, 0);
}

void rl_lock(struct racelog *rl, uint64_t uid, uint64_t addr, uint64_t site_stack)
{
	struct db_rec_lock k = { .h.type = DB_REC_LOCK, .uid = uid, .addr = addr,
				 .kind = DB_LOCK_MUTEX, .site = DB_SITE_INIT,
				 .site_stack = site_stack };

	rl_put(rl, &k, sizeof(k), NULL, 0);
}

void rl_status(struct racelog *rl, uint32_t state, int err, const char *reason)
{
	struct db_rec_race_status s = { .h.type = DB_REC_RACE_STATUS, .state = state,
					.err = err, .len = (uint32_t)strlen(reason) };

	rl_put(rl, &s, sizeof(s), reason, s.len);
}

void rl_open_two_threads(struct racelog *rl, const char *dir, uint64_t pid)
{
	rl_open(rl, dir, pid);
	rl_status(rl, DB_RACE_STATE_ON, 0, "");
	rl_thread(rl, 1, 0, 0);
	rl_thread(rl, 2, 0, 0);
}

void rl_atomic(struct racelog *rl, uint64_t addr, uint32_t size)
{
	struct db_rec_race_atomic a = { .h.type = DB_REC_RACE_ATOMIC, .addr = addr,
					.size = size, .tid = 1 };

	rl_put(rl, &a, sizeof(a), NULL, 0);
}

void rl_exit(struct racelog *rl, int status)
{
	struct db_rec_exit e = { .h.type = DB_REC_EXIT, .status = status };

	rl_put(rl, &e, sizeof(e), NULL, 0);
}

void rl_close(struct racelog *rl)
{
	if (close(rl->fd) < 0)
		fail("close");
	rl->fd = -1;
}

struct db_race_access rl_access(struct racelog *rl, uint32_t tid, uint32_t flags,
				uint64_t pc, uint64_t caller)
{
	uint64_t pcs[2] = { pc, caller };
	static uint64_t now = 1000000;
	struct db_race_access a = { .tid = tid, .flags = flags, .pc = pc,
				    .time_ns = now += 1000 };

	a.stack = rl_stack(rl, pcs, caller ? 2 : 1);
	return a;
}

void rl_race(struct racelog *rl, uint32_t evidence, uint32_t loc, uint64_t addr,
	     uint32_t size, uint64_t object, uint64_t object_size, uint64_t block_stack,
	     const struct db_race_access *earlier, const struct db_race_access *later)
{
	struct db_rec_race r = { .h.type = DB_REC_RACE, .addr = addr, .size = size,
				 .evidence = evidence, .loc = loc, .object = object,
				 .object_size = object_size, .block_stack = block_stack,
				 .a = { *earlier, *later } };

	rl_put(rl, &r, sizeof(r), NULL, 0);
}

__attribute__((noinline)) uint64_t rl_here(void)
{
	return (uint64_t)(uintptr_t)__builtin_return_address(0);
}

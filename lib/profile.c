/* profile.c - where the program's threads run, for the race sampler.
 *
 * Most of a large program's memory-access instructions never run in a
 * given run (a Rust binary carries its whole standard library: 17,000 of
 * them for a page of code), and drawing them at random finds a hot loop
 * late or never.  So the sampler also arms the instructions around where
 * the threads are seen running: a task-clock event on a program thread,
 * with a sample (its IP) every millisecond of the thread's CPU time into a
 * ring buffer of its own, which the watcher reads into a history of the
 * last PROFILE_HISTORY IPs.
 *
 * In bursts: a perf event on a thread costs the thread while the event
 * exists, even one that only counts (measured in a 2-vCPU VM: zstd -T2
 * 1.10x under `perf stat -e task-clock`; 1.22x with deadbolt's profile on
 * every thread, 1.06x with none).  So the watcher opens the events for one
 * window in DB_PROFILE_EVERY, on up to PROFILE_THREADS live threads taken
 * in turn, and closes them at the window's end; and for the next window
 * after a thread is created, on the new threads (a hot loop of a short
 * run should be armed soon).  Between bursts the draw reads the history.
 *
 * perf_event_open may be denied (seccomp, perf_event_paranoid 3): then
 * there is no profile and the draw stays random.  Only the watcher calls
 * these.  A forked child forgets its parent's events (they count the
 * parent's threads) and keeps the history (the same code).
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define PROFILE_THREADS	16		/* threads sampled in one burst */
#define PROFILE_PAGES	1		/* data pages per event (a power of two) */
#define PROFILE_PERIOD	997000		/* ns of a thread's CPU time per sample */
#define PROFILE_HISTORY	256		/* IPs kept for the draw */

static struct {
	int fd;
	struct perf_event_mmap_page *ring;
} ev[PROFILE_THREADS];
static unsigned nev;
static bool denied;
static int64_t last_tid = -1;	/* the last burst's last thread (in turn) */
static int64_t top_tid = -1;	/* the newest thread ever sampled */
static size_t page;

static uintptr_t history[PROFILE_HISTORY];
static unsigned nhistory, history_next;

static void close_all(void)
{
	for (unsigned k = 0; k < nev; k++) {
		munmap(ev[k].ring, (1 + PROFILE_PAGES) * page);
		close(ev[k].fd);
	}
	nev = 0;
}

#define MAX_LIVE	1024	/* live threads looked at for a burst */

struct live {
	uint32_t tid;
	pid_t os_tid;
};

static int by_tid(const void *a, const void *b)
{
	uint32_t x = ((const struct live *)a)->tid, y = ((const struct live *)b)->tid;

	return x < y ? -1 : x > y;
}

/* The threads to sample next, up to PROFILE_THREADS: those never sampled
 * (created since), then (all) the others in turn. */
static unsigned next_threads(pid_t *tids, bool all)
{
	static struct live live[MAX_LIVE];
	unsigned nlive = 0, n = 0;
	bool fresh = false;

	db_threads_lock();
	for (struct db_thread *t = db_threads_first(); t && nlive < MAX_LIVE; t = t->next)
		if (t->os_tid > 0) {
			live[nlive++] = (struct live){ t->tid, t->os_tid };
			fresh |= t->tid > top_tid;
		}
	db_threads_unlock();
	if (!fresh && !all)
		return 0;
	qsort(live, nlive, sizeof(live[0]), by_tid);
	int64_t top = top_tid;
	for (unsigned k = 0; k < nlive && n < PROFILE_THREADS; k++)
		if (live[k].tid > top_tid)
			tids[n++] = live[k].os_tid, top = live[k].tid;
	/* in turn: after the last burst's last, then from the first (each
	 * once: the passes split at the last burst's last, not this one's) */
	int64_t prev = last_tid;
	for (int pass = 0; all && pass < 2; pass++)
		for (unsigned k = 0; k < nlive && n < PROFILE_THREADS; k++)
			if (live[k].tid <= top_tid && (pass == 0) == (live[k].tid > prev))
				tids[n++] = live[k].os_tid, last_tid = live[k].tid;
	top_tid = top;
	return n;
}

/* Open the events of a burst: on the threads never sampled; all: on the
 * others in turn too.  False: none (denied, or no thread). */
bool db_profile_begin(bool all)
{
	pid_t tids[PROFILE_THREADS];
	struct perf_event_attr a;

	if (denied || nev)
		return nev > 0;
	page = (size_t)sysconf(_SC_PAGESIZE);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = PROFILE_PERIOD;
	a.sample_type = PERF_SAMPLE_IP;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	unsigned n = next_threads(tids, all);
	for (unsigned k = 0; k < n; k++) {
		int fd = (int)syscall(SYS_perf_event_open, &a, tids[k], -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			if (errno == ESRCH)	/* gone since */
				continue;
			denied = true;		/* denied, or no such event */
			break;
		}
		void *m = mmap(NULL, (1 + PROFILE_PAGES) * page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			continue;
		}
		ev[nev].fd = fd;
		ev[nev++].ring = m;
	}
	return nev > 0;
}

/* Copy n bytes at offset off of a ring's data (wrapping) to out. */
static void ring_copy(const struct perf_event_mmap_page *r, uint64_t off, void *out, size_t n)
{
	const unsigned char *d = (const unsigned char *)r + page;
	size_t size = PROFILE_PAGES * page, at = (size_t)(off % size);
	size_t first = n < size - at ? n : size - at;

	memcpy(out, d + at, first);
	memcpy((unsigned char *)out + first, d, n - first);
}

static void ring_read(const struct perf_event_mmap_page *r)
{
	uint64_t head = __atomic_load_n(&r->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->data_tail;

	if (head - tail > PROFILE_PAGES * page)	/* cannot be: the kernel waits */
		tail = head - PROFILE_PAGES * page;
	while (tail + sizeof(struct perf_event_header) <= head) {
		struct perf_event_header h;
		ring_copy(r, tail, &h, sizeof(h));
		if (h.size < sizeof(h) || tail + h.size > head)
			break;
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 8) {
			uint64_t ip;
			ring_copy(r, tail + sizeof(h), &ip, sizeof(ip));
			history[history_next++ % PROFILE_HISTORY] = (uintptr_t)ip;
			if (nhistory < PROFILE_HISTORY)
				nhistory++;
		}
		tail += h.size;
	}
}

/* End a burst: its samples go to the history, its events are closed. */
void db_profile_end(void)
{
	for (unsigned k = 0; k < nev; k++)
		ring_read(ev[k].ring);
	close_all();
}

/* The history: up to max IPs, the newest first. */
unsigned db_profile_read(uintptr_t *ips, unsigned max)
{
	unsigned n = 0;

	for (unsigned k = 1; k <= nhistory && n < max; k++)
		ips[n++] = history[(history_next - k) % PROFILE_HISTORY];
	return n;
}

/* In a forked child: the events are the parent's threads'. */
void db_profile_atfork_child(void)
{
	close_all();
}

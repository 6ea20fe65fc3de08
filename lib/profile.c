/* profile.c - where the program's threads run, for the race sampler.
 *
 * Most of a large program's memory-access instructions never run in a
 * given run (a Rust binary carries its whole standard library: 17,000 of
 * them for a page of code), and drawing them at random finds a hot loop
 * late or never.  So the sampler also arms the instructions around where
 * the threads are seen running: a task-clock event per CPU, counting the
 * thread that opens it and every thread created after it (inherit,
 * inherit_thread: not forked children; remove_on_exec), with a sample
 * (its IP) every millisecond of a thread's CPU time into a ring buffer per
 * CPU, which the watcher reads once a window.  An inherited event cannot
 * be mapped per task, hence one per CPU (the first PROFILE_CPUS).
 *
 * perf_event_open may be denied (seccomp, perf_event_paranoid 3, a kernel
 * before 5.13 without inherit_thread): then there is no profile and the
 * draw stays random.  The buffers' descriptors are closed once mapped (the
 * mapping keeps the event).  A forked child forgets its parent's buffers
 * (their events stay the parent's) and opens its own when it starts
 * sampling.
 */
#include <linux/perf_event.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Each thread created carries a copy of every event: a few microseconds
 * each.  So the first CPUs only: threads that run elsewhere are not
 * sampled there, which a profile that only points at hot code can bear. */
#define PROFILE_CPUS	8
#define PROFILE_PAGES	4		/* data pages per CPU (a power of two) */
#define PROFILE_PERIOD	997000		/* ns of a thread's CPU time per sample */

static struct perf_event_mmap_page *ring[PROFILE_CPUS];
static unsigned nring;
static size_t page;

/* Open the events on the calling thread (before the threads they should
 * follow exist).  False: no profile. */
bool db_profile_open(void)
{
	struct perf_event_attr a;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (nring || ncpu < 1)
		return nring > 0;
	if (ncpu > PROFILE_CPUS)
		ncpu = PROFILE_CPUS;
	page = (size_t)sysconf(_SC_PAGESIZE);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.sample_period = PROFILE_PERIOD;
	a.sample_type = PERF_SAMPLE_IP;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.inherit = 1;
	a.inherit_thread = 1;
	a.remove_on_exec = 1;
	for (long c = 0; c < ncpu; c++) {
		int fd = (int)syscall(SYS_perf_event_open, &a, 0, (int)c, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0)
			continue;	/* an offline CPU; or denied: none will open */
		void *m = mmap(NULL, (1 + PROFILE_PAGES) * page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);
		close(fd);
		if (m != MAP_FAILED)
			ring[nring++] = m;
	}
	return nring > 0;
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

/* The IPs sampled since the last call, up to max (the rest are dropped).
 * Only the watcher calls it. */
unsigned db_profile_read(uintptr_t *ips, unsigned max)
{
	unsigned n = 0;

	for (unsigned k = 0; k < nring; k++) {
		struct perf_event_mmap_page *r = ring[k];
		uint64_t head = __atomic_load_n(&r->data_head, __ATOMIC_ACQUIRE);
		uint64_t tail = r->data_tail;
		if (head - tail > PROFILE_PAGES * page)	/* cannot be: the kernel waits */
			tail = head;
		while (tail + sizeof(struct perf_event_header) <= head) {
			struct perf_event_header h;
			ring_copy(r, tail, &h, sizeof(h));
			if (h.size < sizeof(h) || tail + h.size > head)
				break;
			if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(h) + 8 && n < max) {
				uint64_t ip;
				ring_copy(r, tail + sizeof(h), &ip, sizeof(ip));
				ips[n++] = (uintptr_t)ip;
			}
			tail += h.size;
		}
		__atomic_store_n(&r->data_tail, head, __ATOMIC_RELEASE);
	}
	return n;
}

/* In a forked child: the buffers are the parent's events'. */
void db_profile_atfork_child(void)
{
	for (unsigned k = 0; k < nring; k++)
		munmap(ring[k], (1 + PROFILE_PAGES) * page);
	nring = 0;
}

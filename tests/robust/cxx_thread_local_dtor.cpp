// thread_local objects whose destructors lock: each of 16 threads (created
// and joined four at a time) and the main thread own a thread_local Tally
// with a heap buffer; its destructor, run by the thread's exit (for main:
// by exit(), after main returns), takes the registry mutex then the stats
// mutex, appends to a global vector and frees the buffer.  The runtime's
// own per-thread state must still work while these destructors run (or
// let them through), the program's sums are unchanged.  Clean: one lock
// order (registry then stats) everywhere, every buffer freed, every
// thread joined.
// TIMEOUT: 60
// RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
// RUN: [ "$(cat %t/out)" = "sum 136 from 16 threads" ] || exit 1
// RUN: exit $status
// EXPECT: clean
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

static std::mutex registry_m, stats_m;
static std::vector<long> *registry = new std::vector<long>;	// guarded by registry_m
static long stats_dtors;					// guarded by stats_m

struct Tally {
	long *buf;
	Tally() : buf(new long[64]()) {}
	~Tally()
	{
		std::lock_guard<std::mutex> r(registry_m);
		std::lock_guard<std::mutex> s(stats_m);
		registry->push_back(buf[0]);
		stats_dtors++;
		delete[] buf;
		if (stats_dtors == 17) {	// the main thread's, the last one
			delete registry;
			registry = nullptr;
		}
	}
};

static thread_local Tally tally;

static void count(long n)
{
	std::lock_guard<std::mutex> r(registry_m);
	std::lock_guard<std::mutex> s(stats_m);
	tally.buf[0] += n;
}

int main()
{
	for (int wave = 0; wave < 4; wave++) {
		std::vector<std::thread> ts;
		for (int i = 0; i < 4; i++)
			ts.emplace_back(count, wave * 4 + i + 1);
		for (auto &t : ts)
			t.join();
	}
	count(0);	// main's own tally, destroyed at exit
	long sum = 0;
	{
		std::lock_guard<std::mutex> r(registry_m);
		for (long v : *registry)
			sum += v;
		std::printf("sum %ld from %zu threads\n", sum, registry->size());
	}
	return 0;
}

// A bounded queue with std::condition_variable and predicate waits: two
// producers push 20000 items each through a queue of 8 slots, two
// consumers pop them (wait(lock, pred) on not_empty / not_full, notify_one
// after each change; a final notify_all with a done flag).  The waits
// release and re-take the queue mutex inside pthread_cond_wait; the runtime
// must keep the held-lock state right across them.  The consumers' sum is
// exact and nothing is reported: one mutex, waits only with it held.
// TIMEOUT: 60
// EXPECT: clean
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

static std::mutex m;
static std::condition_variable not_empty, not_full;
static std::deque<long> q;	// guarded by m
static bool done;		// guarded by m

static constexpr int ITEMS = 20000, SLOTS = 8;

static void producer(long base)
{
	for (long i = 0; i < ITEMS; i++) {
		std::unique_lock<std::mutex> l(m);
		not_full.wait(l, [] { return q.size() < SLOTS; });
		q.push_back(base + i);
		l.unlock();
		not_empty.notify_one();
	}
}

static void consumer(long *sum)
{
	for (;;) {
		std::unique_lock<std::mutex> l(m);
		not_empty.wait(l, [] { return !q.empty() || done; });
		if (q.empty())
			return;
		*sum += q.front();
		q.pop_front();
		l.unlock();
		not_full.notify_one();
	}
}

int main()
{
	long sums[2] = { 0, 0 };
	std::thread c0(consumer, &sums[0]), c1(consumer, &sums[1]);
	std::thread p0(producer, 0L), p1(producer, 1000000L);

	p0.join();
	p1.join();
	{
		std::lock_guard<std::mutex> l(m);
		done = true;
	}
	not_empty.notify_all();
	c0.join();
	c1.join();
	long n = ITEMS, want = 2 * (n * (n - 1) / 2) + 1000000L * n;
	if (sums[0] + sums[1] != want) {
		std::fprintf(stderr, "sum %ld, expected %ld\n", sums[0] + sums[1], want);
		return 1;
	}
	std::printf("ok\n");
	return 0;
}

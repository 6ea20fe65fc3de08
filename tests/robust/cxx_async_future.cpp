// std::async (launch::async: a thread per task), std::promise/std::future
// across threads and std::packaged_task: 64 async tasks in waves of 8, each
// taking the program's two mutexes in one order and returning a value
// through its future's shared state (allocated, reference counted, freed
// by whichever side lets go last).  The program's sums are unchanged and
// nothing is reported: one lock order, every shared state freed, every
// thread joined by its future.
// TIMEOUT: 60
// EXPECT: clean
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

static std::mutex a, b;
static long shared_total;	// guarded by a and b

static long task(int n)
{
	std::lock_guard<std::mutex> la(a);
	std::lock_guard<std::mutex> lb(b);
	shared_total += n;
	return n * 2L;
}

int main()
{
	long sum = 0;

	for (int wave = 0; wave < 8; wave++) {
		std::vector<std::future<long>> fs;
		for (int i = 0; i < 8; i++)
			fs.push_back(std::async(std::launch::async, task, wave * 8 + i));
		for (auto &f : fs)
			sum += f.get();
	}
	// A promise fulfilled by another thread, and a packaged task run there.
	std::promise<long> p;
	std::future<long> pf = p.get_future();
	std::packaged_task<long(int)> pt(task);
	std::future<long> ptf = pt.get_future();
	std::thread t([&] {
		p.set_value(task(1000));
		pt(2000);
	});
	sum += pf.get() + ptf.get();
	t.join();
	if (sum != 2 * (2016 + 3000) || shared_total != 2016 + 3000) {
		std::fprintf(stderr, "sum %ld total %ld\n", sum, shared_total);
		return 1;
	}
	std::printf("ok\n");
	return 0;
}

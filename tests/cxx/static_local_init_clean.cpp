// Three std::threads use a function-local static table whose constructor
// fills it for 150 ms: one thread runs the constructor, the others wait in
// the guard; then all of them read the table for 300 ms.  A thread that
// finds the static ready tests its guard inline and calls nothing, so no
// synchronisation is seen there; the guard still orders the constructor's
// writes before every use: clean.  (A write caught in the constructor and
// a read caught later in another thread would otherwise pair as a race.)
// EXPECT: clean
// EXPECT-JSON: j['processes'][0]['exit'] == 0
// EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
#include <chrono>
#include <thread>
#include <vector>

using clk = std::chrono::steady_clock;

struct table {
	volatile long v[64];

	__attribute__((noinline)) table()
	{
		auto end = clk::now() + std::chrono::milliseconds(150);
		for (long n = 0; clk::now() < end; n++)
			for (int i = 0; i < 64; i++)
				v[i] = n + i;
	}
};

__attribute__((noinline)) static table &get()
{
	static table t;
	return t;
}

__attribute__((noinline)) static void reader(long *out)
{
	table &t = get();
	long sum = 0;
	auto end = clk::now() + std::chrono::milliseconds(300);

	while (clk::now() < end)
		for (int i = 0; i < 64; i++)
			sum += t.v[i];
	*out = sum;
}

int main()
{
	std::vector<std::thread> th;
	long sums[3] = { 0, 0, 0 };

	for (int i = 0; i < 3; i++)
		th.emplace_back(reader, &sums[i]);
	for (auto &t : th)
		t.join();
	return sums[0] && sums[1] && sums[2] ? 0 : 3;
}

// Exceptions thrown while holding locks: four threads take a then b with
// std::unique_lock (and c under std::lock_guard) and throw, 2000 times each;
// unwinding runs the destructors, which unlock b then a, and the catch
// block checks with try_lock that every lock is free again.  The C++
// unwinder takes its own mutex (libgcc's FDE lookup) while the program's
// locks are held, always in that one direction.  Clean: one lock order,
// nothing held at thread exit, every exception object freed.
// TIMEOUT: 60
// EXPECT: clean
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static std::mutex a, b, c;
static long total;	// guarded by a

[[gnu::noinline]] static void deep(int n)
{
	std::lock_guard<std::mutex> g(c);
	if (n % 3 == 0)
		throw std::runtime_error("error number " + std::to_string(n));
	throw n;
}

[[gnu::noinline]] static void work(int n)
{
	std::unique_lock<std::mutex> la(a);
	std::unique_lock<std::mutex> lb(b);
	total++;
	std::vector<int> v(16, n);	// freed by unwinding too
	deep(n + v[3]);
}

static bool all_free()
{
	if (!a.try_lock())
		return false;
	a.unlock();
	if (!c.try_lock())
		return false;
	c.unlock();
	return true;
}

int main()
{
	std::vector<std::thread> ts;
	long caught = 0;
	std::mutex count_m;

	for (int t = 0; t < 4; t++)
		ts.emplace_back([&, t] {
			long mine = 0;
			for (int i = 0; i < 2000; i++) {
				try {
					work(t * 2000 + i);
				} catch (const std::runtime_error &) {
					mine++;
				} catch (int) {
					mine++;
				}
			}
			std::lock_guard<std::mutex> g(count_m);
			caught += mine;
		});
	for (auto &t : ts)
		t.join();
	if (caught != 8000 || total != 8000 || !all_free()) {
		std::fprintf(stderr, "caught %ld, total %ld\n", caught, total);
		return 1;
	}
	std::printf("ok\n");
	return 0;
}

// Two std::threads (joined in between) take std::mutex A and B together
// with std::scoped_lock(a, b) and std::scoped_lock(b, a), then with
// std::lock(a, b) and std::lock(b, a).  std::lock locks the first and only
// try_locks the others, backing off and retrying on failure, so it never
// waits while holding: no edge into a trylocked mutex, clean.  Twin:
// std_mutex_ab_ba.cpp (the same orders with plain lock_guards).
// EXPECT: clean
#include <mutex>
#include <thread>

static std::mutex a, b;

static void scoped_ab()
{
	std::scoped_lock g(a, b);
}

static void scoped_ba()
{
	std::scoped_lock g(b, a);
}

static void lock_ab()
{
	std::lock(a, b);
	std::lock_guard<std::mutex> ga(a, std::adopt_lock);
	std::lock_guard<std::mutex> gb(b, std::adopt_lock);
}

static void lock_ba()
{
	std::lock(b, a);
	std::lock_guard<std::mutex> gb(b, std::adopt_lock);
	std::lock_guard<std::mutex> ga(a, std::adopt_lock);
}

int main()
{
	std::thread(scoped_ab).join();
	std::thread(scoped_ba).join();
	std::thread(lock_ab).join();
	std::thread(lock_ba).join();
	return 0;
}

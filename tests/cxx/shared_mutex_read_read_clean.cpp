// Two std::threads (joined in between) take std::shared_mutex A then B and
// B then A, both in shared mode (std::shared_lock).  Readers do not exclude
// readers (a pthread rwlock preferring readers underneath), so a cycle of
// shared acquisitions cannot deadlock: clean.  Twin:
// shared_mutex_inversion.cpp.
// EXPECT: clean
#include <shared_mutex>
#include <thread>

static std::shared_mutex a, b;

static void read_ab()
{
	std::shared_lock<std::shared_mutex> ga(a);
	std::shared_lock<std::shared_mutex> gb(b);
}

static void read_ba()
{
	std::shared_lock<std::shared_mutex> gb(b);
	std::shared_lock<std::shared_mutex> ga(a);
}

int main()
{
	std::thread(read_ab).join();
	std::thread(read_ba).join();
	return 0;
}

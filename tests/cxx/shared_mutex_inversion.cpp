// Twin of shared_mutex_read_read_clean.cpp: the same two threads take
// std::shared_mutex A then B and B then A exclusively (std::unique_lock).
// Writers exclude each other: a potential deadlock on rwlocks.
// EXPECT: lock-order-inversion 1
// EXPECT-FUNC: lock-order-inversion write_ab write_ba
// EXPECT-JSON: all(l['type'] == 'rwlock' for l in F('lock-order-inversion')[0]['locks'])
#include <mutex>
#include <shared_mutex>
#include <thread>

static std::shared_mutex a, b;

__attribute__((noinline)) void write_ab()
{
	std::unique_lock<std::shared_mutex> ga(a);
	std::unique_lock<std::shared_mutex> gb(b);
}

__attribute__((noinline)) void write_ba()
{
	std::unique_lock<std::shared_mutex> gb(b);
	std::unique_lock<std::shared_mutex> ga(a);
}

int main()
{
	std::thread(write_ab).join();
	std::thread(write_ba).join();
	return 0;
}

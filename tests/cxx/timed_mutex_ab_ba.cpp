// Two std::threads (joined in between) lock std::timed_mutex A then B and B
// then A with lock() (std::lock_guard).  A timed mutex locked without a
// deadline blocks like any mutex: a potential deadlock.
// EXPECT: lock-order-inversion 1
// EXPECT-FUNC: lock-order-inversion take_ab take_ba
#include <mutex>
#include <thread>

static std::timed_mutex a, b;

__attribute__((noinline)) void take_ab()
{
	std::lock_guard<std::timed_mutex> ga(a);
	std::lock_guard<std::timed_mutex> gb(b);
}

__attribute__((noinline)) void take_ba()
{
	std::lock_guard<std::timed_mutex> gb(b);
	std::lock_guard<std::timed_mutex> ga(a);
}

int main()
{
	std::thread(take_ab).join();
	std::thread(take_ba).join();
	return 0;
}

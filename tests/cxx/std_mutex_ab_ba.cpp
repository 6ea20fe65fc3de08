// Two std::threads take std::mutex A then B and B then A through
// std::lock_guard, one after the other (joined in between).  std::mutex is
// a pthread mutex underneath: a potential deadlock, with the C++ functions
// named on the stacks (demangled; the runner strips the signature).
// EXPECT: lock-order-inversion 1
// EXPECT-FUNC: lock-order-inversion take_ab take_ba
// EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
#include <mutex>
#include <thread>

static std::mutex a, b;

__attribute__((noinline)) void take_ab()
{
	std::lock_guard<std::mutex> ga(a);
	std::lock_guard<std::mutex> gb(b);
}

__attribute__((noinline)) void take_ba()
{
	std::lock_guard<std::mutex> gb(b);
	std::lock_guard<std::mutex> ga(a);
}

int main()
{
	std::thread(take_ab).join();
	std::thread(take_ba).join();
	return 0;
}

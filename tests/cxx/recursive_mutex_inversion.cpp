// Twin of recursive_mutex_clean.cpp: one std::thread takes the
// std::recursive_mutex R twice then the std::mutex X, another takes X then R
// (joined in between).  Recursion does not help against another owner: a
// potential deadlock.
// EXPECT: lock-order-inversion 1
// EXPECT-FUNC: lock-order-inversion take_r_r_x take_x_r
#include <mutex>
#include <thread>

static std::recursive_mutex r;
static std::mutex x;

__attribute__((noinline)) void take_r_r_x()
{
	std::lock_guard<std::recursive_mutex> g1(r);
	std::lock_guard<std::recursive_mutex> g2(r);
	std::lock_guard<std::mutex> g3(x);
}

__attribute__((noinline)) void take_x_r()
{
	std::lock_guard<std::mutex> g1(x);
	std::lock_guard<std::recursive_mutex> g2(r);
}

int main()
{
	std::thread(take_r_r_x).join();
	std::thread(take_x_r).join();
	return 0;
}

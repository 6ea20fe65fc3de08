// Two std::threads (joined in between) take a std::recursive_mutex R twice
// and then a std::mutex X inside: always R -> X, and re-locking R while
// holding it neither blocks nor adds an edge: clean.  Twin:
// recursive_mutex_inversion.cpp.
// EXPECT: clean
#include <mutex>
#include <thread>

static std::recursive_mutex r;
static std::mutex x;

static void take_r_r_x()
{
	std::lock_guard<std::recursive_mutex> g1(r);
	std::lock_guard<std::recursive_mutex> g2(r);
	std::lock_guard<std::mutex> g3(x);
}

int main()
{
	std::thread(take_r_r_x).join();
	std::thread(take_r_r_x).join();
	return 0;
}

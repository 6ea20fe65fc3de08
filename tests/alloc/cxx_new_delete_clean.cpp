// The objects of cxx_new_leak.cpp deleted, plus the containers and streams
// a C++ program uses (iostream's own allocations, a map, a vector, a
// thrown and caught exception): nothing leaked.
// EXPECT: clean
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Object {
	std::string name;
	long id;
};

int main()
{
	Object *o = new Object{std::string(100, 'x'), 42};
	int *a = new int[100];
	delete o;
	delete[] a;
	std::map<std::string, std::vector<int>> m;
	for (int i = 0; i < 100; i++)
		m[std::to_string(i) + std::string(40, 'k')].assign(i, i);
	auto u = std::make_unique<std::vector<long>>(1000);
	try {
		throw std::runtime_error(std::string(64, 'e'));
	} catch (const std::exception &e) {
		std::cerr << "caught " << e.what()[0] << "\n";
	}
	std::cout << m.size() << " " << u->size() << std::endl;
	return 0;
}

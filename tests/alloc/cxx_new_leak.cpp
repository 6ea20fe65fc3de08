// new and new[] without delete: an object holding a std::string long enough
// to be on the heap, and an array of ints.  Three findings: the object and
// the array (definite, allocated in make_object and make_array through
// operator new / new[]), and the string's buffer (indirect: only the
// leaked object points to it).  Twin: cxx_new_delete_clean.cpp.
// EXPECT: leak 3
// EXPECT-FUNC: leak make_object make_array
// EXPECT-JSON: sorted(f['leak_kind'] for f in F('leak')) == ['definite', 'definite', 'indirect']
// EXPECT-JSON: any(f['bytes'] == 400 and f['blocks'] == 1 for f in F('leak'))
#include <string>

struct Object {
	std::string name;
	long id;
};

__attribute__((noinline)) Object *make_object()
{
	return new Object{std::string(100, 'x'), 42};
}

__attribute__((noinline)) int *make_array()
{
	return new int[100];
}

__attribute__((noinline)) void scrub()
{
	volatile char junk[8192];

	for (unsigned i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

int main()
{
	Object *o = make_object();
	int *a = make_array();
	asm volatile("" : : "r"(o), "r"(a));
	o = nullptr;
	a = nullptr;
	scrub();
	return 0;
}

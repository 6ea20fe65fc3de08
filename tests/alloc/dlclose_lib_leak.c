/* A library loaded with dlopen allocates a block, keeps it in its own
 * static, and is dlclose'd: its data is unmapped, the block is leaked.
 * The report names the library's function, though the library is gone
 * when the report is made.
 * BUILD: %cc -shared -fPIC -g -O1 -Wall -Wextra -Werror -o %B/libleaky.so %S/leaky_lib.c
 * ARGS: %B/libleaky.so
 * EXPECT: leak 1
 * EXPECT-FUNC: leak leaky_keep main
 * EXPECT-JSON: F('leak')[0]['stack'][0]['module'].endswith('libleaky.so')
 * EXPECT-JSON: F('leak')[0]['bytes'] == 123
 */
#include <dlfcn.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 3;
	void (*keep)(unsigned) = (void (*)(unsigned))dlsym(h, "leaky_keep");
	if (!keep)
		return 4;
	keep(123);
	dlclose(h);
	return 0;
}

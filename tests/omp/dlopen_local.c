/* A library built with OpenMP, loaded with dlopen(RTLD_LOCAL) as Python
 * loads its extensions: its libgomp calls come to deadbolt's shims first
 * (the preloaded runtime is in the global scope), which must find that
 * libgomp though RTLD_NEXT does not reach it.  The library's parallel
 * region hands a global from one thread to the other across a barrier:
 * the program runs to its end, and reports nothing.
 * BUILD: %cc -shared -fPIC -g -O1 -fopenmp -Wall -Wextra -Werror -o %B/libompwork.so %S/dlopen_local_lib.c
 * ARGS: %B/libompwork.so
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 3;
	}
	long (*work)(int) = (long (*)(int))dlsym(h, "omp_work");
	if (!work)
		return 4;
	long r = work(200);
	return r == 200 ? 0 : 5;
}

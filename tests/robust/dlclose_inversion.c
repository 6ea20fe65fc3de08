/* A dlopen'ed library forms the A/B inversion with its own two mutexes
 * (two threads, joined in between, so no hang), then the program dlcloses
 * it and goes on.  The runtime logged the library in its module map when it
 * was loaded, so the report, made after the library is unmapped, still names
 * the library's functions on both edges.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libdlinv.so %S/dl_inversion_lib.c
 * ARGS: %B/libdlinv.so
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion lib_take_ab lib_take_ba
 * EXPECT-JSON: all(any(fr.get('module', '').endswith('libdlinv.so') for fr in e['stack']) for e in F('lock-order-inversion')[0]['edges'])
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static void run(void *h, const char *name)
{
	void *(*fn)(void *);
	pthread_t t;

	*(void **)&fn = dlsym(h, name);
	if (!fn)
		return;
	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	void *h;

	if (argc < 2 || !(h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "dlopen failed\n");
		return 2;
	}
	run(h, "lib_take_ab");
	run(h, "lib_take_ba");
	if (dlclose(h) != 0)
		return 3;
	/* Something else lands where the library was. */
	h = dlopen("libm.so.6", RTLD_NOW);
	if (h)
		dlclose(h);
	return 0;
}

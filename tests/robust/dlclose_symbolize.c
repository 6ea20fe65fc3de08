/* Two libraries loaded one after the other at the same address (the
 * program checks it, else it exits 77): the first takes the program's A
 * then B in first_take() and is dlclose'd, the second takes B then A in
 * secnd_take().  A and B live throughout: a real inversion.  Each pc must
 * be symbolized against the module mapped when it was recorded, so the
 * A->B edge is in first_take (libfirst.so), the B->A edge in secnd_take
 * (libsecond.so), though both libraries are gone when the report is made.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libfirst.so %S/dl_named_lib.c
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -DSECOND -o %B/libsecond.so %S/dl_named_lib.c
 * ARGS: %B/libfirst.so %B/libsecond.so
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion first_take secnd_take
 * EXPECT-JSON: sorted((e['stack'][0]['function'], e['stack'][0]['module'].rsplit('/', 1)[-1]) for e in F('lock-order-inversion')[0]['edges']) == [('first_take', 'libfirst.so'), ('secnd_take', 'libsecond.so')]
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

/* Loads path, runs its lib_take2(x, y), unloads it; where lib_take2 was. */
static void *use(const char *path, pthread_mutex_t *x, pthread_mutex_t *y)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	void (*take2)(pthread_mutex_t *, pthread_mutex_t *);

	if (!h)
		return NULL;
	*(void **)&take2 = dlsym(h, "lib_take2");
	if (!take2)
		return NULL;
	take2(x, y);
	dlclose(h);
	return *(void **)&take2;
}

int main(int argc, char **argv)
{
	void *first, *second;

	if (argc < 3)
		return 2;
	first = use(argv[1], &a, &b);
	second = use(argv[2], &b, &a);
	if (!first || !second)
		return 3;
	if (first != second) {
		fprintf(stderr, "second library mapped elsewhere: %p, %p\n", first, second);
		return 77;
	}
	return 0;
}

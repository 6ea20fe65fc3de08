/* Two libraries of the same layout, loaded one after the other: the first
 * takes the program's lock P then its own mutex, and is dlclose'd; the
 * second, mapped where the first was (the program checks that its mutex has
 * the same address, else it exits 77), takes its own mutex then P.  The two
 * library mutexes are different locks that share an address, never alive
 * together: unmapping a library ends the identity of the locks in it, like
 * freeing the memory that holds a lock.  No inversion.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libfirst.so %S/dl_order_lib.c
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -DREVERSED -o %B/libsecond.so %S/dl_order_lib.c
 * ARGS: %B/libfirst.so %B/libsecond.so
 * EXPECT: clean
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t p = PTHREAD_MUTEX_INITIALIZER;

/* Loads path, runs its lib_take(&p) and unloads it; its mutex's address. */
static void *use(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	void (*take)(pthread_mutex_t *);
	void *(*mutex)(void);
	void *m;

	if (!h)
		return NULL;
	*(void **)&take = dlsym(h, "lib_take");
	*(void **)&mutex = dlsym(h, "lib_mutex");
	if (!take || !mutex)
		return NULL;
	take(&p);
	m = mutex();
	dlclose(h);
	return m;
}

int main(int argc, char **argv)
{
	void *first, *second;

	if (argc < 3)
		return 2;
	first = use(argv[1]);
	second = use(argv[2]);
	if (!first || !second)
		return 3;
	if (first != second) {
		fprintf(stderr, "second library mapped elsewhere: %p, %p\n", first, second);
		return 77;
	}
	return 0;
}

/* A library is dlopen'ed and dlclose'd 50 times; its constructor and
 * destructor lock its mutex and allocate or free (they run inside dlopen
 * and dlclose, under the loader's lock), and between open and close two
 * threads call into it, taking the program's lock then the library's.  The
 * runtime keeps its module map across the loads and unloads and the
 * program's results are unchanged.  Clean: one lock order, every block
 * freed by the destructor, every thread joined.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libdlctor.so %S/dl_ctor_lib.c
 * ARGS: %B/libdlctor.so
 * TIMEOUT: 60
 * EXPECT: clean
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 50
#define CALLS 200

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static int (*lib_work)(pthread_mutex_t *, int);

static void *caller(void *arg __attribute__((unused)))
{
	long sum = 0;

	for (int i = 0; i < CALLS; i++)
		sum += lib_work(&outer, i);
	return (void *)sum;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	for (int r = 0; r < ROUNDS; r++) {
		void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		pthread_t t[2];

		if (!h) {
			fprintf(stderr, "%s\n", dlerror());
			return 3;
		}
		*(void **)&lib_work = dlsym(h, "lib_work");
		if (!lib_work)
			return 4;
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, caller, NULL);
		for (int i = 0; i < 2; i++) {
			void *sum;

			pthread_join(t[i], &sum);
			if ((long)sum != CALLS)
				return 5;
		}
		if (dlclose(h) != 0)
			return 6;
	}
	printf("%d rounds ok\n", ROUNDS);
	return 0;
}

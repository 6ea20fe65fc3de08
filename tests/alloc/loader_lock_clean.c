/* The unwinder must not deadlock on the dynamic loader's lock (libunwind
 * looks modules up with dl_iterate_phdr, which takes it).  One thread
 * dlopens and dlcloses a library 300 times; its constructor and destructor
 * allocate (with the loader's lock held) and raise a signal whose handler
 * allocates too.  Another thread allocates from inside dl_iterate_phdr
 * callbacks (holding that lock), and from a signal handler raised there.
 * Each dlclose flushes the unwinder's caches, so allocation stacks keep
 * needing fresh lookups.  Everything is freed: it ends, and clean.
 * BUILD: %cc -shared -fPIC -g -O1 -Wall -Wextra -Werror -o %B/libctoralloc.so %S/ctor_alloc_lib.c
 * ARGS: %B/libctoralloc.so
 * TIMEOUT: 120
 * EXPECT: clean
 */
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS 300

static const char *lib;
static volatile int dlopen_failed;

static void on_signal(int sig)
{
	/* not async-signal-safe in general; safe here: raised synchronously,
	 * never from inside malloc */
	char *p = malloc(32);

	(void)sig;
	if (p)
		memset(p, 0, 32);
	free(p);
}

static void *load_unload(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			dlopen_failed = 1;
			return NULL;
		}
		void (*work)(void) = (void (*)(void))dlsym(h, "lib_work");
		if (work)
			work();
		dlclose(h);
	}
	return NULL;
}

__attribute__((noinline)) static void *deep(int n)
{
	if (n == 0)
		return malloc(16);
	void *p = deep(n - 1);
	__asm__ volatile("" : : "r"(p) : "memory");
	return p;
}

static int each_module(struct dl_phdr_info *info, size_t size, void *data)
{
	int *n = data;

	(void)info;
	(void)size;
	free(deep((*n)++ % 8));
	if (*n % 16 == 0)
		raise(SIGUSR1);
	return 0;
}

static void *iterate(void *arg)
{
	int n = 0;

	(void)arg;
	for (int i = 0; i < ROUNDS; i++)
		dl_iterate_phdr(each_module, &n);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	struct sigaction sa;

	if (argc < 2)
		return 2;
	lib = argv[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&a, NULL, load_unload, NULL);
	pthread_create(&b, NULL, iterate, NULL);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return dlopen_failed ? 3 : 0;
}

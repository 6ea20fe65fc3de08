/* One thread dlopens and dlcloses a library without pause while the main
 * thread forks 150 children.  A fork can come while that thread holds the
 * dynamic loader's locks; glibc resets the main one in the child, not the
 * one dl_iterate_phdr (and dlopen's adding to the module list) takes, so a
 * child that walks the module list or loads a library can wait forever for
 * a thread that is not there.  The program's children never do: each
 * starts a thread, joins it, allocates, frees and ends with _exit (exit()
 * itself can hang natively here: dlclose holds glibc's atexit lock while
 * it runs the library's destructors).  The runtime must not walk the list
 * or load its disassembler in such a child either: its module map comes
 * from the parent's, modules the parent unloaded meanwhile included.
 * Every child ends within 10 s with status 0 (the parent kills one that
 * does not and fails).  Clean.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libplugin.so %S/dl_plugin_lib.c
 * ARGS: %B/libplugin.so
 * TIMEOUT: 120
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 1 + 150 and all(p['exit'] == 0 for p in j['processes'])
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FORKS 150

static atomic_int stop;
static const char *lib;

static void *loader(void *arg __attribute__((unused)))
{
	long n = 0;

	while (!atomic_load(&stop)) {
		void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			return NULL;
		dlclose(h);
		n++;
	}
	return (void *)n;
}

static void *child_thread(void *arg)
{
	void *volatile p = malloc(64);

	free(p);
	return arg;
}

static int wait_child(pid_t pid)
{
	int status;

	for (int ms = 0; ms < 10000; ms++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
		if (r < 0)
			return 101;
		struct timespec nap = { 0, 1000000 };
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 102;	/* hung */
}

int main(int argc, char **argv)
{
	pthread_t t;
	void *loads;
	int bad = 0;

	if (argc < 2)
		return 2;
	lib = argv[1];
	if (pthread_create(&t, NULL, loader, NULL) != 0)
		return 3;
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			pthread_t c;
			void *r = NULL;
			if (pthread_create(&c, NULL, child_thread, (void *)1) != 0 ||
			    pthread_join(c, &r) != 0 || r != (void *)1)
				_exit(4);
			void *volatile p = malloc(32);
			free(p);
			_exit(0);
		}
		if (pid < 0 || wait_child(pid) != 0)
			bad++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, &loads);
	return bad ? 10 : loads ? 0 : 5;
}

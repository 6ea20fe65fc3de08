/* Blocks held only in thread-local variables at exit: the main thread's
 * and a running thread's static TLS (__thread in the program), and dynamic
 * TLS of a library loaded with dlopen (its __thread block is allocated on
 * first use).  All reachable: nothing is reported.
 * BUILD: %cc -shared -fPIC -g -O1 -Wall -Wextra -Werror -o %B/libtlsholder.so %S/tls_holder_lib.c
 * ARGS: %B/libtlsholder.so
 * EXPECT: clean
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

static __thread void *mine;
static pthread_barrier_t ready;
static void (*lib_hold)(size_t);

static void *holder(void *arg)
{
	(void)arg;
	mine = malloc(40);
	lib_hold(56);		/* the library's dynamic TLS of this thread */
	pthread_barrier_wait(&ready);
	for (;;)
		pthread_barrier_wait(&ready);	/* never completes again */
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2)
		return 2;
	void *h = dlopen(argv[1], RTLD_NOW);
	if (!h)
		return 3;
	*(void **)&lib_hold = dlsym(h, "lib_hold");
	if (!lib_hold)
		return 4;
	pthread_barrier_init(&ready, NULL, 2);
	pthread_create(&t, NULL, holder, NULL);
	pthread_detach(t);
	mine = malloc(24);
	lib_hold(32);
	pthread_barrier_wait(&ready);
	return 0;
}

/* Helper of loader_lock_clean.c: allocates in its constructor and
 * destructor (the loader's lock is held then) and raises SIGUSR1 there. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static char *state;

__attribute__((constructor)) static void lib_init(void)
{
	state = malloc(128);
	memset(state, 1, 128);
	raise(SIGUSR1);
}

__attribute__((destructor)) static void lib_fini(void)
{
	char *tmp = malloc(64);

	memset(tmp, 2, 64);
	raise(SIGUSR1);
	free(tmp);
	free(state);
}

void lib_work(void)
{
	free(malloc(256));
}

/* Two threads race on a global of a library the program loaded with dlopen
 * (not a system library: deadbolt samples it as it does the executable):
 * the finding names the library's global and module, and the library's
 * function that wrote it.
 * The library is unloaded after the threads end; the report still names it.
 * BUILD: %cc -shared -fPIC -g -O1 -Wall -Wextra -Werror -o %B/libracy.so %S/dlopen_global_lib.c
 * ARGS: %B/libracy.so
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race lib_bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'lib_counter'
 * EXPECT-JSON: F('data-race')[0]['location']['kind'] == 'global' and F('data-race')[0]['location']['module'].endswith('/libracy.so')
 * EXPECT-JSON: all(a['stack'][0]['function'] == 'lib_bump' and a['stack'][0]['module'].endswith('/libracy.so') for a in F('data-race')[0]['accesses'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

/* Set before the threads start, only read after. */
static void (*lib_bump)(int);

static void *worker(void *arg)
{
	lib_bump(RACY_MS);
	return arg;
}

#ifdef DLOPEN_LATE
static void *nothing(void *arg)
{
	return arg;
}

/* A first thread starts the sampler, which unloads its disassembler once
 * it has seen all the code there is: wait for that (up to 5 s). */
static int disassembler_gone(void)
{
	pthread_t t;
	char line[4096];

	if (pthread_create(&t, NULL, nothing, NULL) != 0)
		return 0;
	pthread_join(t, NULL);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen("/proc/self/maps", "r");
		int mapped = 0;
		while (f && fgets(line, sizeof(line), f))
			mapped |= strstr(line, "libcapstone") != NULL;
		if (f)
			fclose(f);
		if (!mapped)
			return 1;
		usleep(10000);
	}
	return 0;
}
#endif

int main(int argc, char **argv)
{
	pthread_t t[2];

	if (argc < 2)
		return 2;
#ifdef DLOPEN_LATE
	if (!disassembler_gone())
		return 6;
#endif
	void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return 3;
	lib_bump = (void (*)(int))dlsym(h, "lib_bump");
	if (!lib_bump)
		return 4;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, worker, NULL) != 0)
			return 5;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	dlclose(h);
	return 0;
}

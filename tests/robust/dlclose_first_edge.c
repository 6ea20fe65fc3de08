/* A plugin (dlopen'ed) takes the program's A then B and is dlclose'd; only
 * then does the program itself take B then A (one thread, no hang), closing
 * the cycle.  The A->B edge was formed in code that is gone when the cycle
 * is found: its stack must still be symbolized against the plugin, which
 * was mapped when the edge formed, so both plugin_take and take_ba appear.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -Wall -Wextra -Werror -o %B/libplugin.so %S/dl_plugin_lib.c
 * ARGS: %B/libplugin.so
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion plugin_take take_ba
 * EXPECT-JSON: any(fr['function'] == 'plugin_take' and fr['module'].endswith('libplugin.so') for e in F('lock-order-inversion')[0]['edges'] for fr in e['stack'])
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void take_ba(void)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

int main(int argc, char **argv)
{
	void (*take)(pthread_mutex_t *, pthread_mutex_t *);
	void *h;

	if (argc < 2 || !(h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "dlopen failed\n");
		return 2;
	}
	*(void **)&take = dlsym(h, "plugin_take");
	if (!take)
		return 3;
	take(&a, &b);
	if (dlclose(h) != 0)
		return 4;
	take_ba();
	return 0;
}

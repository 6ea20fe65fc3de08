/* Helper library of dlopen_loop.c: its constructor and destructor take its
 * own mutex and allocate or free a table; lib_work() takes the caller's
 * lock then the library's, in that order only. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lib_m = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *table;	/* guarded by lib_m */

__attribute__((constructor)) static void lib_init(void)
{
	pthread_mutex_lock(&lib_m);
	table = malloc(4096);
	if (table)
		memset(table, 1, 4096);
	pthread_mutex_unlock(&lib_m);
}

__attribute__((destructor)) static void lib_fini(void)
{
	pthread_mutex_lock(&lib_m);
	free(table);
	table = NULL;
	pthread_mutex_unlock(&lib_m);
}

int lib_work(pthread_mutex_t *outer, int n)
{
	int sum = 0;

	pthread_mutex_lock(outer);
	pthread_mutex_lock(&lib_m);
	char *p = malloc(16 + n % 128);
	if (p && table) {
		sum = table[n % 4096];
		free(p);
	}
	pthread_mutex_unlock(&lib_m);
	pthread_mutex_unlock(outer);
	return sum;
}

/* A successful malloc, calloc, realloc or free leaves errno as it was (glibc
 * does): deadbolt's work around them (a first block of a thread, stacks
 * unwound at new call sites, its tables growing) must not change it.  The
 * program exits 1 at the first change.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define BLOCKS 20000

static int check(void)
{
	static void *keep[BLOCKS];

	errno = EILSEQ;
	for (int i = 0; i < BLOCKS; i++) {
		/* a few call sites, each new to the stack cache once */
		switch (i % 4) {
		case 0: keep[i] = malloc(16 + i % 200); break;
		case 1: keep[i] = calloc(1, 24); break;
		case 2: keep[i] = realloc(NULL, 40); break;
		default: keep[i] = realloc(malloc(8), 64); break;
		}
		if (!keep[i] || errno != EILSEQ)
			return 1;
	}
	for (int i = 0; i < BLOCKS; i++) {
		free(keep[i]);
		if (errno != EILSEQ)
			return 1;
	}
	return 0;
}

static void *thread_check(void *arg)
{
	(void)arg;
	return (void *)(long)check();
}

int main(void)
{
	pthread_t t;
	void *r;

	if (check() != 0)
		return 1;
	if (pthread_create(&t, NULL, thread_check, NULL) != 0)
		return 2;
	pthread_join(t, &r);
	return r != NULL;
}

/* A block freed twice, and free() of a global's address (never allocated):
 * both reported as misuse, neither passed on to glibc (which would abort).
 * The program goes on and exits normally.  Twin: free_everything_clean.c.
 * EXPECT: misuse 2
 * EXPECT-FUNC: misuse free_twice free_global
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <stdlib.h>
#include <string.h>

static char not_heap[64];

__attribute__((noinline)) void free_twice(void)
{
	char *volatile p = malloc(40);	/* volatile: no compiler complaint */

	memset(p, 1, 40);
	free(p);
	free(p);
}

__attribute__((noinline)) void free_global(void)
{
	char *volatile p = not_heap + 16;

	free(p);
}

int main(void)
{
	free_twice();
	free_global();
	return 0;
}

/* realloc moves a block; the program then frees the old pointer (a double
 * free: realloc freed it), and frees the new one.  A realloc that keeps
 * its block in place, and one that fails, leave the pointer the program's
 * to free once, which it does.  One misuse, in free_old; no leak.
 * EXPECT: misuse 1
 * EXPECT-FUNC: misuse free_old
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'double-free'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void free_old(void *p)
{
	free(p);
}

int main(void)
{
	char *volatile p = malloc(24);
	char *q;

	memset(p, 1, 24);
	/* a neighbour keeps the block from growing where it is */
	char *volatile wall = malloc(24);
	q = realloc(p, 1 << 20);
	if (!q || q == p)
		return 2;
	free_old(p);
	free(q);
	free(wall);

	char *volatile r = malloc(4096);
	char *s = realloc(r, 16);	/* shrinks in place */
	if (s != r)
		return 3;
	char *t = realloc(s, SIZE_MAX / 2);	/* fails: s is still ours */
	if (t)
		return 4;
	free(s);
	return 0;
}

/* One block grown by realloc from 16 to 4096 bytes in steps (it moves),
 * shrunk, grown again; realloc(NULL, n) and realloc(p, 0) on the way.  The
 * last pointer is dropped: one definite leak of exactly the last size,
 * allocated where the last realloc was; nothing else (every block realloc
 * moved away from was freed by it).
 * EXPECT: leak 1
 * EXPECT-FUNC: leak last_resize
 * EXPECT-JSON: F('leak')[0]['bytes'] == 3000 and F('leak')[0]['blocks'] == 1
 */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) char *grow(char *p, size_t n)
{
	char *q = realloc(p, n);

	memset(q, 7, n);
	return q;
}

__attribute__((noinline)) char *last_resize(char *p)
{
	return realloc(p, 3000);
}

int main(void)
{
	char *p = realloc(NULL, 16);		/* as malloc */
	char *z = malloc(100);

	z = realloc(z, 0);			/* frees, returns NULL in glibc */
	free(z);
	for (size_t n = 32; n <= 4096; n *= 2)
		p = grow(p, n);
	p = grow(p, 64);			/* shrink */
	p = grow(p, 200000);			/* mmapped by malloc */
	p = last_resize(p);
	__asm__ volatile("" : : "r"(p));
	p = NULL;
	return 0;
}

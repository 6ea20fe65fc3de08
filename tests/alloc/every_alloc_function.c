/* Each allocation function leaks one block of its own, from its own line:
 * malloc, calloc, realloc, reallocarray, posix_memalign, aligned_alloc,
 * memalign, valloc, pvalloc, and libc functions that allocate through them
 * (strdup, strndup, asprintf, getline, open_memstream).  Fourteen definite
 * leaks.  Twin: every_alloc_function_freed_clean.c.
 * EXPECT: leak 14
 * EXPECT-JSON: all(f['leak_kind'] == 'definite' for f in F('leak'))
 * EXPECT-FUNC: leak use_malloc use_calloc use_realloc use_reallocarray use_posix_memalign
 * EXPECT-FUNC: leak use_aligned_alloc use_memalign use_valloc use_pvalloc
 * EXPECT-FUNC: leak use_strdup use_strndup use_asprintf use_getline use_memstream
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DROP(x)	__asm__ volatile("" : : "r"(x))

__attribute__((noinline)) void use_malloc(void) { DROP(malloc(11)); }
__attribute__((noinline)) void use_calloc(void) { DROP(calloc(3, 7)); }
__attribute__((noinline)) void use_realloc(void) { DROP(realloc(NULL, 13)); }
__attribute__((noinline)) void use_reallocarray(void) { DROP(reallocarray(NULL, 5, 3)); }
__attribute__((noinline)) void use_posix_memalign(void)
{
	void *p = NULL;

	if (posix_memalign(&p, 64, 17) == 0)
		DROP(p);
}
__attribute__((noinline)) void use_aligned_alloc(void) { DROP(aligned_alloc(128, 256)); }
__attribute__((noinline)) void use_memalign(void) { DROP(memalign(32, 19)); }
__attribute__((noinline)) void use_valloc(void) { DROP(valloc(23)); }
__attribute__((noinline)) void use_pvalloc(void) { DROP(pvalloc(29)); }
__attribute__((noinline)) void use_strdup(void) { DROP(strdup("leaked string")); }
__attribute__((noinline)) void use_strndup(void) { DROP(strndup("leaked string", 6)); }
__attribute__((noinline)) void use_asprintf(void)
{
	char *s;

	if (asprintf(&s, "%d bottles", 99) > 0)
		DROP(s);
}
__attribute__((noinline)) void use_getline(void)
{
	char *line = NULL;
	size_t n = 0;
	FILE *f = fmemopen("one line\n", 9, "r");

	if (f && getline(&line, &n, f) > 0)
		DROP(line);
	if (f)
		fclose(f);
}
__attribute__((noinline)) void use_memstream(void)
{
	char *buf;
	size_t n;
	FILE *f = open_memstream(&buf, &n);

	if (f) {
		fputs("in memory", f);
		fclose(f);
		DROP(buf);
	}
}

/* Overwrite what the calls above left below main's frame. */
__attribute__((noinline)) void scrub(void)
{
	volatile char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

int main(void)
{
	use_malloc();
	use_calloc();
	use_realloc();
	use_reallocarray();
	use_posix_memalign();
	use_aligned_alloc();
	use_memalign();
	use_valloc();
	use_pvalloc();
	use_strdup();
	use_strndup();
	use_asprintf();
	use_getline();
	use_memstream();
	scrub();
	return 0;
}

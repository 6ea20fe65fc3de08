/* Every allocation function of every_alloc_function.c, each block freed
 * (strdup'd, asprintf'd, getline's and open_memstream's buffers too), and
 * fopen/fclose, opendir/closedir: nothing leaked.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['leaks']['definite_blocks'] == 0
 */
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	void *p = NULL;
	char *s = NULL, *line = NULL, *buf = NULL;
	size_t n = 0;

	free(malloc(11));
	free(calloc(3, 7));
	free(realloc(NULL, 13));
	free(reallocarray(NULL, 5, 3));
	if (posix_memalign(&p, 64, 17) == 0)
		free(p);
	free(aligned_alloc(128, 256));
	free(memalign(32, 19));
	free(valloc(23));
	free(pvalloc(29));
	free(strdup("string"));
	free(strndup("string", 3));
	if (asprintf(&s, "%d", 42) > 0)
		free(s);
	FILE *f = fmemopen("one line\n", 9, "r");
	if (f && getline(&line, &n, f) > 0)
		free(line);
	if (f)
		fclose(f);
	f = open_memstream(&buf, &n);
	if (f) {
		fputs("x", f);
		fclose(f);
		free(buf);
	}
	f = fopen("/proc/self/status", "r");
	if (f)
		fclose(f);
	DIR *d = opendir("/");
	if (d)
		closedir(d);
	return 0;
}

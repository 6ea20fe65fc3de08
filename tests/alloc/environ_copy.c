/* A program that moves its environment to memory of its own, as
 * setproctitle implementations do (PostgreSQL's save_ps_display_args,
 * nginx, Redis): environ points at a malloc'd array of strdup'd strings
 * until exit.  glibc's __libc_freeres, which deadbolt runs at exit,
 * clears environ (clearenv); the array was still the program's
 * environment, reachable, not a leak.  A second array, dropped by the
 * program, is a leak all the same.
 * EXPECT: leak 1
 * EXPECT-JSON: F('leak')[0]['bytes'] == 24
 * EXPECT-JSON: j['processes'][0]['leaks']['definite_blocks'] == 1
 * EXPECT-JSON: j['processes'][0]['leaks']['indirect_blocks'] == 0
 * EXPECT-FUNC: leak dropped_copy
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static char **copy_environ(size_t *n)
{
	size_t k = 0;

	while (environ[k])
		k++;
	char **e = malloc((k + 1) * sizeof(*e));
	if (!e)
		exit(1);
	for (size_t i = 0; i < k; i++)
		e[i] = strdup(environ[i]);
	e[k] = NULL;
	*n = k;
	return e;
}

__attribute__((noinline)) static void *dropped_copy(void)
{
	return malloc(3 * sizeof(char *));
}

void *volatile sink;

int main(void)
{
	size_t n;

	environ = copy_environ(&n);
	if (!n || !getenv("PATH"))
		return 1;
	sink = dropped_copy();
	sink = NULL;
	return 0;
}

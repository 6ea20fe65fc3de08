/* Two leaks; a `leak:` line of a suppression file names the function of
 * one: only the other is reported.
 * RUN: printf '# known\nleak:known_garbage\n' > %t/supp
 * RUN: deadbolt run --suppressions %t/supp --json %json -- %prog
 * EXPECT: leak 1
 * EXPECT-FUNC: leak new_garbage
 * EXPECT-JSON: all(fr['function'] != 'known_garbage' for f in F('leak') for fr in f['stack'])
 */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void known_garbage(void)
{
	char *volatile p = malloc(10);

	memset(p, 1, 10);
}

__attribute__((noinline)) void new_garbage(void)
{
	char *volatile p = malloc(20);

	memset(p, 2, 20);
}

#include "../scrub.h"

int main(void)
{
	known_garbage();
	new_garbage();
	scrub();
	return 0;
}

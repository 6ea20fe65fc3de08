/* Helper of dlclose_lib_leak.c: keeps a block in its own data. */
#include <stdlib.h>
#include <string.h>

void *kept;		/* not static: the store must stay */

__attribute__((noinline)) void leaky_keep(unsigned n)
{
	kept = malloc(n);
	memset(kept, 5, n);
}

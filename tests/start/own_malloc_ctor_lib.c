/* own_malloc_trylock.c's library: its constructor allocates (with the
 * program's malloc) before the preloaded runtime's constructor runs. */
#include <stdlib.h>

int ctor_blocks;

__attribute__((constructor)) static void allocate_early(void)
{
	if (malloc(64))
		ctor_blocks++;
}

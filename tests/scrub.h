/* scrub.h - scrub() overwrites 4 KiB of stack below the caller's frame,
 * where functions it called earlier left copies of pointers: a leak test
 * calls it so that a block it dropped is not kept reachable by a stale
 * local.  Needs <stddef.h> (size_t). */
#include <stddef.h>

__attribute__((noinline)) void scrub(void)
{
	volatile char junk[4096];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

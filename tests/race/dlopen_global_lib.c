/* Helper of dlopen_global.c: a library with a global its callers race on. */
#include <time.h>

volatile long lib_counter;	/* not static: a named candidate of the library */

#include "now_ms.h"

/* Increments lib_counter, without a lock, for ms milliseconds. */
__attribute__((noinline)) void lib_bump(int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			lib_counter++;
}

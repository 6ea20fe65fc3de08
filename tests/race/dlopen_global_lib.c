/* Helper of dlopen_global.c: a library with a global its callers race on. */
#include <time.h>

volatile long lib_counter;	/* not static: a named candidate of the library */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Increments lib_counter, without a lock, for ms milliseconds. */
__attribute__((noinline)) void lib_bump(int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			lib_counter++;
}

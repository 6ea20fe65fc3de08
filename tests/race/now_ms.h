/* now_ms.h - CLOCK_MONOTONIC in milliseconds: the race tests run their
 * racy (or clean) loops for a time, not a count, whatever the machine's
 * speed. */
#ifndef NOW_MS_H
#define NOW_MS_H
#include <time.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
#endif

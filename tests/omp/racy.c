/* Two threads of an OpenMP team increment a global counter without a
 * lock, between barriers: a data race on `counter`, which the barriers
 * before and after the loop must not hide.  Twin: barrier_clean.c.
 * EXPECT: data-race 1
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <omp.h>

#include "../race/now_ms.h"

#define RACY_MS 500

long counter;

__attribute__((noinline)) void bump(void)
{
	counter++;
}

int main(void)
{
#pragma omp parallel num_threads(2)
	{
#pragma omp barrier
		long long end = now_ms() + RACY_MS;
		while (now_ms() < end)
			for (int i = 0; i < 1000; i++)
				bump();
#pragma omp barrier
	}
	return counter == 0;
}

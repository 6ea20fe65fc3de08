/* Sibling OpenMP tasks add to a global total without a lock or an atomic:
 * a data race on `total`, which the order deadbolt takes from tasks (a
 * task after its making, a task's end before taskwait) must not hide: two
 * tasks made by one thread and run by two are not ordered.
 * Twin: tasks_clean.c.
 * EXPECT: data-race >=1
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-FUNC: data-race add
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'total'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <omp.h>

#include "../race/now_ms.h"

#define RACY_MS 500

long total;

/* a millisecond of adds: long enough that the other thread of the team
 * takes the next task meanwhile, however the two are scheduled */
__attribute__((noinline)) void add(long v)
{
	long long end = now_ms() + 1;

	while (now_ms() <= end)
		for (int k = 0; k < 1000; k++)
			total += v;
}

int main(void)
{
	long long end = now_ms() + RACY_MS;

	omp_set_num_threads(2);
	while (now_ms() < end) {
#pragma omp parallel
#pragma omp single
		{
			for (long i = 0; i < 8; i++) {
#pragma omp task firstprivate(i)
				add(i);
			}
#pragma omp taskwait
		}
	}
	return total == 0;
}

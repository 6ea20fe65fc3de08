/* racy.h - the races of racy.c and tasks_racy.c (GCC's runtime), which
 * clang_lib.c builds for clang_racy.c and clang_tasks_racy.c (LLVM's):
 *   team_race(ms)  two threads of a team increment `counter` in bump(),
 *                  without a lock, between barriers;
 *   task_race(ms)  sibling tasks add to `total` in add(), each for a
 *                  millisecond (long enough that the other thread of the
 *                  team takes the next task meanwhile, however the two are
 *                  scheduled).
 * Each answers 0 if its global moved. */
#include <omp.h>

#include "../race/now_ms.h"

long counter, total;

__attribute__((noinline)) void bump(void)
{
	counter++;
}

long team_race(int ms)
{
#pragma omp parallel num_threads(2)
	{
#pragma omp barrier
		long long end = now_ms() + ms;
		while (now_ms() < end)
			for (int i = 0; i < 1000; i++)
				bump();
#pragma omp barrier
	}
	return counter == 0;
}

__attribute__((noinline)) void add(long v)
{
	long long end = now_ms() + 1;

	while (now_ms() <= end)
		for (int k = 0; k < 1000; k++)
			total += v;
}

long task_race(int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
#pragma omp parallel num_threads(2)
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

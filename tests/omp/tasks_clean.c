/* OpenMP tasks: one thread of a team fills a slot of a global table, then
 * makes a task that reads it and writes a result; any thread of the team
 * may run the task (libgomp's threads take queued tasks, at barriers too).
 * After `#pragma omp taskwait` the maker reads every result; after the
 * parallel region, so does the master.  Each pair is ordered: the task
 * after its making, its end before the taskwait, the region's end and the
 * next barrier.  Their firstprivate data (an int, a struct) is copied by
 * libgomp (no copy function).  No race.
 * EXPECT: clean
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <omp.h>

#include "../race/now_ms.h"

#define CLEAN_MS 400
#define SLOTS 16

long input[SLOTS], output[SLOTS];
long total, rounds;

struct pair {
	long a, b;
};

__attribute__((noinline)) static void work(int i, struct pair p)
{
	output[i] = input[i] * 2 + p.a + p.b;
}

int main(void)
{
	long long end = now_ms() + CLEAN_MS;

	omp_set_num_threads(2);
	while (now_ms() < end) {
#pragma omp parallel
		{
#pragma omp single
			{
				for (int i = 0; i < SLOTS; i++) {
					struct pair p = { i, rounds };
					input[i] = i + rounds;
#pragma omp task firstprivate(i, p)
					work(i, p);
				}
#pragma omp taskwait
				for (int i = 0; i < SLOTS; i++)
					total += output[i];
				for (int i = 0; i < SLOTS; i++) {
					input[i] = i;
#pragma omp task firstprivate(i)
					output[i] = input[i] + 1;
				}
			}
		}
		for (int i = 0; i < SLOTS; i++)
			total += output[i];
		rounds++;
	}
	return total > 0 ? 0 : 1;
}

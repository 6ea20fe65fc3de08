/* OpenMP (libgomp) orders a team's memory with futexes of its own, not
 * pthreads.  Two threads of a team work in phases separated by
 * `#pragma omp barrier`: in each phase a thread writes one row of a global
 * table, without a lock, and the rows swap owners every phase.  Between
 * phases they also bump counters under `#pragma omp critical`, a named
 * critical section, an omp lock and a nested omp lock, and after each
 * parallel region (its join) the master reads what both wrote; in the next
 * region (its fork) the other thread writes where the master wrote.  Every
 * pair of writes is ordered: no race.  libgomp's pool threads still run at
 * exit by design: no thread leak.
 * EXPECT: clean
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include "phases.h"

/* Long enough for each global to be sampled many times */
#define CLEAN_MS 300

int main(void)
{
	long bad = 0, phases_done = 0;

	omp_init_lock(&lock);
	omp_init_nest_lock(&nest);
	for (int round = 0; round < 3; round++) {
		handed = round;		/* before the fork */
#pragma omp parallel num_threads(2) reduction(+:bad)
		{
			int me = omp_get_thread_num();
			if (me == 1)
				handed++;	/* after the fork */
			bad += phases(me, now_ms() + CLEAN_MS / 3);
		}
		phases_done += handed;	/* after the join */
	}
	omp_destroy_nest_lock(&nest);
	omp_destroy_lock(&lock);
	return bad || in_critical != in_named || in_lock != in_named || in_nest != in_named ||
	       phases_done != 6;
}

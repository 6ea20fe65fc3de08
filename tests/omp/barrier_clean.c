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
#include <omp.h>

#include "../race/now_ms.h"

/* Long enough for each global to be sampled many times */
#define CLEAN_MS 300

long table[2][2];		/* row r, in phase k: thread (r + k) % 2's */
long go_on = 1;			/* thread 0 writes it; both read it next phase */
long in_critical, in_named, in_lock, in_nest;
long handed;			/* master before and after a region, thread 1 in it */

static omp_lock_t lock;
static omp_nest_lock_t nest;

__attribute__((noinline)) static long phases(int me, long long end)
{
	long bad = 0;

	for (long k = 0;; k++) {
		long *row = table[(me + k) % 2];

		/* last phase, the other thread wrote row[0] = k - 1 */
		bad += k > 0 && row[0] != k - 1;
		row[0] = row[1] = k;
#pragma omp critical
		in_critical++;
#pragma omp critical(named)
		in_named++;
		omp_set_lock(&lock);
		in_lock++;
		omp_unset_lock(&lock);
		omp_set_nest_lock(&nest);
		omp_set_nest_lock(&nest);
		in_nest++;
		omp_unset_nest_lock(&nest);
		omp_unset_nest_lock(&nest);
		if (me == 0)
			go_on = now_ms() < end;
#pragma omp barrier
		int cont = go_on;
		/* keeps thread 0's next write of go_on after thread 1's read */
#pragma omp barrier
		if (!cont)
			break;
	}
	return bad;
}

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

/* phases.h - the phases of barrier_clean.c (GCC) and clang_lib.c (clang):
 * two threads of a team, phases separated by `#pragma omp barrier`; in
 * each phase a thread writes one row of a global table, without a lock,
 * and the rows swap owners every phase; between phases they bump counters
 * under `#pragma omp critical`, a named critical section, an omp lock and
 * a nested omp lock.  Every pair of writes is ordered: no race. */
#include <omp.h>

#include "../race/now_ms.h"

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

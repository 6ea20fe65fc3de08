/* OpenMP's locks and named critical sections are locks to deadbolt: a
 * thread of a team takes omp lock A then B and critical section `first`
 * then `second`; after a barrier (so nothing hangs) the other thread takes
 * them in the opposite orders.  Two inversions, one per pair, each between
 * the functions that took them.
 * EXPECT: lock-order-inversion 2
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-FUNC: lock-order-inversion crit_12 crit_21
 * EXPECT-JSON: all(l['type'] == 'custom' for f in F('lock-order-inversion') for l in f['locks'])
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <omp.h>

static omp_lock_t a, b;
long shared;

__attribute__((noinline)) static void take_ab(void)
{
	omp_set_lock(&a);
	omp_set_lock(&b);
	shared++;
	omp_unset_lock(&b);
	omp_unset_lock(&a);
}

__attribute__((noinline)) static void take_ba(void)
{
	omp_set_lock(&b);
	omp_set_lock(&a);
	shared++;
	omp_unset_lock(&a);
	omp_unset_lock(&b);
}

__attribute__((noinline)) static void crit_12(void)
{
#pragma omp critical(first)
	{
#pragma omp critical(second)
		shared++;
	}
}

__attribute__((noinline)) static void crit_21(void)
{
#pragma omp critical(second)
	{
#pragma omp critical(first)
		shared++;
	}
}

int main(void)
{
	omp_init_lock(&a);
	omp_init_lock(&b);
#pragma omp parallel num_threads(2)
	{
		if (omp_get_thread_num() == 0) {
			take_ab();
			crit_12();
		}
#pragma omp barrier
		if (omp_get_thread_num() == 1) {
			take_ba();
			crit_21();
		}
	}
	omp_destroy_lock(&b);
	omp_destroy_lock(&a);
	return shared != 4;
}

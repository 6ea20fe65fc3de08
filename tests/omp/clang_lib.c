/* clang_lib.c - OpenMP code built by clang, so run by LLVM's runtime
 * (libomp, the __kmpc_ entry points), for clang_clean.c and clang_racy.c.
 *
 * omp_clean(ms): the phases of barrier_clean.c (phases.h), then a
 * reduction, an ordered loop, a single block handing its value over with
 * copyprivate, and a region that captures 20 variables (more than the
 * runtime calls outlined functions with by itself); the master reads what
 * the team wrote after each region.  Nothing races.
 * team_race(ms), task_race(ms): racy.h's races, for clang_racy.c and
 * clang_tasks_racy.c.
 * omp_tasks(ms): tasks, for clang_tasks_clean.c; omp_target(rounds): target
 * tasks, for clang_target_clean.c.
 */
#include "phases.h"
#include "racy.h"

long omp_clean(int ms)
{
	long bad = 0, sum = 0, seq = 0, handed_total = 0;
	long v0 = 0, v1 = 1, v2 = 2, v3 = 3, v4 = 4, v5 = 5, v6 = 6, v7 = 7, v8 = 8, v9 = 9;
	long w0 = 0, w1 = 1, w2 = 2, w3 = 3, w4 = 4, w5 = 5, w6 = 6, w7 = 7, w8 = 8, w9 = 9;

	omp_init_lock(&lock);
	omp_init_nest_lock(&nest);
	for (int round = 0; round < 2; round++) {
		handed = round;
#pragma omp parallel num_threads(2) reduction(+:bad)
		{
			if (omp_get_thread_num() == 1)
				handed++;
			bad += phases(omp_get_thread_num(), now_ms() + ms / 2);
		}
		handed_total += handed;
	}
#pragma omp parallel for num_threads(2) reduction(+:sum)
	for (int i = 0; i < 1000; i++)
		sum += i;
#pragma omp parallel for num_threads(2) ordered schedule(dynamic)
	for (int i = 0; i < 100; i++) {
#pragma omp ordered
		seq = seq * 3 + i;
	}
	long given = 0;
#pragma omp parallel num_threads(2)
	{
		long mine = 0;
#pragma omp single copyprivate(mine)
		mine = 42;
#pragma omp atomic
		given += mine;
	}
	/* 20 captured variables, written by both threads in turn */
#pragma omp parallel num_threads(2)
	{
		for (int k = 0; k < 2; k++) {
			if (omp_get_thread_num() == k) {
				v0++; v1++; v2++; v3++; v4++; v5++; v6++; v7++; v8++; v9++;
				w0++; w1++; w2++; w3++; w4++; w5++; w6++; w7++; w8++; w9++;
			}
#pragma omp barrier
		}
	}
	omp_destroy_nest_lock(&nest);
	omp_destroy_lock(&lock);
	long vs = v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + w0 + w1 + w2 + w3 + w4 + w5 +
		  w6 + w7 + w8 + w9;
	return bad || sum != 499500 || seq == 0 || given != 84 || handed_total != 3 ||
	       in_critical != in_named || in_lock != in_named || in_nest != in_named || vs != 130;
}

/* tasks_clean.c's tasks (see there), then a taskloop and tasks with
 * dependences, under libomp */
long t_input[16], t_output[16], t_total;

__attribute__((noinline)) static void t_work(int i, long a)
{
	t_output[i] = t_input[i] * 2 + a;
}

long omp_tasks(int ms)
{
	long long end = now_ms() + ms;
	long rounds = 0, chain = 0;

	while (now_ms() < end) {
#pragma omp parallel num_threads(2)
#pragma omp single
		{
			for (int i = 0; i < 16; i++) {
				t_input[i] = i + rounds;
#pragma omp task firstprivate(i)
				t_work(i, rounds);
			}
#pragma omp taskwait
			for (int i = 0; i < 16; i++)
				t_total += t_output[i];
#pragma omp taskloop grainsize(2)
			for (int i = 0; i < 16; i++)
				t_output[i] = t_input[i] + 1;
			for (int i = 0; i < 16; i++)
				t_total += t_output[i];
#pragma omp task depend(out: chain)
			chain = rounds;
#pragma omp task depend(inout: chain)
			chain += 1;
#pragma omp taskwait
			t_total += chain;
		}
		for (int i = 0; i < 16; i++)
			t_total += t_output[i];
		rounds++;
	}
	return t_total > 0 ? 0 : 1;
}

/* target tasks (`target nowait`, run on the host here by libomp's hidden
 * helper threads): the maker's writes before, its reads after taskwait */
long omp_target(int rounds)
{
	long x = 0, bad = 0;

#pragma omp parallel num_threads(2)
#pragma omp single
	for (int r = 0; r < rounds; r++) {
		long before = x;
#pragma omp target nowait map(tofrom: x)
		x += 1;
#pragma omp taskwait
		bad += x != before + 1;
	}
	return bad || x != rounds;
}

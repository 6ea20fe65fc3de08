/* OpenMP tasks under LLVM's runtime (clang -fopenmp): tasks that read
 * what their maker wrote before making them, a taskwait before the maker
 * reads their results, a taskloop, two tasks ordered by a dependence, and
 * the master reading the results after the region.  No race.
 * (The OpenMP code is clang_lib.c, built by clang into a library.)
 * EXPECT: clean
 * BUILD: clang -shared -fPIC -g -O1 -fopenmp -Wall -Wextra -Werror -o %B/libclangomp.so %S/clang_lib.c
 * LDFLAGS: -L%B -lclangomp -Wl,-rpath,%B
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
long omp_tasks(int ms);

int main(void)
{
	return omp_tasks(400) != 0;
}

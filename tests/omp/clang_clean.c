/* OpenMP built by clang runs on LLVM's runtime (libomp), whose __kmpc_
 * entry points deadbolt follows as it does GCC's: regions (one that
 * captures 20 variables too), barriers, critical sections, omp locks,
 * reductions, ordered loops and copyprivate order what they should, and
 * libomp's pool threads are no leak.  No race, no finding.
 * (The OpenMP code is clang_lib.c, built by clang into a library.)
 * EXPECT: clean
 * BUILD: clang -shared -fPIC -g -O1 -fopenmp -Wall -Wextra -Werror -o %B/libclangomp.so %S/clang_lib.c
 * LDFLAGS: -L%B -lclangomp -Wl,-rpath,%B
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
long omp_clean(int ms);

int main(void)
{
	return omp_clean(300) != 0;
}

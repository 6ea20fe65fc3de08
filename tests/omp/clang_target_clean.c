/* `target nowait` under LLVM's runtime, offloaded to the host: libomp runs
 * each target task on a hidden helper thread of its own.  The maker writes
 * the variable before the task and reads it after taskwait: no race, and
 * the hidden helpers are a pool, no thread leak.  (libomp keeps a few
 * blocks of its own unreachable at exit now and then: suppressed.)
 * EXPECT: clean
 * RUN: deadbolt run --suppressions %S/libomp.supp --json %json -- %prog
 * BUILD: clang -shared -fPIC -g -O1 -fopenmp -fopenmp-targets=x86_64-pc-linux-gnu -Wall -Wextra -Werror -o %B/libclangomp.so %S/clang_lib.c
 * LDFLAGS: -L%B -lclangomp -Wl,-rpath,%B
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
long omp_target(int rounds);

int main(void)
{
	return omp_target(300) != 0;
}

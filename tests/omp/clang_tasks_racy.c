/* Sibling OpenMP tasks under LLVM's runtime add to a global without a lock
 * or an atomic: a data race on `total`, which the order deadbolt takes
 * from tasks must not hide.  Twin: clang_tasks_clean.c.
 * EXPECT: data-race >=1
 * BUILD: clang -shared -fPIC -g -O1 -fopenmp -Wall -Wextra -Werror -o %B/libclangomp.so %S/clang_lib.c
 * LDFLAGS: -L%B -lclangomp -Wl,-rpath,%B
 * EXPECT-FUNC: data-race add
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'total'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
long task_race(int ms);

int main(void)
{
	return task_race(500) != 0;
}

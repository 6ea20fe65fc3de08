/* Two threads of a team of LLVM's OpenMP runtime (clang -fopenmp)
 * increment a global without a lock between barriers: a data race on
 * `counter`, which the barriers must not hide.  Twin: clang_clean.c.
 * EXPECT: data-race >=1
 * BUILD: clang -shared -fPIC -g -O1 -fopenmp -Wall -Wextra -Werror -o %B/libclangomp.so %S/clang_lib.c
 * LDFLAGS: -L%B -lclangomp -Wl,-rpath,%B
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
long team_race(int ms);

int main(void)
{
	return team_race(500) != 0;
}

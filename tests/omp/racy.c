/* Two threads of an OpenMP team increment a global counter without a
 * lock, between barriers: a data race on `counter`, which the barriers
 * before and after the loop must not hide.  Twin: barrier_clean.c.
 * EXPECT: data-race 1
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'counter'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include "racy.h"

int main(void)
{
	return (int)team_race(500);
}

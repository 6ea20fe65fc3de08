/* Sibling OpenMP tasks add to a global total without a lock or an atomic:
 * a data race on `total`, which the order deadbolt takes from tasks (a
 * task after its making, a task's end before taskwait) must not hide: two
 * tasks made by one thread and run by two are not ordered.
 * Twin: tasks_clean.c.
 * EXPECT: data-race >=1
 * CFLAGS: -fopenmp
 * LDFLAGS: -fopenmp
 * EXPECT-FUNC: data-race add
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'total'
 * EXPECT-JSON: len({a['thread'] for a in F('data-race')[0]['accesses']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include "racy.h"

int main(void)
{
	return (int)task_race(500);
}

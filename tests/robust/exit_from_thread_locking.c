/* exit(3) called from a thread other than main (main waits in
 * pthread_join) while two detached threads keep taking A then B and
 * allocating.  The exit handlers, the runtime's end-of-process work and the
 * stdio flush run while the other threads are still inside lock and malloc
 * shims; nothing may crash or hang, the buffered "bye" reaches stdout, the
 * status is 3.  Clean: one lock order, no block unreachable (the workers'
 * blocks are in their frames), the running threads are detached, the one
 * that exits is being joined.
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = bye ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 3
 * EXPECT-JSON: j['processes'][0]['exit'] == 3 and j['processes'][0]['signal'] is None
 */
#include <stdio.h>

#include "ab_workers.h"

static void *quitter(void *arg)
{
	ab_workers_warm();
	printf("bye\n");	/* flushed by exit */
	exit(3);
	return arg;
}

int main(void)
{
	pthread_t t;

	ab_workers_start();
	pthread_create(&t, NULL, quitter, NULL);
	pthread_join(t, NULL);
	return 0;
}

/* exit() called by a second thread while main waits in pthread_join: the
 * leak check runs on that thread, stops main, finds main's block through
 * main's stack (reachable) and reports the block the thread dropped.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak thread_drops
 * EXPECT-JSON: F('leak')[0]['thread'] == 1 and F('leak')[0]['bytes'] == 99
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void thread_drops(void)
{
	char *volatile p = malloc(99);

	memset(p, 9, 99);
}

#include "../scrub.h"

static void *ender(void *arg)
{
	(void)arg;
	thread_drops();
	scrub();
	exit(0);
}

int main(void)
{
	char *volatile mine = malloc(55);	/* on main's stack while it waits */
	pthread_t t;

	memset(mine, 1, 55);
	pthread_create(&t, NULL, ender, NULL);
	pthread_join(t, NULL);
	return 1;
}

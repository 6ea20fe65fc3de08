/* A thread other than main ends the process with exit(4) while main is
 * blocked in pthread_join, after two threads formed the A/B inversion.  The
 * runtime handles exit() from any thread: the finding is kept, run exits 66
 * and the report records the program's own status 4.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: j['processes'][0]['exit'] == 4 and j['processes'][0]['signal'] is None
 */
#include <stdlib.h>
#include <pthread.h>

#include "../ab_ba.h"

static void *exit_now(void *arg)
{
	exit(4);
	return arg;
}

int main(void)
{
	pthread_t t;

	run(take_ab);
	run(take_ba);
	pthread_create(&t, NULL, exit_now, NULL);
	pthread_join(t, NULL);
	return 0;
}

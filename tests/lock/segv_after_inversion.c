/* Two threads form the A/B inversion (joined in between), then the program
 * raises SIGSEGV.  The log was written as things happened, so the finding
 * survives the crash; `deadbolt run` reports it (exit 66) and reports the
 * signal instead of hiding it.  Core dumps are disabled.
 * EXPECT: lock-order-inversion 1
 * EXPECT-EXIT: 66
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: j['processes'][0]['signal'] == 11
 * EXPECT-JSON: j['processes'][0]['exit'] is None
 */
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

/* initialised again in main: created at an init site */
#include "../ab_ba.h"

int main(void)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	run(take_ba);
	raise(SIGSEGV);
	return 0;
}

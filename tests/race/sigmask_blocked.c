/* Worker threads that block every signal, as servers often do to leave
 * signals to one thread: one with pthread_sigmask(SIG_BLOCK), the other
 * with sigprocmask(SIG_SETMASK) (the same call in glibc).  A SIGTRAP
 * blocked at one of deadbolt's breakpoints would kill the program (the
 * kernel forces a blocked trap to its default action), and one from a
 * watchpoint would come late, without the accessing instruction: deadbolt
 * keeps SIGTRAP deliverable, the program runs on, and the race the two
 * workers run on a global counter is still found.
 * Twin: global_counter.c (the same race, signals not blocked).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump_masked bump_procmask
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

volatile long counter;

#include "now_ms.h"

static void race(void)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
}

__attribute__((noinline)) void *bump_masked(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	if (pthread_sigmask(SIG_BLOCK, &all, NULL) != 0)
		return (void *)1;
	race();
	return arg;
}

__attribute__((noinline)) void *bump_procmask(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, NULL) != 0)
		return (void *)1;
	race();
	return arg;
}

int main(void)
{
	pthread_t a, b;
	void *ra, *rb;

	if (pthread_create(&a, NULL, bump_masked, NULL) != 0 ||
	    pthread_create(&b, NULL, bump_procmask, NULL) != 0)
		return 2;
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	return ra == NULL && rb == NULL && counter > 0 ? 0 : 3;
}

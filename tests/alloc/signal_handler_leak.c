/* A block allocated (and dropped) inside a signal handler: its stack runs
 * through the kernel's signal frame into the code the signal interrupted.
 * deadbolt's own unwinder does not walk signal frames and must hand such a
 * stack to libunwind whole, not cut it at the handler: the leak's stack
 * names the handler, then interrupted() and main.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak on_signal interrupted main
 * EXPECT-JSON: F('leak')[0]['bytes'] == 40 and F('leak')[0]['blocks'] == 1
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void on_signal(int sig)
{
	char *volatile p = malloc(40);

	memset(p, sig, 40);
}

__attribute__((noinline)) void interrupted(void)
{
	raise(SIGUSR1);
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

#include "../scrub.h"

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	interrupted();
	scrub();
	return 0;
}

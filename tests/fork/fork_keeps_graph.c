/* The parent takes A then B, then forks; the child takes B then A and exits;
 * the parent waits.  The child inherits the parent's memory, locks and lock
 * order: its B -> A inverts the parent's A -> B just as if a thread had done
 * it.  Reported in the child (its pid), with the parent's edge in the cycle.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: [p['ppid'] for p in j['processes'] if p['pid'] == F('lock-order-inversion')[0]['pid']] == [p['pid'] for p in j['processes'] if p['pid'] != F('lock-order-inversion')[0]['pid']]
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ab_ba.h"

/* the child's order (fork_consistent_clean.c: the parent's) */
#ifndef CHILD_TAKES
#define CHILD_TAKES take_ba
#endif

int main(void)
{
	int status;

	run(take_ab);
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		run(CHILD_TAKES);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 3;
	return 0;
}

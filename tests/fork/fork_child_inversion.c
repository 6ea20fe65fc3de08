/* The parent forks; only the child forms the A/B inversion, with two threads
 * (joined in between), and exits; the parent waits for it and takes no
 * lock.  The child has its own log: the finding belongs to the child's pid,
 * a process whose parent was traced too.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: [p['ppid'] for p in j['processes'] if p['pid'] == F('lock-order-inversion')[0]['pid']] == [p['pid'] for p in j['processes'] if p['pid'] != F('lock-order-inversion')[0]['pid']]
 * EXPECT-JSON: all(p['exit'] == 0 for p in j['processes'])
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ab_ba.h"

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 2;
	if (pid == 0) {
		run(take_ab);
		run(take_ba);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 3;
	return 0;
}

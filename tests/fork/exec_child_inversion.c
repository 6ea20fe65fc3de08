/* The program forks, and the child execs the program itself
 * (/proc/self/exe) with the argument "child"; that new image forms the A/B
 * inversion with two threads (joined in between).  The exec'd image is
 * traced too (the preload survives exec) and the finding belongs to it.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: ['child'] in [p['argv'][1:] for p in j['processes'] if p['pid'] == F('lock-order-inversion')[0]['pid']]
 * EXPECT-JSON: len({p['pid'] for p in j['processes']}) == 2
 */
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ab_ba.h"

int main(int argc, char **argv)
{
	int status;

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		run(take_ab);
		run(take_ba);
		return 0;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 3;
	return 0;
}

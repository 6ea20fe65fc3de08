/* The program starts itself again with posix_spawn (glibc: a vfork-like
 * clone, no fork handlers, then exec) and the argument "child"; the new
 * image forms the A/B inversion with two threads (joined in between).  The
 * spawned image is traced (the preload is in the inherited environment) and
 * the finding belongs to it.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: ['child'] in [p['argv'][1:] for p in j['processes'] if p['pid'] == F('lock-order-inversion')[0]['pid']]
 * EXPECT-JSON: len({p['pid'] for p in j['processes']}) == 2
 */
#include <pthread.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#include "../ab_ba.h"

int main(int argc, char **argv)
{
	char *child_argv[] = { argv[0], "child", NULL };
	int status;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		run(take_ab);
		run(take_ba);
		return 0;
	}
	if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv,
			environ) != 0)
		return 2;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 3;
	return 0;
}

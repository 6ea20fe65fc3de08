/* The parent leaks a block (before the fork) and forks; the child leaks a
 * block of its own and exits.  Each leak is reported once, for the process
 * that leaked it: the parent's by the parent only (the child inherited it
 * but does not report it again), the child's by the child.
 * EXPECT: leak 2
 * EXPECT-FUNC: leak parent_leak child_leak
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: all(len(f['pids']) == 1 for f in F('leak'))
 * EXPECT-JSON: {f['stack'][0]['function']: [p['ppid'] == f['pid'] for p in j['processes']].count(True) for f in F('leak')} == {'parent_leak': 1, 'child_leak': 0}
 * EXPECT-JSON: all(p['exit'] == 0 for p in j['processes'])
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) void parent_leak(void)
{
	char *volatile p = malloc(77);

	memset(p, 1, 77);
}

__attribute__((noinline)) void child_leak(void)
{
	char *volatile p = malloc(33);

	memset(p, 2, 33);
}

#include "../scrub.h"

int main(void)
{
	int status;

	parent_leak();
	scrub();
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		child_leak();
		scrub();
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 3;
	return WEXITSTATUS(status);
}

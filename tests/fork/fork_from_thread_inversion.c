/* A worker thread (not main) forks while main waits in pthread_join.  The
 * child starts with that one thread only; there it creates two threads that
 * form the A/B inversion (joined in between) and exits.  The runtime's
 * per-thread state must follow the forking thread into the child: the
 * inversion is reported for the child's pid.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: [p['ppid'] for p in j['processes'] if p['pid'] == F('lock-order-inversion')[0]['pid']] == [p['pid'] for p in j['processes'] if p['pid'] != F('lock-order-inversion')[0]['pid']]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../ab_ba.h"

static void *forker(void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return (void *)2;
	if (pid == 0) {
		run(take_ab);
		run(take_ba);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return (void *)3;
	return arg;
}

int main(void)
{
	pthread_t t;
	void *ret;

	pthread_create(&t, NULL, forker, NULL);
	pthread_join(t, &ret);
	return (int)(uintptr_t)ret;
}

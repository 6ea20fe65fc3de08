/* The parent forks three children one after the other; each forms the
 * same A/B inversion (same locks, same code) and exits, the parent waits
 * for each and locks nothing.  The report shows one finding, not three,
 * listing the three children's pids.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len(j['processes']) == 4
 * EXPECT-JSON: sorted(F('lock-order-inversion')[0]['pids']) == sorted(p['pid'] for p in j['processes'] if p['ppid'] in {q['pid'] for q in j['processes']})
 */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	for (int i = 0; i < 3; i++) {
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
	}
	return 0;
}

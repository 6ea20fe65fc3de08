/* While two threads race on a global counter, the main thread vforks and
 * the child calls _exit at once.  A vfork child shares the parent's
 * memory until it exits: deadbolt's exit path, run in the child, must not
 * stop the parent's sampling, nor write an exit record into the parent's
 * log.  The parent's race is still found, and its one process exits 0.
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: len(j['processes']) == 1 and j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['windows'] >= 10
 */
#include <pthread.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "racy_counter.h"

int main(void)
{
	pthread_t t[2];
	int st;

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 2;
	pid_t p = vfork();
	if (p == 0)
		_exit(7);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
		return 3;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return counter > 0 ? 0 : 4;
}

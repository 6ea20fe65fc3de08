/* Two threads race on a global counter; while they run, the main thread
 * forks.  The child (one thread: fork copies only the caller) starts two
 * threads of its own that race on its copy of the counter, joins them and
 * exits; the parent waits for it and joins its own threads.  Both
 * processes' races are found: the parent's in bump, the child's in
 * child_bump, each finding naming `counter`, the two processes' pids
 * between them.
 * EXPECT: data-race >=1
 * EXPECT-FUNC: data-race bump child_bump
 * EXPECT-JSON: len(j['processes']) == 2 and all(p['exit'] == 0 for p in j['processes'])
 * EXPECT-JSON: all(f['symbol'] == 'counter' for f in F('data-race'))
 * EXPECT-JSON: {p for f in F('data-race') for p in f.get('pids', [f['pid']])} == {p['pid'] for p in j['processes']}
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500

static pthread_barrier_t started;	/* the parent's 2 threads and main */
volatile long counter;

#include "now_ms.h"

__attribute__((noinline)) void *bump(void *arg)
{
	pthread_barrier_wait(&started);
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

__attribute__((noinline)) void *child_bump(void *arg)
{
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

static int run_child(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, child_bump, NULL) != 0)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int main(void)
{
	pthread_t t[2];
	int status;

	if (pthread_barrier_init(&started, NULL, 3) != 0)
		return 2;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 3;
	pthread_barrier_wait(&started);		/* the threads are racing */
	pid_t pid = fork();

	if (pid < 0)
		return 4;
	if (pid == 0)
		exit(run_child());
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 5;
	pthread_barrier_destroy(&started);
	return 0;
}

/* Twin of fork_keeps_graph.c: the parent takes A then B, forks, and the
 * child takes A then B again.  The child inherits the parent's order and
 * agrees with it: clean in both processes.
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 2
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(void)
{
	int status;

	run(take_ab);
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		run(take_ab);
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 3;
	return 0;
}

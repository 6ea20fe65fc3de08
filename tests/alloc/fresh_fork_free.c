/* A forked child keeps only the thread that forked; blocks other threads
 * allocated last are still in their caches when fork() copies them.  Here
 * a thread makes four blocks and waits, while main forks: the child frees
 * all four (an unknown or double free would be reported as a misuse, and
 * glibc's own check would abort the child) and exits; then the parent
 * frees them too, in its own copy.  Nothing leaks in either process.
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: all(p['exit'] == 0 for p in j['processes'])
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static char *blocks[4];
static int state;		/* 1: blocks made; 2: the thread may end */

static void *maker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++) {
		blocks[i] = malloc(24 + 8 * i);
		memset(blocks[i], i, 24 + 8 * i);
	}
	pthread_mutex_lock(&mu);
	state = 1;
	pthread_cond_broadcast(&cv);
	while (state != 2)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(void)
{
	pthread_t t;
	int status;

	pthread_create(&t, NULL, maker, NULL);
	pthread_mutex_lock(&mu);
	while (state != 1)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++)
			free(blocks[i]);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return 1;
	pthread_mutex_lock(&mu);
	state = 2;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);
	for (int i = 0; i < 4; i++)
		free(blocks[i]);
	return 0;
}

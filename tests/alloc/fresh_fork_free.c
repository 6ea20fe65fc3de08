/* A forked child keeps only the thread that forked; blocks other threads
 * allocated last are still in their caches when fork() copies them.  Here
 * a thread makes four blocks and waits, while main forks: the child frees
 * all four, then one of them again.  Each first free must be found (a
 * free taken for an unknown block would be a misuse), and so remembered:
 * the second free is the one misuse, reported in the child and not passed
 * on (glibc would abort the child).  The parent then frees the four in its
 * own copy.  Nothing leaks in either process.
 * EXPECT: misuse 1
 * EXPECT-FUNC: misuse free_again
 * EXPECT-JSON: len(j['processes']) == 2
 * EXPECT-JSON: all(p['exit'] == 0 for p in j['processes'])
 * EXPECT-JSON: [p['ppid'] == F('misuse')[0]['pid'] for p in j['processes']].count(True) == 0
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

static __attribute__((noinline)) void free_again(char *p)
{
	char *volatile q = p;

	free(q);
}

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
		free_again(blocks[2]);
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

/* vfork() then execv() of the program itself, 20 times, while two threads
 * keep taking A then B and allocating in the parent.  The vfork child runs
 * on the parent's memory until exec and must not touch the runtime's state;
 * each exec'd image (traced: LD_PRELOAD is inherited) takes A then B from
 * two threads, allocates, frees and exits 0.  The parent checks every
 * status.  Clean: one lock order in every image, every block freed, every
 * thread joined; 21 processes in the report.
 * TIMEOUT: 60
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 21
 * EXPECT-JSON: all(p['exit'] == 0 for p in j['processes'])
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

#define CHILDREN 20

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop;

static void work(int n)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	alloc_free(32 + n % 256);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

static void *worker(void *arg)
{
	int n = 0;

	while (!atomic_load(&stop))
		work(n++);
	return arg;
}

static void *bounded(void *arg)
{
	for (int n = 0; n < 1000; n++)
		work(n);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	static int bad;	/* static: vfork may clobber locals */

	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		for (int i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, bounded, NULL);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	for (int k = 0; k < CHILDREN; k++) {
		char *child_argv[] = { argv[0], "child", NULL };
		int status;
		pid_t pid = vfork();

		if (pid == 0) {
			execv("/proc/self/exe", child_argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (bad) {
		fprintf(stderr, "%d children failed\n", bad);
		return 1;
	}
	printf("%d children ok\n", CHILDREN);
	return 0;
}

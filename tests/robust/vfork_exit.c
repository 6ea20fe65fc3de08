/* vfork() children that end with _exit(7) without exec, while a thread
 * keeps taking A then B in the parent.  A vfork child runs on the parent's
 * memory and descriptors' files: whatever the runtime does in its _exit shim
 * there must not count as the parent's end nor damage the parent's state.
 * The parent sees status 7 from each child and then returns 0 itself: the
 * report shows one process (the children never ran a program of their own)
 * whose exit status is 0, and no finding.
 * TIMEOUT: 30
 * EXPECT: clean
 * EXPECT-JSON: [p['exit'] for p in j['processes'] if p['pid'] == min(q['pid'] for q in j['processes'])] == [0]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

static void *worker(void *arg)
{
	int n = 0;

	while (!atomic_load(&stop)) {
		pthread_mutex_lock(&a);
		pthread_mutex_lock(&b);
		alloc_free(32 + n++ % 256);
		pthread_mutex_unlock(&b);
		pthread_mutex_unlock(&a);
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	static int bad;	/* static: vfork may clobber locals */

	pthread_create(&t, NULL, worker, NULL);
	for (int k = 0; k < CHILDREN; k++) {
		int status;
		pid_t pid = vfork();

		if (pid == 0)
			_exit(7);
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 7)
			bad++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	if (bad) {
		fprintf(stderr, "%d children failed\n", bad);
		return 1;
	}
	printf("%d children ok\n", CHILDREN);
	return 0;
}

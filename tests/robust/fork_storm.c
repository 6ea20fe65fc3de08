/* A storm of forks from a non-main thread while two other threads keep
 * taking A then B and allocating.  The program makes its locks fork-safe the
 * standard way: pthread_atfork handlers take A then B before fork and
 * release them in parent and child, so no lock is held by a vanished thread
 * in a child.  Each child takes A then B, allocates and frees, starts and
 * joins a thread that does the same, and exits with a status computed from
 * what it did; the parent checks every status.  The runtime's own atfork
 * handlers run around the program's; its per-thread state follows the
 * forking thread into the child (the child's unlock in the atfork handler is
 * by the owner), every child opens its own log.
 * Clean: one lock order everywhere, every block freed, every thread joined.
 * TIMEOUT: 60
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 1 + 40
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FORKS 40
#define WORKERS 2

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static long shared;		/* guarded by a and b */
static atomic_int stop;

static void prepare(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
}

static void release(void)
{
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

/* One unit of work: A then B, a block allocated and freed inside. */
static int work(int n)
{
	int r = 0;

	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	char *p = malloc(64 + n % 512);
	if (p) {
		memset(p, n, 64);
		r = p[63] == (char)n;
		free(p);
	}
	shared++;
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return r;
}

static void *child_thread(void *arg __attribute__((unused)))
{
	long ok = 0;

	for (int i = 0; i < 100; i++)
		ok += work(i);
	return (void *)ok;
}

static void child(int k)
{
	pthread_t t;
	void *ret;
	long ok = 0;

	for (int i = 0; i < 100; i++)
		ok += work(i + k);
	if (pthread_create(&t, NULL, child_thread, NULL) != 0)
		exit(2);
	pthread_join(t, &ret);
	ok += (long)ret;
	exit(ok == 200 ? 0 : 1);
}

static void *worker(void *arg __attribute__((unused)))
{
	long n = 0;

	while (!atomic_load(&stop))
		n += work((int)n);
	return (void *)n;
}

static void *forker(void *arg __attribute__((unused)))
{
	long bad = 0;

	for (int k = 0; k < FORKS; k++) {
		pid_t pid = fork();
		int status;

		if (pid == 0)
			child(k);
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t w[WORKERS], f;
	void *bad;

	pthread_atfork(prepare, release, release);
	for (int i = 0; i < WORKERS; i++)
		pthread_create(&w[i], NULL, worker, NULL);
	pthread_create(&f, NULL, forker, NULL);
	pthread_join(f, &bad);
	atomic_store(&stop, 1);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(w[i], NULL);
	if (bad) {
		fprintf(stderr, "%ld children failed\n", (long)bad);
		return 1;
	}
	printf("%d children ok\n", FORKS);
	return 0;
}

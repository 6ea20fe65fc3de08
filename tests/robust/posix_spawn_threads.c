/* Two threads each posix_spawn the program itself ten times at the same
 * time (glibc: a vfork-like clone on the parent's memory, then exec), while
 * a third thread keeps taking A then B and allocating.  Each spawned image
 * (traced: LD_PRELOAD is inherited) takes A then B from a thread and exits
 * with a status derived from its argument; the parent checks every status.
 * Clean: one lock order everywhere, every block freed, every thread joined.
 * TIMEOUT: 60
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 21
 */
#include <pthread.h>
#include <spawn.h>
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

#define PER_THREAD 10

extern char **environ;

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop;
static char *self;

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
	for (int n = 0; n < 500; n++)
		work(n);
	return arg;
}

static void *spawner(void *arg)
{
	long base = (long)arg, bad = 0;

	for (long k = base; k < base + PER_THREAD; k++) {
		char num[16];
		char *argv[] = { self, "child", num, NULL };
		int status;
		pid_t pid;

		snprintf(num, sizeof(num), "%ld", k);
		if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) != 0 ||
		    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != k + 1)
			bad++;
	}
	return (void *)bad;
}

int main(int argc, char **argv)
{
	pthread_t w, s[2];
	long bad = 0;

	if (argc > 2 && strcmp(argv[1], "child") == 0) {
		pthread_create(&w, NULL, bounded, NULL);
		work(0);
		pthread_join(w, NULL);
		return atoi(argv[2]) + 1;
	}
	self = argv[0];
	pthread_create(&w, NULL, worker, NULL);
	for (long i = 0; i < 2; i++)
		pthread_create(&s[i], NULL, spawner, (void *)(i * PER_THREAD));
	for (int i = 0; i < 2; i++) {
		void *r;

		pthread_join(s[i], &r);
		bad += (long)r;
	}
	atomic_store(&stop, 1);
	pthread_join(w, NULL);
	if (bad) {
		fprintf(stderr, "%ld children failed\n", bad);
		return 1;
	}
	printf("%d children ok\n", 2 * PER_THREAD);
	return 0;
}

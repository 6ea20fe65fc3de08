/* system() from the main thread, ten times, while a thread keeps taking A
 * then B and allocating.  Each command is a small shell pipeline (sh, rev,
 * wc: traced too, LD_PRELOAD is inherited) writing to the program's stdout;
 * one more command's exit status (3) must come back through system().  Under
 * `deadbolt run` stdout is byte-identical to a native run, and nothing is
 * reported (one lock order, every block freed, every thread joined).
 * TIMEOUT: 60
 * RUN: %prog > %t/native.out
 * RUN: deadbolt run --json %json -- %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

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
	int r;

	pthread_create(&t, NULL, worker, NULL);
	for (int i = 0; i < 10; i++) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd),
			 "printf 'line %d of ten\\n' | rev; echo %d | wc -c", i, i * 1000);
		fflush(stdout);
		if (system(cmd) != 0)
			return 1;
	}
	r = system("exit 3");
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	if (!WIFEXITED(r) || WEXITSTATUS(r) != 3)
		return 2;
	printf("done\n");
	return 0;
}

/* The program lowers RLIMIT_NOFILE (soft and hard) to 16 before it creates
 * any thread, keeps two files open, and runs three threads that each make
 * a pipe, pass data through it and close it, 200 times, taking A then B
 * around it; then it forks a child that does the same work in one thread
 * and exits.  Natively at most 11 descriptors are open at once; the
 * runtime's descriptors were taken before the limit fell, and the child's
 * new log must be opened under the limit too.  Every pipe() and open()
 * must succeed as natively, the run is clean (one lock order, nothing
 * leaked) and the child is in the report.
 * TIMEOUT: 30
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 2
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 3
#define ROUNDS 200

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *pipes(void *arg __attribute__((unused)))
{
	long bad = 0;

	for (int i = 0; i < ROUNDS; i++) {
		int p[2];
		char c = (char)i, d = 0;

		pthread_mutex_lock(&a);
		pthread_mutex_lock(&b);
		pthread_mutex_unlock(&b);
		if (pipe(p) != 0) {
			bad++;
			pthread_mutex_unlock(&a);
			continue;
		}
		if (write(p[1], &c, 1) != 1 || read(p[0], &d, 1) != 1 || d != c)
			bad++;
		close(p[0]);
		close(p[1]);
		pthread_mutex_unlock(&a);
	}
	return (void *)bad;
}

int main(void)
{
	struct rlimit rl = { 16, 16 };
	pthread_t t[THREADS];
	long bad = 0;
	int keep[2], status;
	pid_t pid;

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 2;
	keep[0] = open("/dev/null", O_RDONLY);
	keep[1] = open("/dev/zero", O_RDONLY);
	if (keep[0] < 0 || keep[1] < 0)
		return 3;
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, pipes, NULL);
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	pid = fork();
	if (pid == 0) {
		pthread_create(&t[0], NULL, pipes, NULL);
		void *r;
		pthread_join(t[0], &r);
		_exit(r == NULL ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bad++;
	close(keep[0]);
	close(keep[1]);
	if (bad) {
		fprintf(stderr, "%ld failures\n", bad);
		return 1;
	}
	printf("ok\n");
	return 0;
}

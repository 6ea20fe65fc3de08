/* rusage.c - run a command, report its wall time and peak RSS.
 *
 * bench/run.sh times every run with it: one line "seconds kilobytes" (wall
 * time to the millisecond, ru_maxrss from wait4(), which covers the command
 * and the children it waited for), after a "Command exited with non-zero
 * status N" or "Command terminated by signal N" line when it failed, as GNU
 * time writes them; the exit status is the command's.
 *
 * Usage: rusage [-o FILE] CMD [ARG...]   (no FILE: stderr)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	struct rusage ru;
	FILE *out = stderr;
	int status, code;
	double t0, t;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		path = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: rusage [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "rusage: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 2;
		}
	}
	t = now() - t0;

	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else
		code = 128 + WTERMSIG(status);	/* as the shell reports it */
	if (path) {
		out = fopen(path, "w");
		if (!out) {
			fprintf(stderr, "rusage: %s: %s\n", path, strerror(errno));
			return 2;
		}
	}
	if (WIFSIGNALED(status))
		fprintf(out, "Command terminated by signal %d\n", WTERMSIG(status));
	else if (code)
		fprintf(out, "Command exited with non-zero status %d\n", code);
	fprintf(out, "%.3f %ld\n", t, ru.ru_maxrss);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "rusage: %s: %s\n", path, strerror(errno));
		return 2;
	}
	return code;
}

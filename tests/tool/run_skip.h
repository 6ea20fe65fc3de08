/* run_skip.h - the program of the run_skip_*.c tests.  Without arguments
 * it copies itself to DIR/x86_64-linux-gnu-gcc-99 (a name the default
 * skip list matches), DIR/helper and DIR/clangd (names it does not: clangd
 * is no compiler), runs each with "leak", and waits; with "leak" it leaks
 * one block of 100 bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;

static int copy_self(const char *to)
{
	char buf[65536];
	int in = open("/proc/self/exe", O_RDONLY), out;
	ssize_t n;

	if (in < 0 || (out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755)) < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	close(in);
	return close(out);
}

static int run(const char *path)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		execl(path, path, "leak", (char *)NULL);
		_exit(127);
	}
	return p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	char gcc[4096], helper[4096], clangd[4096];

	if (argc > 1 && !strcmp(argv[1], "leak")) {
		sink = malloc(100);
		sink = NULL;
		return 0;
	}
	if (argc < 2)
		return 2;
	snprintf(gcc, sizeof(gcc), "%s/x86_64-linux-gnu-gcc-99", argv[1]);
	snprintf(helper, sizeof(helper), "%s/helper", argv[1]);
	snprintf(clangd, sizeof(clangd), "%s/clangd", argv[1]);
	if (copy_self(gcc) || copy_self(helper) || copy_self(clangd))
		return 3;
	return run(gcc) || run(helper) || run(clangd);
}

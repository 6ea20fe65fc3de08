/* With --track-fds=1: a file opened with open(), one with fopen() and the
 * write end of a pipe are never closed: three descriptor leaks, each with
 * the stack that opened it.
 * RUN: deadbolt run --track-fds=1 --json %json -- %prog
 * EXPECT: fd-leak 3
 * EXPECT-FUNC: fd-leak open_and_forget
 * EXPECT-JSON: sorted(f['what'] for f in F('fd-leak')) == ['/etc/hostname', '/etc/passwd', 'pipe']
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) static void open_and_forget(void)
{
	int p[2];

	if (open("/etc/hostname", O_RDONLY) < 0 || !fopen("/etc/passwd", "r") || pipe(p))
		_exit(1);
	close(p[0]);
}

int main(void)
{
	open_and_forget();
	return 0;
}

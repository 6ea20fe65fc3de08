/* The clean twin of fd_leak.c: every descriptor is closed, through close(),
 * fclose() and dup2 over it.
 * RUN: deadbolt run --track-fds=1 --json %json -- %prog
 * EXPECT: clean
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int p[2], s[2];
	int fd = open("/etc/hostname", O_RDONLY);
	FILE *f = fopen("/etc/passwd", "r");

	if (fd < 0 || !f || pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, s))
		return 1;
	int d = dup(fd);
	close(fd);
	fclose(f);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
	close(d);
	return 0;
}

/* A daemon-style start: close(fd) for every fd from 3 to 1023, then open a
 * data file (it gets fd 3, as it would natively) and write to it while two
 * threads form the A/B inversion (joined in between, no hang), then more
 * lines.  The runtime's log and any descriptor of its own are among those
 * closed: the program's file must hold exactly what the program wrote
 * (nothing of the runtime's goes into it), and the log must still work, so
 * the inversion is reported.
 * RUN: deadbolt run --json %json -- %prog %t/data; status=$?
 * RUN: printf 'before\nafter\n' | cmp - %t/data || exit 1
 * RUN: exit $status
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../ab_ba.h"

/* How every descriptor from 3 up goes (close_range_fds.c: one system call) */
#ifndef CLOSE_FROM_3
#define CLOSE_FROM_3() close_each()
static int close_each(void)
{
	for (int i = 3; i < 1024; i++)
		close(i);
	return 0;
}
#endif

int main(int argc, char **argv)
{
	int fd;

	if (argc < 2)
		return 2;
	if (CLOSE_FROM_3() != 0)
		return 6;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd != 3) {
		fprintf(stderr, "data file got fd %d\n", fd);
		return 3;
	}
	if (write(fd, "before\n", 7) != 7)
		return 4;
	run(take_ab);
	run(take_ba);
	if (write(fd, "after\n", 6) != 6)
		return 4;
	return close(fd) == 0 ? 0 : 5;
}

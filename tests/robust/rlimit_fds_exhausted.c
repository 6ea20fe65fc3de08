/* The program lowers RLIMIT_NOFILE to 16 and opens /dev/null until open()
 * fails with EMFILE, so no descriptor is free; with the table full, two
 * threads form the A/B inversion (joined in between, no hang), then the
 * program closes what it opened.  The runtime opened its log before, and
 * needs no new descriptor to write it: the inversion is reported, and the
 * program's own calls behave as natively (EMFILE, then every close works).
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../ab_ba.h"

int main(void)
{
	struct rlimit rl = { 16, 16 };
	int fds[16], n = 0, fd;

	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 2;
	while (n < 16 && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	if (n == 16 || errno != EMFILE) {
		fprintf(stderr, "opened %d, errno %d\n", n, errno);
		return 3;
	}
	run(take_ab);
	run(take_ba);
	while (n > 0)
		if (close(fds[--n]) != 0)
			return 4;
	return 0;
}

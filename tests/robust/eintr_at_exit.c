/* A detached thread waits in poll() with no descriptors and no timeout,
 * and reports on stdout if the wait ever ends (poll is never restarted
 * after a signal handler: it fails with EINTR, as do epoll_wait, select
 * and nanosleep).  Main prints a line and returns while the thread waits.
 * Nobody sends the process a signal, so natively the output is that one
 * line.  Whatever the runtime does at exit (or ever) must not interrupt
 * the program's system calls: under `deadbolt run` the output is
 * byte-identical to a native run, the status is 0, nothing is reported.
 * TIMEOUT: 30
 * RUN: %prog > %t/native.out
 * RUN: deadbolt run --json %json -- %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;
static int waiting;	/* guarded by m */

static void *poller(void *arg)
{
	pthread_mutex_lock(&m);
	waiting = 1;
	pthread_cond_signal(&started);
	pthread_mutex_unlock(&m);
	for (;;) {
		char line[80];
		int r = poll(NULL, 0, -1), n;

		n = snprintf(line, sizeof(line), "poll returned %d (%s)\n", r,
			     r < 0 ? strerror(errno) : "-");
		if (write(1, line, (size_t)n) != n)
			break;
	}
	return arg;
}

int main(void)
{
	pthread_attr_t detached;
	pthread_t t;

	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &detached, poller, NULL) != 0)
		return 2;
	pthread_mutex_lock(&m);
	while (!waiting)
		pthread_cond_wait(&started, &m);
	pthread_mutex_unlock(&m);
	printf("main done\n");
	return 0;
}

/* Daemon style: main blocks every signal, then starts one detached thread
 * that takes them all with sigwait() and reports each one it gets on
 * stdout; main prints a line and returns while that thread waits.  Nobody
 * sends the process a signal, so natively the output is that one line.
 * Whatever the runtime does at exit (or ever) must not hand the program a
 * signal it did not send itself: under `deadbolt run` the output is
 * byte-identical to a native run, the status is 0, nothing is reported.
 * TIMEOUT: 30
 * RUN: %prog > %t/native.out
 * RUN: deadbolt run --json %json -- %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started = PTHREAD_COND_INITIALIZER;
static int waiting;	/* guarded by m */

static void *signal_thread(void *arg)
{
	sigset_t all;

	sigfillset(&all);
	pthread_mutex_lock(&m);
	waiting = 1;
	pthread_cond_signal(&started);
	pthread_mutex_unlock(&m);
	for (;;) {
		char line[64];
		int sig, n;

		if (sigwait(&all, &sig) != 0)
			continue;
		n = snprintf(line, sizeof(line), "got signal %d\n", sig);
		if (write(1, line, (size_t)n) != n)
			break;
	}
	return arg;
}

int main(void)
{
	pthread_attr_t detached;
	sigset_t all;
	pthread_t t;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &detached, signal_thread, NULL) != 0)
		return 2;
	pthread_mutex_lock(&m);
	while (!waiting)
		pthread_cond_wait(&started, &m);
	pthread_mutex_unlock(&m);
	printf("main done\n");
	return 0;
}

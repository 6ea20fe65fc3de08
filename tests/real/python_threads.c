/* Debian's python3 under `deadbolt run`: threads over a queue.Queue,
 * RLock, Condition, Event, BoundedSemaphore, Barrier, ThreadPoolExecutor,
 * and subprocesses started from pool threads (this program, below, and a
 * sh pipeline of seq and head: all traced).  CPython's locks are pthread mutexes,
 * condition variables and semaphores; its GIL is taken and dropped from
 * every thread all the time.  Healthy code: nothing is reported, and the
 * output is byte-identical to a native run.
 * The program below is the child the script runs: it reads its stdin in
 * one thread while another counts under a mutex, and prints a line.
 * TIMEOUT: 60
 * RUN: /usr/bin/python3 %S/py_threads.py %prog > %t/native.out
 * RUN: deadbolt run --json %json -- /usr/bin/python3 %S/py_threads.py %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long bytes, ticks;	/* guarded by m */

static void *reader(void *arg)
{
	char buf[512];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		pthread_mutex_lock(&m);
		bytes += n;
		pthread_mutex_unlock(&m);
	}
	return arg;
}

static void *ticker(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&m);
		ticks++;
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t r, t;

	pthread_create(&r, NULL, reader, NULL);
	pthread_create(&t, NULL, ticker, NULL);
	pthread_join(r, NULL);
	pthread_join(t, NULL);
	printf("%s:%ld:%ld\n", argc > 1 ? argv[1] : "-", bytes, ticks);
	return 0;
}

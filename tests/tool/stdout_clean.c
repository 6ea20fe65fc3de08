/* A clean program writing to stdout: buffered printf from the main thread
 * and from threads (one at a time, joined in between), raw write(2) calls
 * interleaved with explicit flushes, and a final buffer flushed only by
 * exit.  Under `deadbolt run` its stdout must be byte-identical to a native
 * run: the runtime and the tool never write to stdout and never change
 * buffering or exit-time flushing.
 * RUN: %prog > %t/native.out
 * RUN: deadbolt run --json %json -- %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void *writer(void *arg)
{
	pthread_mutex_lock(&out_lock);
	for (int i = 0; i < 1000; i++)
		printf("thread %d line %d\n", (int)(uintptr_t)arg, i);
	pthread_mutex_unlock(&out_lock);
	return NULL;
}

int main(void)
{
	static const char raw[] = "raw write\n";

	printf("start\n");
	fflush(stdout);
	for (uintptr_t i = 0; i < 4; i++) {
		pthread_t t;

		pthread_create(&t, NULL, writer, (void *)i);
		pthread_join(t, NULL);
		fflush(stdout);
		if (write(1, raw, strlen(raw)) != (ssize_t)strlen(raw))
			return 1;
	}
	printf("end, flushed by exit\n");
	return 0;
}

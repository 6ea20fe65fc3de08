/* deadbolt must not take the program's low descriptors: with 0-2 open, the
 * program's first open() still gets 3 (libunwind's own pipe and the log sit
 * high), even after deadbolt has unwound stacks for a lock-order edge.
 * EXPECT: clean
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>

int main(void)
{
	pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);	/* a new edge: a stack is captured */
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	int fd = open("/dev/null", O_RDONLY);
	if (fd != 3) {
		fprintf(stderr, "first open returned %d\n", fd);
		return 1;
	}
	return 0;
}

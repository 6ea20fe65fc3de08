/* deadbolt must not take the program's low descriptors: with 0-2 open, the
 * program's first open() still gets 3 (libunwind's own pipe and the log sit
 * high), even after deadbolt has unwound stacks for a lock-order edge.
 * (first_fd_low_limit.c runs the same under a low descriptor limit.)
 * EXPECT: clean
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
#ifdef LOW_LIMIT
	/* the limit is set before deadbolt starts: in a re-executed image */
	if (argc < 2 || strcmp(argv[1], "child") != 0) {
		struct rlimit rl = { LOW_LIMIT, LOW_LIMIT };
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			perror("setrlimit");
			return 1;
		}
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		perror("execl");
		return 1;
	}
#else
	(void)argc;
	(void)argv;
#endif
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

/* first_fd_is_3.c under a descriptor limit of 32, set before the program
 * (and deadbolt with it) starts: it re-executes itself with the limit
 * lowered.  libunwind's pipe cannot go to 640 then; it must not stay on
 * the program's low descriptors either: the child's first open is still 3,
 * after deadbolt has unwound stacks for a lock-order edge.
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
	if (argc < 2 || strcmp(argv[1], "child") != 0) {
		struct rlimit rl = { 32, 32 };
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			perror("setrlimit");
			return 1;
		}
		execl("/proc/self/exe", argv[0], "child", (char *)NULL);
		perror("execl");
		return 1;
	}
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

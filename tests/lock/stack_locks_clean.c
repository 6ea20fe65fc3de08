/* Locks on a thread's stack, initialised with pthread_mutex_init and never
 * destroyed (sloppy but common).  A first thread takes its local X then Y
 * and exits; a second thread runs the same function on the same, recycled
 * stack (glibc caches thread stacks), so its X and Y have the old addresses,
 * and takes Y then X.  pthread_mutex_init starts a new lock whatever the
 * address held before: clean.  Twin: ab_ba.c.  The program checks that the
 * addresses really were the same (exit 77 if not).
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static uintptr_t seen[2];

static void *locals(void *arg)
{
	int second = arg != NULL;
	pthread_mutex_t pair[2];
	pthread_mutex_t *x = &pair[0], *y = &pair[1];

	pthread_mutex_init(x, NULL);
	pthread_mutex_init(y, NULL);
	seen[second] = (uintptr_t)x;
	pthread_mutex_lock(second ? y : x);
	pthread_mutex_lock(second ? x : y);
	pthread_mutex_unlock(second ? x : y);
	pthread_mutex_unlock(second ? y : x);
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, locals, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, locals, seen);
	pthread_join(t, NULL);
	if (seen[0] != seen[1]) {
		fprintf(stderr, "stack_locks_clean: stack not reused\n");
		return 77;
	}
	return 0;
}

/* A thread allocates a block, keeps it only in a local and returns; it is
 * joined.  Its stack (cached by glibc for the next thread) still holds the
 * pointer, but an ended thread's stack is no root: a definite leak,
 * allocated by thread T1.  Twin: thread_stack_clean.c.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak lose_it
 * EXPECT-JSON: F('leak')[0]['thread'] == 1 and F('leak')[0]['bytes'] == 48
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void *lose_it(void *arg)
{
	char *volatile mine = malloc(48);	/* volatile: on the stack */

	memset(mine, 3, 48);
	(void)arg;
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, lose_it, NULL);
	pthread_join(t, NULL);
	return 0;
}

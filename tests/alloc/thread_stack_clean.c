/* At exit, one running thread holds a block only in a local variable (its
 * stack) and another only in a register (a spin loop keeps it in one);
 * main exits while both still run.  The scan stops them and reads their
 * stacks and registers: nothing is leaked.  Twin: thread_exit_leak.c.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_barrier_t ready;

static void *hold_on_stack(void *arg)
{
	char *volatile mine = malloc(64);	/* volatile: lives on the stack */
	int fds[2];
	char c;

	(void)arg;
	memset(mine, 1, 64);
	if (pipe(fds) != 0)
		return NULL;
	pthread_barrier_wait(&ready);
	while (read(fds[0], &c, 1) != 1)	/* blocks until the end */
		;
	return mine;
}

static void *hold_in_register(void *arg)
{
	char *mine = malloc(64);

	(void)arg;
	memset(mine, 2, 64);
	mine = (char *)((uintptr_t)mine ^ 1);	/* no copy of it in memory */
	pthread_barrier_wait(&ready);
	for (;;)
		__asm__ volatile("" : "+r"(mine));
	return NULL;
}

int main(void)
{
	pthread_t a, b;

	pthread_barrier_init(&ready, NULL, 3);
	pthread_create(&a, NULL, hold_on_stack, NULL);
	pthread_create(&b, NULL, hold_in_register, NULL);
	pthread_detach(a);	/* running at exit on purpose: no thread leak */
	pthread_detach(b);
	pthread_barrier_wait(&ready);
	exit(0);
}

/* main ends with pthread_exit() and stays a zombie thread (the thread-group
 * leader is reaped only with the process); the last thread ends the
 * process while it holds a block only in a register.  The leak scan must
 * stop that thread and read its registers, and must not count the zombie,
 * which ptrace refuses, as a thread it could not stop.
 * EXPECT: clean
 * EXPECT-JSON: not any('could not be stopped' in n['text'] for n in j['notes'])
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_barrier_t main_gone;

static void *last(void *arg)
{
	char path[4096];
	char *mine = malloc(64);

	(void)arg;
	memset(mine, 3, 64);
	mine = (char *)((uintptr_t)mine ^ 1);	/* no copy of it in memory */
	pthread_barrier_wait(&main_gone);
	/* /proc/self/exe cannot be read once the leader has exited */
	while (readlink("/proc/self/exe", path, sizeof(path)) > 0)
		sched_yield();
	__asm__ volatile("" : "+r"(mine));
	exit(((uintptr_t)mine & 1) ? 0 : 1);
}

int main(void)
{
	pthread_t t;

	pthread_barrier_init(&main_gone, NULL, 2);
	pthread_create(&t, NULL, last, NULL);
	pthread_barrier_wait(&main_gone);
	pthread_exit(NULL);
}

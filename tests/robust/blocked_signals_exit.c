/* Daemon style: main blocks every signal before it starts any thread (so
 * all threads inherit the full mask; one thread would take signals with
 * sigwait or a signalfd), and three detached workers each allocate a
 * block, keep it only in a local variable and park in pthread_cond_wait
 * holding nothing.  Main returns while they are parked.  At exit the
 * runtime cannot interrupt those threads with a signal; the program must
 * still end at once with status 0, and the blocks, still pointed to from
 * the live threads' stacks, are no leak.  Clean.
 * TIMEOUT: 30
 * EXPECT: clean
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 3

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static pthread_cond_t all_parked = PTHREAD_COND_INITIALIZER;
static int parked;	/* guarded by m */

static void *worker(void *arg)
{
	char *volatile block = malloc(1000 + (size_t)arg);

	if (block)
		memset(block, 1, 1000);
	pthread_mutex_lock(&m);
	if (++parked == WORKERS)
		pthread_cond_signal(&all_parked);
	for (;;)
		pthread_cond_wait(&never, &m);	/* releases m while parked */
	return block;
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
	for (long i = 0; i < WORKERS; i++)
		if (pthread_create(&t, &detached, worker, (void *)i) != 0)
			return 2;
	/* m is ours only while every parked worker is inside cond_wait */
	pthread_mutex_lock(&m);
	while (parked < WORKERS)
		pthread_cond_wait(&all_parked, &m);
	pthread_mutex_unlock(&m);
	return 0;
}

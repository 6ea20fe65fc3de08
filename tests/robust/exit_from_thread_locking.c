/* exit(3) called from a thread other than main (main waits in
 * pthread_join) while two detached threads keep taking A then B and
 * allocating.  The exit handlers, the runtime's end-of-process work and the
 * stdio flush run while the other threads are still inside lock and malloc
 * shims; nothing may crash or hang, the buffered "bye" reaches stdout, the
 * status is 3.  Clean: one lock order, no block unreachable (the workers'
 * blocks are in their frames), the running threads are detached, the one
 * that exits is being joined.
 * TIMEOUT: 30
 * RUN: deadbolt run --json %json -- %prog > %t/out; status=$?
 * RUN: [ "$(cat %t/out)" = bye ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 * EXPECT-EXIT: 3
 * EXPECT-JSON: j['processes'][0]['exit'] == 3 and j['processes'][0]['signal'] is None
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 2
#define WARM 20000	/* iterations each worker does before the exit */

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static atomic_long done[WORKERS];

static void *worker(void *arg)
{
	long id = (long)arg;

	for (long n = 0;; n++) {
		pthread_mutex_lock(&a);
		pthread_mutex_lock(&b);
		char *p = malloc(48 + n % 200);
		if (p) {
			memset(p, 1, 48);
			free(p);
		}
		pthread_mutex_unlock(&b);
		pthread_mutex_unlock(&a);
		atomic_store(&done[id], n);
	}
	return NULL;
}

static void *quitter(void *arg)
{
	for (int i = 0; i < WORKERS; i++)
		while (atomic_load(&done[i]) < WARM)
			sched_yield();
	printf("bye\n");	/* flushed by exit */
	exit(3);
	return arg;
}

int main(void)
{
	pthread_attr_t detached;
	pthread_t t;

	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	for (long i = 0; i < WORKERS; i++)
		pthread_create(&t, &detached, worker, (void *)i);
	pthread_create(&t, NULL, quitter, NULL);
	pthread_join(t, NULL);
	return 0;
}

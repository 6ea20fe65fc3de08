/* Over and over: the parent writes a global and a heap block (the thread's
 * argument) before pthread_create, the child writes both, the parent writes
 * them again after pthread_join.  Creation orders the parent's writes
 * before the child's, joining orders the child's before the parent's: no
 * race.  A bystander thread, blocked on a pipe from start to end, keeps a
 * second thread alive throughout, so the sampler (it starts with the second
 * thread) runs during the parent's writes too, not only while a child runs.
 * Twin: heap_thread_arg.c (the parent writes while the child runs).
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Long enough for each location to be sampled many times */
#define CLEAN_MS 300
#define WRITES 50	/* writes per side per round */

struct work {
	long n;
	volatile long result;
};

volatile long shared_total;

#include "now_ms.h"

__attribute__((noinline)) struct work *new_work(void)
{
	struct work *w = calloc(1, sizeof(*w));

	if (!w)
		abort();
	return w;
}

__attribute__((noinline)) void *child(void *arg)
{
	struct work *w = arg;

	for (int i = 0; i < WRITES; i++) {
		shared_total += w->n;
		w->result = w->result + 1;
	}
	return NULL;
}

static void *bystander(void *arg)
{
	char c;

	while (read(*(int *)arg, &c, 1) > 0)
		;
	return NULL;
}

int main(void)
{
	struct work *w = new_work();
	long long end = now_ms() + CLEAN_MS;
	pthread_t by, t;
	int pipefd[2];
	long rounds = 0;

	if (pipe(pipefd) != 0 ||
	    pthread_create(&by, NULL, bystander, &pipefd[0]) != 0)
		return 2;
	while (now_ms() < end) {
		for (int i = 0; i < WRITES; i++) {	/* before create */
			shared_total++;
			w->n = i;
			w->result = 0;
		}
		if (pthread_create(&t, NULL, child, w) != 0)
			return 3;
		pthread_join(t, NULL);
		if (w->result != WRITES)
			return 4;
		for (int i = 0; i < WRITES; i++) {	/* after join */
			shared_total--;
			w->result = -i;
		}
		rounds++;
	}
	close(pipefd[1]);
	pthread_join(by, NULL);
	close(pipefd[0]);
	free(w);
	return rounds > 0 ? 0 : 5;
}

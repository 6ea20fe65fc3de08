/* Blocks change hands between threads all the time: two producers
 * allocate batches, a consumer frees them, and every 1000th block is
 * dropped without a free.  The allocation table's shards are written by
 * three threads at once, each block's slot by two: the table must lose
 * and duplicate nothing: exactly the dropped blocks leak, and no free is
 * taken for a double or unknown one.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak make_block producer
 * EXPECT-JSON: F('leak')[0]['blocks'] == 400 and F('leak')[0]['bytes'] == 400 * 48
 * EXPECT-JSON: not F('misuse')
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCHES	200
#define BATCH	1000

struct batch {
	void *p[BATCH];
	struct batch *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct batch *queue;
static int producers_left = 2;

static __attribute__((noinline)) void *make_block(int i)
{
	char *p = malloc(48);

	if (p)
		memset(p, i, 48);
	return p;
}

static void *producer(void *arg)
{
	(void)arg;
	for (int b = 0; b < BATCHES; b++) {
		struct batch *x = malloc(sizeof(*x));
		if (!x)
			abort();
		for (int i = 0; i < BATCH; i++)
			x->p[i] = make_block(i);
		pthread_mutex_lock(&mu);
		x->next = queue;
		queue = x;
		pthread_cond_signal(&cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	producers_left--;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (!queue && producers_left)
			pthread_cond_wait(&cv, &mu);
		struct batch *x = queue;
		if (x)
			queue = x->next;
		pthread_mutex_unlock(&mu);
		if (!x)
			return NULL;
		for (int i = 0; i < BATCH; i++) {
			if (i != BATCH / 2)
				free(x->p[i]);
			x->p[i] = NULL;	/* the dropped one is referenced nowhere */
		}
		free(x);
	}
}

int main(void)
{
	pthread_t p[2], c;

	pthread_create(&c, NULL, consumer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&p[i], NULL, producer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(p[i], NULL);
	pthread_join(c, NULL);
	return 0;
}

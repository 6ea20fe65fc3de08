/* A producer and a consumer share a bounded queue guarded by a mutex M with
 * two condition variables; under M each also takes an inner lock S (stats),
 * always M -> S.  cond_wait releases M and re-acquires it while holding
 * nothing else, so no edge into M ever appears: clean.  Twin:
 * condvar_inversion.c.  The threads really run concurrently, synchronised by
 * the condition variables only.
 * EXPECT: clean
 */
#include <pthread.h>

#define ITEMS 2000
#define QSIZE 8

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t s = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int queue[QSIZE], head, count;
static long produced, consumed;

static void *producer(void *arg)
{
	for (int i = 1; i <= ITEMS + 1; i++) {
		pthread_mutex_lock(&m);
		while (count == QSIZE)
			pthread_cond_wait(&not_full, &m);
		queue[(head + count) % QSIZE] = i <= ITEMS ? i : 0;
		count++;
		pthread_mutex_lock(&s);
		produced += i <= ITEMS ? i : 0;
		pthread_mutex_unlock(&s);
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&m);
	}
	return arg;
}

static void *consumer(void *arg)
{
	for (;;) {
		pthread_mutex_lock(&m);
		while (count == 0)
			pthread_cond_wait(&not_empty, &m);
		int v = queue[head];
		head = (head + 1) % QSIZE;
		count--;
		pthread_mutex_lock(&s);
		consumed += v;
		pthread_mutex_unlock(&s);
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&m);
		if (v == 0)
			return arg;
	}
}

int main(void)
{
	pthread_t p, c;

	pthread_create(&c, NULL, consumer, NULL);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	pthread_join(c, NULL);
	return produced == consumed && consumed == (long)ITEMS * (ITEMS + 1) / 2
		? 0 : 1;
}

/* A producer fills malloc'd messages without a lock and hands each one to
 * a consumer through a queue guarded by a mutex; the consumer takes it out
 * under the mutex, then updates it without a lock and frees it.  Every
 * unlocked access to a message is ordered by the queue's mutex (unlock by
 * the producer, lock by the consumer): no race.  Freed messages are soon
 * reused by malloc for the next ones: a new block's accesses have nothing
 * to do with the old block's.
 * Each message also carries its own lock (a reference count, as shared
 * messages often do, and what makes a block interesting to a sampler of
 * heap blocks); that lock orders nothing here: the producer takes it only
 * before filling the message, the consumer only after its own writes.  The
 * queue's own fields are used under its mutex only.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* Long enough for each message field to be sampled many times */
#define CLEAN_MS 300
#define DEPTH 4		/* queue capacity */
#define WORDS 4		/* payload words per message */

struct msg {
	pthread_mutex_t ref_lock;
	int refs;		/* under ref_lock */
	long seq;
#ifdef PAYLOAD_AT
	char pad[PAYLOAD_AT];	/* the payload pages into the block */
#endif
	long payload[WORDS];
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct msg *items[DEPTH];	/* all fields under lock */
	unsigned head, count;
	int closed;
};

#include "now_ms.h"

__attribute__((noinline)) struct msg *msg_new(void)
{
	struct msg *m = malloc(sizeof(*m));

	if (!m)
		abort();
	pthread_mutex_init(&m->ref_lock, NULL);
	pthread_mutex_lock(&m->ref_lock);
	m->refs = 1;
	pthread_mutex_unlock(&m->ref_lock);
	return m;
}

__attribute__((noinline)) void msg_put(struct msg *m)
{
	pthread_mutex_lock(&m->ref_lock);
	int last = --m->refs == 0;
	pthread_mutex_unlock(&m->ref_lock);
	if (last) {
		pthread_mutex_destroy(&m->ref_lock);
		free(m);
	}
}

static void enqueue(struct queue *q, struct msg *m)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == DEPTH)
		pthread_cond_wait(&q->changed, &q->lock);
	q->items[(q->head + q->count++) % DEPTH] = m;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
}

/* NULL once the queue is closed and empty */
static struct msg *dequeue(struct queue *q)
{
	struct msg *m = NULL;

	pthread_mutex_lock(&q->lock);
	while (q->count == 0 && !q->closed)
		pthread_cond_wait(&q->changed, &q->lock);
	if (q->count) {
		m = q->items[q->head];
		q->head = (q->head + 1) % DEPTH;
		q->count--;
		pthread_cond_broadcast(&q->changed);
	}
	pthread_mutex_unlock(&q->lock);
	return m;
}

__attribute__((noinline)) void *produce(void *arg)
{
	struct queue *q = arg;
	long long end = now_ms() + CLEAN_MS;

	for (long seq = 1; now_ms() < end; seq++) {
		struct msg *m = msg_new();

		m->seq = seq;			/* no lock: not shared yet */
		for (int i = 0; i < WORDS; i++)
			m->payload[i] = seq * (i + 1);
		enqueue(q, m);			/* from here, the consumer's */
	}
	pthread_mutex_lock(&q->lock);
	q->closed = 1;
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

__attribute__((noinline)) void *consume(void *arg)
{
	struct queue *q = arg;
	struct msg *m;
	long bad = 0;

	while ((m = dequeue(q))) {
		for (int i = 0; i < WORDS; i++) {	/* no lock: ours now */
			bad += m->payload[i] != m->seq * (i + 1);
			m->payload[i] = -1;
		}
		m->seq = 0;
		msg_put(m);
	}
	return (void *)bad;
}

int main(void)
{
	struct queue *q = calloc(1, sizeof(*q));
	pthread_t p, c;
	void *bad;

	if (!q)
		return 2;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->changed, NULL);
	if (pthread_create(&c, NULL, consume, q) != 0 ||
	    pthread_create(&p, NULL, produce, q) != 0)
		return 3;
	pthread_join(p, NULL);
	pthread_join(c, &bad);
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q);
	return bad == NULL ? 0 : 4;
}

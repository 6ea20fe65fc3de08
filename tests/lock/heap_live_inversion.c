/* Twin of heap_reuse_clean.c: two malloc'd structs with a mutex each are
 * locked first -> second and then second -> first while both are still
 * alive (joined in between).  Heap locks are locks like any other: a
 * potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion lock_pair
 */
#include <pthread.h>
#include <stdlib.h>

struct obj {
	pthread_mutex_t m;
	long payload[4];
};

struct pair {
	struct obj *first, *second;
};

__attribute__((noinline)) void *lock_pair(void *arg)
{
	struct pair *p = arg;

	pthread_mutex_lock(&p->first->m);
	pthread_mutex_lock(&p->second->m);
	pthread_mutex_unlock(&p->second->m);
	pthread_mutex_unlock(&p->first->m);
	return NULL;
}

static void run(struct obj *first, struct obj *second)
{
	struct pair p = { first, second };
	pthread_t t;

	pthread_create(&t, NULL, lock_pair, &p);
	pthread_join(t, NULL);
}

int main(void)
{
	struct obj *o1 = malloc(sizeof(*o1)), *o2 = malloc(sizeof(*o2));

	pthread_mutex_init(&o1->m, NULL);
	pthread_mutex_init(&o2->m, NULL);
	run(o1, o2);
	run(o2, o1);
	pthread_mutex_destroy(&o1->m);
	pthread_mutex_destroy(&o2->m);
	free(o1);
	free(o2);
	return 0;
}

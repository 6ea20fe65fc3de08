/* With --lock-classes=1, two objects of one struct type, each with locks a
 * and b from the same init code, are both locked a then b (joined in
 * between).  The classes agree (a -> b only): clean, no false positive from
 * the class graph.  Twin: lock_classes.c.
 * RUN: deadbolt run --lock-classes=1 --json %json -- %prog
 * EXPECT: clean
 */
#include <pthread.h>

struct obj {
	pthread_mutex_t a, b;
};

static struct obj objs[2];

/* The one place both objects' locks are created: one class each. */
__attribute__((noinline)) static void obj_init(struct obj *o)
{
	pthread_mutex_init(&o->a, NULL);
	pthread_mutex_init(&o->b, NULL);
}

__attribute__((noinline)) void *take_a_b(void *arg)
{
	struct obj *o = arg;

	pthread_mutex_lock(&o->a);
	pthread_mutex_lock(&o->b);
	pthread_mutex_unlock(&o->b);
	pthread_mutex_unlock(&o->a);
	return NULL;
}

static void run(void *(*fn)(void *), struct obj *o)
{
	pthread_t t;

	pthread_create(&t, NULL, fn, o);
	pthread_join(t, NULL);
}

int main(void)
{
	for (int i = 0; i < 2; i++)
		obj_init(&objs[i]);
	run(take_a_b, &objs[0]);
	run(take_a_b, &objs[1]);
	return 0;
}

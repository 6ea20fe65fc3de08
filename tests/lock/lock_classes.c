/* Two objects of one struct type, each with locks a and b initialised by
 * the same code (one class per init site, like lockdep).  One thread takes
 * obj[0].a then obj[0].b, another obj[1].b then obj[1].a.  No two lock
 * instances are inverted, but the classes are: a -> b and b -> a, a deadlock
 * waiting for the day both threads work on the same object.  With
 * --lock-classes=1 that class cycle is reported once.  Twin:
 * lock_classes_off.c (same program, classes off: clean).
 * RUN: deadbolt run --lock-classes=1 --json %json -- %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_a_b take_b_a
 * EXPECT-JSON: F('lock-order-inversion')[0]['class'] is True
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

__attribute__((noinline)) void *take_b_a(void *arg)
{
	struct obj *o = arg;

	pthread_mutex_lock(&o->b);
	pthread_mutex_lock(&o->a);
	pthread_mutex_unlock(&o->a);
	pthread_mutex_unlock(&o->b);
	return NULL;
}

static void run(void *(*fn)(void *), struct obj *o)
{
	pthread_t t;

	pthread_create(&t, NULL, fn, o);
	pthread_join(t, NULL);
}

/* how obj[1] is locked (lock_classes_consistent_clean.c: a then b too) */
#ifndef SECOND_OBJ
#define SECOND_OBJ take_b_a
#endif

int main(void)
{
	for (int i = 0; i < 2; i++)
		obj_init(&objs[i]);
	run(take_a_b, &objs[0]);
	run(SECOND_OBJ, &objs[1]);
	return 0;
}

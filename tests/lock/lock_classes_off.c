/* Twin of lock_classes.c, the same program without --lock-classes: obj[0]
 * is locked a -> b and obj[1] b -> a, so no two lock instances form a cycle;
 * only their classes would.  By default deadbolt checks instances: clean.
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

int main(void)
{
	for (int i = 0; i < 2; i++)
		obj_init(&objs[i]);
	run(take_a_b, &objs[0]);
	run(take_b_a, &objs[1]);
	return 0;
}

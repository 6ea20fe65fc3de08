/* A lock per object, taken under a registry lock: every new object is a
 * new lock and a new edge registry -> object, each needing its stack.
 * From the same call site at the same depth those stacks come from the
 * thread's stack cache (the return addresses checked where they lie)
 * instead of an unwind.  1000 objects go through one path; the last one
 * is then taken in the opposite order: the inversion's edge
 * registry -> object must show that path (touch_under_registry called
 * from main, from a depth of 3 helper frames), and the registry's own
 * acquisition spliced from it.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion touch_under_registry registry_under_obj
 * EXPECT-JSON: [[fr['function'] for fr in e['stack'][:5]] for e in F('lock-order-inversion')[0]['edges'] if e['stack'][0]['function'] == 'touch_under_registry'] == [['touch_under_registry', 'via', 'via', 'via', 'main']]
 * EXPECT-JSON: [[fr['function'] for fr in e['from_stack'][:5]] for e in F('lock-order-inversion')[0]['edges'] if e['stack'][0]['function'] == 'touch_under_registry'] == [['touch_under_registry', 'via', 'via', 'via', 'main']]
 */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;

struct obj {
	pthread_mutex_t m;
	long n;
};

__attribute__((noinline)) void touch_under_registry(struct obj *o)
{
	pthread_mutex_lock(&registry);
	pthread_mutex_lock(&o->m);
	o->n++;
	pthread_mutex_unlock(&o->m);
	pthread_mutex_unlock(&registry);
}

__attribute__((noinline)) void registry_under_obj(struct obj *o)
{
	pthread_mutex_lock(&o->m);
	pthread_mutex_lock(&registry);
	o->n++;
	pthread_mutex_unlock(&registry);
	pthread_mutex_unlock(&o->m);
}

/* three frames between main and the locks */
__attribute__((noinline)) void via(struct obj *o, int depth)
{
	if (depth > 1)
		via(o, depth - 1);
	else
		touch_under_registry(o);
	__asm__ volatile("" ::: "memory");	/* not a tail call */
}

int main(void)
{
	struct obj *o = NULL;

	for (int i = 0; i < 1000; i++) {
		o = calloc(1, sizeof(*o));
		pthread_mutex_init(&o->m, NULL);
		via(o, 3);
		if (i < 999) {
			pthread_mutex_destroy(&o->m);
			free(o);
		}
	}
	registry_under_obj(o);
	long n = o->n;
	pthread_mutex_destroy(&o->m);
	free(o);
	return n != 2;
}

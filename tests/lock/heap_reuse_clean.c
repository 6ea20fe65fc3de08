/* Two malloc'd structs with a mutex each are locked first -> second, then
 * freed without pthread_mutex_destroy (common in real code).  malloc hands
 * the same memory back for two new structs, whose statically initialised
 * mutexes are locked in the opposite address order.  Freed memory ends the
 * old locks: the new ones share only addresses, so clean.  Twin:
 * heap_live_inversion.c.  The program checks that both addresses really were
 * reused (glibc's tcache returns them at once) and exits 77 if not, so the
 * test cannot pass vacuously.
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../run_thread.h"

struct obj {
	pthread_mutex_t m;
	long payload[4];
};

static struct obj *first, *second;

static void *take_first_second(void *arg)
{
	pthread_mutex_lock(&first->m);
	pthread_mutex_lock(&second->m);
	pthread_mutex_unlock(&second->m);
	pthread_mutex_unlock(&first->m);
	return arg;
}

int main(void)
{
	struct obj *o1 = malloc(sizeof(*o1)), *o2 = malloc(sizeof(*o2));

	pthread_mutex_init(&o1->m, NULL);
	pthread_mutex_init(&o2->m, NULL);
	first = o1;
	second = o2;
	run(take_first_second);

	uintptr_t old1 = (uintptr_t)o1, old2 = (uintptr_t)o2;
	free(o1);
	free(o2);
	struct obj *n1 = malloc(sizeof(*n1)), *n2 = malloc(sizeof(*n2));
	uintptr_t new1 = (uintptr_t)n1, new2 = (uintptr_t)n2;

	if (!((new1 == old1 && new2 == old2) || (new1 == old2 && new2 == old1))) {
		fprintf(stderr, "heap_reuse_clean: addresses not reused\n");
		return 77;
	}
	n1->m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	n2->m = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	first = new1 == old2 ? n1 : n2;		/* at old o2's address */
	second = new1 == old2 ? n2 : n1;	/* at old o1's address */
	run(take_first_second);
	free(n1);
	free(n2);
	return 0;
}

/* stack_shared.h - the program of stack_shared_*.c: main hands a local of
 * its own to a thread by address; both run work() on it, which adds to
 * it through add_to() (with a lock or not: each test's work), and main
 * adds once more after the join.  0 if the local moved. */
#include <pthread.h>

#include "now_ms.h"

__attribute__((noinline)) void add_to(volatile long *sum, long v)
{
	*sum += v;
}

static void *work(void *arg);

int main(void)
{
	volatile long sum = 0;
	pthread_t t;

	if (pthread_create(&t, NULL, work, (void *)&sum) != 0)
		return 1;
	work((void *)&sum);
	pthread_join(t, NULL);
	add_to(&sum, 1);
	return sum <= 1;
}

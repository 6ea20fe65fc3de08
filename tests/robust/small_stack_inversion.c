/* Threads on the smallest stack allowed (PTHREAD_STACK_MIN: 16 KiB here,
 * of which about 8.5 KiB are left for the start routine's frames once glibc
 * has placed the thread's descriptor and TLS), each already using 4 KiB,
 * form the A/B inversion (joined in between, no hang), allocate and free;
 * theirs are the program's first allocations.  The runtime's work on the
 * program's thread (new edge, stack capture, cycle search, log write, an
 * allocation's stack, and any one-time set-up of its own machinery, which
 * belongs at start-up) must fit in the half that is left, as any library
 * call the thread makes would have to: natively the threads run fine,
 * under the runtime they must not overflow, and the inversion is
 * reported.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int done;	/* its address: what a thread returns when all went well */

#define PAD_KIB 4	/* the thread's own frames below the locking code */

__attribute__((noinline)) static void *deep(void *(*fn)(void *), int level)
{
	volatile char pad[1024];

	memset((char *)pad, level, sizeof(pad));
	void *r = level > 0 ? deep(fn, level - 1) : fn(&done);
	return pad[sizeof(pad) - 1] == (char)level ? r : NULL;	/* no tail call */
}

__attribute__((noinline)) void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	alloc_free(100);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	alloc_free(200);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

static void *body_ab(void *arg)
{
	(void)arg;
	return deep(take_ab, PAD_KIB - 1);
}

static void *body_ba(void *arg)
{
	(void)arg;
	return deep(take_ba, PAD_KIB - 1);
}

static int run(void *(*fn)(void *))
{
	pthread_attr_t attr;
	pthread_t t;
	void *ret;

	pthread_attr_init(&attr);
	if (pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN) != 0)
		return -1;
	if (pthread_create(&t, &attr, fn, NULL) != 0)
		return -1;
	pthread_attr_destroy(&attr);
	if (pthread_join(t, &ret) != 0 || ret != &done)
		return -1;
	return 0;
}

int main(void)
{
	if (run(body_ab) != 0 || run(body_ba) != 0)
		return 2;
	return 0;
}

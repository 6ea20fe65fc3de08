/* Two threads each take one lock, meet at a barrier, then take the other's:
 * a real deadlock that hangs forever without deadbolt.  deadbolt sees the
 * cycle of waiting threads, reports it with both threads' holds and waits,
 * and ends the program (on_deadlock=exit) with the error status.
 * TIMEOUT: 20
 * EXPECT: deadlock 1, lock-order-inversion 1
 * EXPECT-EXIT: 66
 * EXPECT-FUNC: deadlock hold_a_want_b hold_b_want_a
 * EXPECT-JSON: len(F('deadlock')[0]['threads']) == 2
 * EXPECT-JSON: all(len(t['holds']) == 1 and t['waits_for'].get('lock') and t['stack'] for t in F('deadlock')[0]['threads'])
 * EXPECT-JSON: {t['waits_for']['lock'] for t in F('deadlock')[0]['threads']} == {h['lock'] for t in F('deadlock')[0]['threads'] for h in t['holds']}
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

__attribute__((noinline)) static void *hold_a_want_b(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&b);
	return arg;
}

__attribute__((noinline)) static void *hold_b_want_a(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_barrier_wait(&both_hold);
	pthread_mutex_lock(&a);
	return arg;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_barrier_init(&both_hold, NULL, 2);
	pthread_create(&t1, NULL, hold_a_want_b, NULL);
	pthread_create(&t2, NULL, hold_b_want_a, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	printf("unreachable\n");
	return 0;
}

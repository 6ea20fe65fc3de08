/* pthread_cancel of a thread blocked in pthread_cond_wait, 20 times.  The
 * thread holds O, then M, and waits on a condition with M; its cleanup
 * handlers unlock M (which glibc re-acquires before acting on the cancel)
 * and then O.  The cancellation unwinds through the runtime's cond_wait shim
 * while libc holds M for the thread again: the runtime must see M held by
 * the thread when the handler unlocks it (no misuse), and O and M released
 * after the join (main takes O then M again, a thread does too).  Clean:
 * one lock order, nothing held at thread end, every thread joined.
 * TIMEOUT: 30
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 20

static pthread_mutex_t o = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int waiting;	/* guarded by m */
static int never;	/* guarded by m; the condition is never met */

static void unlock(void *l)
{
	pthread_mutex_unlock(l);
}

static void *waiter(void *arg)
{
	pthread_mutex_lock(&o);
	pthread_cleanup_push(unlock, &o);
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock, &m);
	waiting = 1;
	while (!never)
		pthread_cond_wait(&c, &m);	/* a cancellation point */
	pthread_cleanup_pop(1);
	pthread_cleanup_pop(1);
	return arg;
}

static void *taker(void *arg)
{
	pthread_mutex_lock(&o);
	pthread_mutex_lock(&m);
	pthread_mutex_unlock(&m);
	pthread_mutex_unlock(&o);
	return arg;
}

int main(void)
{
	for (int r = 0; r < ROUNDS; r++) {
		pthread_t t;
		void *ret;

		waiting = 0;
		pthread_create(&t, NULL, waiter, NULL);
		/* Once M is ours with waiting set, the waiter is in cond_wait. */
		for (;;) {
			pthread_mutex_lock(&m);
			int w = waiting;
			pthread_mutex_unlock(&m);
			if (w)
				break;
			sched_yield();
		}
		pthread_cancel(t);
		if (pthread_join(t, &ret) != 0 || ret != PTHREAD_CANCELED)
			return 1;
		if (pthread_mutex_trylock(&o) != 0)
			return 2;	/* the cleanup handler did not unlock O */
		if (pthread_mutex_trylock(&m) != 0)
			return 3;
		pthread_mutex_unlock(&m);
		pthread_mutex_unlock(&o);
		pthread_create(&t, NULL, taker, NULL);
		pthread_join(t, NULL);
	}
	printf("ok\n");
	return 0;
}

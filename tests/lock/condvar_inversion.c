/* Twin of condvar_clean.c: a waiter takes M, then A, then waits on a
 * condition variable with M while still holding A.  The wait releases M and
 * re-acquires it on wake-up with A held: A -> M, the inverse of M -> A.  (A
 * signaller that took M then A meanwhile would hold M and wait for A while
 * the waiter holds A and waits for M.)  A potential deadlock.  A second
 * condition variable makes the signaller wait until the waiter really is in
 * cond_wait, so the re-acquisition always happens.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion waiter
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#include <pthread.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t waiting_cv = PTHREAD_COND_INITIALIZER;
static int waiting, ready;

__attribute__((noinline)) void *waiter(void *arg)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	pthread_mutex_lock(&m);
	pthread_mutex_lock(&a);
	waiting = 1;
	pthread_cond_signal(&waiting_cv);
	while (!ready) {	/* each re-takes m while a is held */
#ifdef TIMEDWAIT	/* condvar_timedwait_inversion.c */
		pthread_cond_timedwait(&wake, &m, &ts);
#else
		pthread_cond_wait(&wake, &m);
#endif
	}
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&m);
	return arg;
}

static void *signaller(void *arg)
{
	pthread_mutex_lock(&m);
	while (!waiting)
		pthread_cond_wait(&waiting_cv, &m);
	ready = 1;		/* the waiter is inside cond_wait: m was free */
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t w, s;

	pthread_create(&w, NULL, waiter, NULL);
	pthread_create(&s, NULL, signaller, NULL);
	pthread_join(w, NULL);
	pthread_join(s, NULL);
	return 0;
}

/* A thread waits for A (main holds it); a signal handler runs in that
 * thread meanwhile and takes and releases a lock of its own, H, at the
 * same depth of the thread's held stack.  Once the thread has A, it takes
 * B; later main takes B then A.  The inversion found must be A <-> B, not
 * H -> B: the handler's lock came and went while A was being waited for.
 * Releasing A must not look like the release of a lock not held (no
 * misuse).
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion waiter take_ba
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['locks']) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "../ab_ba.h"

static pthread_mutex_t h = PTHREAD_MUTEX_INITIALIZER;
static atomic_int handled;	/* set by the handler, read by main */

static void on_usr1(int sig)
{
	(void)sig;
	pthread_mutex_lock(&h);
	pthread_mutex_unlock(&h);
	atomic_store(&handled, 1);
}

__attribute__((noinline)) void *waiter(void *arg)
{
	pthread_mutex_lock(&a);	/* waits: main holds a */
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t t;

	sigaction(SIGUSR1, &sa, NULL);
	pthread_mutex_lock(&a);
	pthread_create(&t, NULL, waiter, NULL);
	pause_ms(100);		/* the thread is waiting for a */
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < 200 && !atomic_load(&handled); i++)
		pause_ms(5);
	if (!atomic_load(&handled))
		abort();
	pthread_mutex_unlock(&a);
	pthread_join(t, NULL);
	run(take_ba);
	return 0;
}

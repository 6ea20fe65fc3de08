/* Two threads take turns writing a global record without holding a lock:
 * each waits on a condition variable until `turn` (under the mutex) says
 * the record is its own, writes it with the mutex released, then passes
 * the turn under the mutex and signals.  The mutex, taken again on waking,
 * orders every write after the other thread's last one: no race.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <time.h>

/* Long enough for each word of the record to be sampled many times */
#define CLEAN_MS 300

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;		/* 0: ping's, 1: pong's; under lock */
static int done;		/* ping has finished; under lock */
long record[2];			/* written by whoever has the turn, no lock */

#include "now_ms.h"

/* Wait for our turn; returns 0 once ping has finished. */
static int wait_turn(int me)
{
	pthread_mutex_lock(&lock);
	while (turn != me && !done)
		pthread_cond_wait(&turn_changed, &lock);
	int go = !done;
	pthread_mutex_unlock(&lock);
	return go;
}

static void pass_turn(int to, int finish)
{
	pthread_mutex_lock(&lock);
	turn = to;
	done |= finish;
	pthread_cond_signal(&turn_changed);
	pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) void *ping(void *arg)
{
	long long end = now_ms() + CLEAN_MS;
	long bad = 0;

	(void)arg;
	for (long n = 1; wait_turn(0); n++) {
		bad += record[1] != record[0] * 2;	/* as pong left it */
		record[0] = n;
		record[1] = n;
		pass_turn(1, now_ms() >= end);
	}
	return (void *)bad;
}

__attribute__((noinline)) void *pong(void *arg)
{
	long bad = 0;

	(void)arg;
	while (wait_turn(1)) {
		bad += record[1] != record[0];		/* as ping left it */
		record[1] = record[0] * 2;
		pass_turn(0, 0);
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t a, b;
	void *bad_a, *bad_b;

	if (pthread_create(&a, NULL, ping, NULL) != 0 ||
	    pthread_create(&b, NULL, pong, NULL) != 0)
		return 2;
	pthread_join(a, &bad_a);
	pthread_join(b, &bad_b);
	return bad_a == NULL && bad_b == NULL ? 0 : 3;
}

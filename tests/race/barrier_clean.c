/* Two threads work in phases separated by pthread_barrier_wait: in each
 * phase a thread writes one row of a global table, without a lock, and the
 * rows swap owners every phase, so each row's writes alternate between the
 * two threads.  Thread 0 decides, before the barrier, whether there is
 * another phase; both read that decision after it.  Every write is ordered
 * after the other thread's by a barrier between them: no race.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <time.h>

/* Long enough for each word of the table to be sampled many times */
#define CLEAN_MS 300
#define COLS 2

static pthread_barrier_t phase;
long table[2][COLS];		/* row r, in phase k: thread (r + k) % 2's */
long go_on = 1;			/* thread 0 writes it; both read it next phase */

#include "now_ms.h"

__attribute__((noinline)) void *phases(void *arg)
{
	long me = (long)arg;
	long long end = now_ms() + CLEAN_MS;
	long bad = 0;

	for (long k = 0;; k++) {
		long *row = table[(me + k) % 2];

		/* last phase, the other thread wrote row[0] = k - 1 */
		bad += k > 0 && row[0] != k - 1;
		for (int c = 0; c < COLS; c++)
			row[c] = k;
		if (me == 0)
			go_on = now_ms() < end;
		pthread_barrier_wait(&phase);
		int cont = go_on;
		/* the second barrier keeps thread 0's next write of go_on
		 * after thread 1's read of it */
		pthread_barrier_wait(&phase);
		if (!cont)
			break;
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t t[2];
	long bad = 0;

	if (pthread_barrier_init(&phase, NULL, 2) != 0)
		return 2;
	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, phases, (void *)i) != 0)
			return 3;
	for (int i = 0; i < 2; i++) {
		void *b;

		pthread_join(t[i], &b);
		bad += (long)b;
	}
	pthread_barrier_destroy(&phase);
	return bad == 0 ? 0 : 4;
}

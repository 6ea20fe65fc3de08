/* One thread holds 200 mutexes at once, more than the runtime's per-thread
 * held-lock capacity (64): it takes them in ascending order, releases them
 * in an order that is not the reverse (evens first), 50 times; a second
 * thread does the same at the same time.  On overflow the runtime stops
 * that analysis for the deeper locks and says so in the report (a note: the
 * results are partial), but must not break the program nor report what did
 * not happen: no unlock of a lock "not held", no inversion (one order
 * everywhere).
 * TIMEOUT: 60
 * EXPECT: clean
 * EXPECT-JSON: len(j['notes']) >= 1
 */
#include <pthread.h>
#include <stdio.h>

#define N 200

static pthread_mutex_t locks[N];
static long sum[N];	/* sum[i] guarded by locks[i] */

static void *body(void *arg)
{
	for (int r = 0; r < 50; r++) {
		for (int i = 0; i < N; i++)
			pthread_mutex_lock(&locks[i]);
		for (int i = 0; i < N; i++)
			sum[i]++;
		for (int i = 0; i < N; i += 2)
			pthread_mutex_unlock(&locks[i]);
		for (int i = N - 1; i > 0; i -= 2)
			pthread_mutex_unlock(&locks[i]);
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];
	long total = 0;

	for (int i = 0; i < N; i++)
		pthread_mutex_init(&locks[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, body, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < N; i++) {
		total += sum[i];
		pthread_mutex_destroy(&locks[i]);
	}
	if (total != 2L * 50 * N)
		return 1;
	printf("ok\n");
	return 0;
}

/* 200 threads in ten waves of 20: each wave's threads meet at a barrier
 * (all 20 alive at once), then each takes three of 16 global mutexes in
 * ascending index order (which three depends on its number), a read lock
 * of a wave rwlock around them, and a mutex of its own on its stack (init,
 * lock innermost, destroy), allocating under them; the wave is joined
 * before the next starts, so thread stacks and runtime thread slots are
 * reused.  One order everywhere: clean.  The counts are checked.
 * TIMEOUT: 120
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WAVES 10
#define PER_WAVE 20
#define LOCKS 16
#define ROUNDS 50

static pthread_mutex_t locks[LOCKS];
static long hits[LOCKS];	/* hits[i] guarded by locks[i] */
static pthread_rwlock_t wave_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t start;

static void *body(void *arg)
{
	long id = (long)arg;
	int i = id % LOCKS, j = (id / 3) % LOCKS, k = (id / 7) % LOCKS;
	int pick[3] = { i, j, k };
	pthread_mutex_t own;

	/* ascending and distinct */
	for (int x = 0; x < 3; x++)
		for (int y = x + 1; y < 3; y++)
			if (pick[y] < pick[x]) {
				int t = pick[x];
				pick[x] = pick[y];
				pick[y] = t;
			}
	pthread_mutex_init(&own, NULL);
	pthread_barrier_wait(&start);
	for (int r = 0; r < ROUNDS; r++) {
		pthread_rwlock_rdlock(&wave_rw);
		for (int x = 0; x < 3; x++)
			if (x == 0 || pick[x] != pick[x - 1])
				pthread_mutex_lock(&locks[pick[x]]);
		pthread_mutex_lock(&own);
		char *p = malloc(24 + r);
		if (p) {
			p[0] = 1;
			hits[pick[0]] += p[0];
			free(p);
		}
		pthread_mutex_unlock(&own);
		for (int x = 2; x >= 0; x--)
			if (x == 0 || pick[x] != pick[x - 1])
				pthread_mutex_unlock(&locks[pick[x]]);
		pthread_rwlock_unlock(&wave_rw);
	}
	pthread_mutex_destroy(&own);
	return NULL;
}

int main(void)
{
	long total = 0;

	for (int i = 0; i < LOCKS; i++)
		pthread_mutex_init(&locks[i], NULL);
	pthread_barrier_init(&start, NULL, PER_WAVE);
	for (int w = 0; w < WAVES; w++) {
		pthread_t t[PER_WAVE];

		for (int i = 0; i < PER_WAVE; i++)
			if (pthread_create(&t[i], NULL, body, (void *)(long)(w * PER_WAVE + i)) != 0)
				return 2;
		for (int i = 0; i < PER_WAVE; i++)
			pthread_join(t[i], NULL);
		/* between waves, a writer: the rwlock is free */
		pthread_rwlock_wrlock(&wave_rw);
		pthread_rwlock_unlock(&wave_rw);
	}
	pthread_barrier_destroy(&start);
	for (int i = 0; i < LOCKS; i++) {
		total += hits[i];
		pthread_mutex_destroy(&locks[i]);
	}
	if (total != WAVES * PER_WAVE * ROUNDS) {
		fprintf(stderr, "total %ld\n", total);
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* The racy heap field of heap_lock_field.c under `deadbolt run
 * --race-heap=0`: heap blocks are not watched, so the race on `hits` goes
 * unreported, while globals still are (race detection is on).
 * RUN: deadbolt run --race-heap=0 --json %json -- %prog
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define RACY_MS 500	/* as long as heap_lock_field.c, which is found */

struct account {
	pthread_mutex_t lock;
	long balance;		/* under lock */
	volatile long hits;	/* not under lock: the race */
};

struct account *acct;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

__attribute__((noinline)) struct account *make_account(void)
{
	struct account *a = malloc(sizeof(*a));

	if (!a)
		abort();
	pthread_mutex_init(&a->lock, NULL);
	a->balance = 0;
	a->hits = 0;
	return a;
}

__attribute__((noinline)) void *deposit(void *arg)
{
	struct account *a = acct;
	long long end = now_ms() + RACY_MS;

	while (now_ms() < end) {
		pthread_mutex_lock(&a->lock);
		a->balance++;
		pthread_mutex_unlock(&a->lock);
		for (int i = 0; i < 100; i++)
			a->hits++;
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];

	acct = make_account();
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, deposit, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&acct->lock);
	free(acct);
	return 0;
}

/* demo.c - the example `make demo` runs under deadbolt.
 *
 * A tiny bank: transfer() locks the source account, then the destination.
 * One teller moves money from alice to bob, another from bob to alice.  The
 * tellers happen to run one after the other here, so the program finishes
 * every time, but if they ever overlap each holds one account and waits for
 * the other forever: a lock-order inversion, found without the hang.  The
 * audit trail, meanwhile, forgets to free its entries: a leak.  And the two
 * branches, open at the same time, count their visitors in one global
 * without a lock: a data race (the count comes out short).
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct account {
	pthread_mutex_t lock;
	const char *name;
	long balance;
};

static struct account alice = { PTHREAD_MUTEX_INITIALIZER, "alice", 100 };
static struct account bob = { PTHREAD_MUTEX_INITIALIZER, "bob", 100 };

/* An audit line per transfer, returned to the caller, who never frees it. */
static char *audit(const struct account *from, const struct account *to, long amount)
{
	char *line = malloc(64);

	if (line)
		snprintf(line, 64, "%s -> %s: %ld", from->name, to->name, amount);
	return line;
}

static void transfer(struct account *from, struct account *to, long amount)
{
	pthread_mutex_lock(&from->lock);
	pthread_mutex_lock(&to->lock);
	from->balance -= amount;
	to->balance += amount;
	pthread_mutex_unlock(&to->lock);
	pthread_mutex_unlock(&from->lock);
	char *line = audit(from, to, amount);
	if (line && strlen(line) > 60)
		free(line);	/* only the long ones: the rest leak */
}

static void *teller_alice_to_bob(void *arg)
{
	(void)arg;
	transfer(&alice, &bob, 10);
	return NULL;
}

static void *teller_bob_to_alice(void *arg)
{
	(void)arg;
	transfer(&bob, &alice, 5);
	return NULL;
}

/* Every visitor of either branch; volatile: each ++ is a load and a store. */
static volatile long visitors;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A branch open for 0.4 s: deadbolt samples memory accesses a few at a
 * time, so a race needs a moment to be caught. */
static void *branch(void *arg)
{
	double end = now() + 0.4;

	(void)arg;
	while (now() < end)
		for (int i = 0; i < 1000; i++)
			visitors++;
	return NULL;
}

int main(void)
{
	pthread_t t, b[2];

	pthread_create(&t, NULL, teller_alice_to_bob, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, teller_bob_to_alice, NULL);
	pthread_join(t, NULL);
	printf("alice %ld, bob %ld\n", alice.balance, bob.balance);
	for (int i = 0; i < 2; i++)
		pthread_create(&b[i], NULL, branch, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(b[i], NULL);
	printf("%ld visitors\n", visitors);
	return 0;
}

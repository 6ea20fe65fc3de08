/* demo.c - the example `make demo` runs under deadbolt.
 *
 * A tiny bank: transfer() locks the source account, then the destination.
 * One teller moves money from alice to bob, another from bob to alice.  The
 * tellers happen to run one after the other here, so the program finishes
 * every time, but if they ever overlap each holds one account and waits for
 * the other forever: a lock-order inversion, found without the hang.  The
 * audit trail, meanwhile, forgets to free its entries: a leak.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, teller_alice_to_bob, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, teller_bob_to_alice, NULL);
	pthread_join(t, NULL);
	printf("alice %ld, bob %ld\n", alice.balance, bob.balance);
	return 0;
}

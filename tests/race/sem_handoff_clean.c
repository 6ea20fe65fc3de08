/* Two threads pass a global token back and forth with two semaphores: the
 * holder writes it without a lock, then sem_post()s the other's semaphore;
 * the other's sem_wait() returns only after that post.  sem_post ->
 * sem_wait orders each write after the previous holder's: no race.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

/* Long enough for each word of the token to be sampled many times */
#define CLEAN_MS 300

static sem_t to_a, to_b;	/* a post hands the token to A, to B */
struct token {
	long round;
	long check;		/* round * 3 as the last writer left it */
	long stop;		/* set by A: B stops */
} token;

#include "now_ms.h"

__attribute__((noinline)) void *side_a(void *arg)
{
	long long end = now_ms() + CLEAN_MS;
	long bad = 0;

	(void)arg;
	for (;;) {
		bad += token.check != token.round * 3;
		token.round++;
		token.check = token.round * 3;
		token.stop = now_ms() >= end;
		long stop = token.stop;

		sem_post(&to_b);
		if (stop)
			break;
		while (sem_wait(&to_a) != 0)
			;
	}
	return (void *)bad;
}

__attribute__((noinline)) void *side_b(void *arg)
{
	long bad = 0;

	(void)arg;
	for (;;) {
		while (sem_wait(&to_b) != 0)
			;
		if (token.stop)
			break;
		bad += token.check != token.round * 3;
		token.round++;
		token.check = token.round * 3;
		sem_post(&to_a);
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t a, b;
	void *bad_a, *bad_b;

	if (sem_init(&to_a, 0, 0) != 0 || sem_init(&to_b, 0, 0) != 0)
		return 2;
	if (pthread_create(&a, NULL, side_a, NULL) != 0 ||
	    pthread_create(&b, NULL, side_b, NULL) != 0)
		return 3;
	pthread_join(a, &bad_a);
	pthread_join(b, &bad_b);
	sem_destroy(&to_a);
	sem_destroy(&to_b);
	return bad_a == NULL && bad_b == NULL ? 0 : 4;
}

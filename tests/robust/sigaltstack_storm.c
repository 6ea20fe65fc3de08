/* A SIGALRM storm (every 100 us) whose handler runs on a 16 KiB alternate
 * signal stack (sigaltstack, SA_ONSTACK), allocates, frees and tries a
 * mutex, over a thread that loops lock, malloc, free, unlock.  Whatever the
 * runtime does in the handler's calls (or in the interrupted shim) must fit
 * on that stack.  Natively safe as in signal_storm.c: the loop and the
 * handler use distinct, pre-warmed tcache bins.  Bounded by counts: the
 * loop stops after 20,000 iterations once 1,000 signals were handled.
 * Clean: a trylock cannot deadlock, every block is freed.
 * TIMEOUT: 60
 * EXPECT: clean
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* malloc then free; through a volatile pointer, or the compiler drops both. */
static void alloc_free(size_t n)
{
	void *volatile p = malloc(n);

	free(p);
}

#define ALT_SIZE (16 * 1024)
#define MIN_SIGNALS 1000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static atomic_long signals;
static long counter;	/* guarded by m */

static void on_alarm(int sig)
{
	char *p = malloc(300);

	(void)sig;
	if (p) {
		p[0] = 1;
		free(p);
	}
	if (pthread_mutex_trylock(&m) == 0)
		pthread_mutex_unlock(&m);
	atomic_fetch_add(&signals, 1);
}

int main(void)
{
	static char alt[ALT_SIZE];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa;
	struct itimerval it = { { 0, 100 }, { 0, 100 } }, off = { { 0, 0 }, { 0, 0 } };
	long i;

	alloc_free(48);
	alloc_free(300);
	if (sigaltstack(&ss, NULL) != 0)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 20000000; i++) {
		if (i >= 20000 && atomic_load(&signals) >= MIN_SIGNALS)
			break;
		pthread_mutex_lock(&m);
		char *p = malloc(48);
		if (!p)
			abort();
		p[0] = 1;
		counter += p[0];
		free(p);
		pthread_mutex_unlock(&m);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	if (counter != i || atomic_load(&signals) < MIN_SIGNALS)
		return 1;
	printf("ok\n");
	return 0;
}

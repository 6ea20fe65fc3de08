/* A SIGALRM storm (setitimer, every 100 us) over three threads that loop
 * lock, malloc, free, unlock.  The handler allocates and frees, and tries
 * the threads' mutex with pthread_mutex_trylock (taking and releasing it
 * when free), so it often runs while the interrupted thread is inside a
 * malloc or a lock shim of the runtime, or holds the very mutex it tries.
 * The runtime must go straight to libc there (reentrancy guard) and keep its
 * tables intact: the program ends with the exact counter it computed, and
 * nothing is reported: a trylock cannot deadlock, a failed one changes
 * nothing, every block is freed.
 * Native safety of the handler: each thread warms up the two size classes
 * it uses (glibc tcache) before it unblocks SIGALRM, so the malloc/free in
 * the loop and in the handler pop and push a thread-local cache bin each,
 * different bins, never an arena lock; each blocks SIGALRM again before it
 * ends (its exit shuts its tcache down under the arena lock).  The loops
 * are bounded by counts: each thread stops after ITERS iterations once it
 * has seen MIN_SIGNALS signals overall, or after MAX_ITERS.
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

#define THREADS 3
#define ITERS 20000		/* per thread, at least */
#define MAX_ITERS 20000000	/* per thread, at most */
#define MIN_SIGNALS 1000	/* handled overall before threads may stop */

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sig_m = PTHREAD_MUTEX_INITIALIZER;
static long counter;			/* guarded by m */
static atomic_long signals, sig_taken, sig_busy;
static long iters[THREADS];

static void on_alarm(int sig)
{
	char *p = malloc(200);		/* another bin than the loop's 40 */

	(void)sig;
	if (p) {
		memset(p, 0x5a, 200);
		free(p);
	}
	if (pthread_mutex_trylock(&m) == 0) {
		counter += 0;		/* held: nothing to change */
		pthread_mutex_unlock(&m);
		atomic_fetch_add(&sig_taken, 1);
	} else {
		atomic_fetch_add(&sig_busy, 1);
	}
	if (pthread_mutex_trylock(&sig_m) == 0)
		pthread_mutex_unlock(&sig_m);
	atomic_fetch_add(&signals, 1);
}

static void alarm_mask(int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(how, &set, NULL);
}

static void warm_up_and_unblock(void)
{
	alloc_free(40);
	alloc_free(200);
	alarm_mask(SIG_UNBLOCK);
}

static void *worker(void *arg)
{
	long id = (long)arg, i;

	warm_up_and_unblock();
	for (i = 0; i < MAX_ITERS; i++) {
		if (i >= ITERS && atomic_load(&signals) >= MIN_SIGNALS)
			break;
		pthread_mutex_lock(&m);
		char *p = malloc(40);
		if (!p)
			abort();
		memset(p, (int)i, 40);
		counter += p[7] == (char)i;
		free(p);
		pthread_mutex_unlock(&m);
	}
	iters[id] = i;
	/* blocked again before the thread ends: its exit frees the tcache
	 * (under the arena's lock), and the handler's malloc would then take
	 * that lock too */
	alarm_mask(SIG_BLOCK);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 100 }, { 0, 100 } }, off = { { 0, 0 }, { 0, 0 } };
	sigset_t set;
	pthread_t t[THREADS];
	long total = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* Threads start with SIGALRM blocked and unblock it once warm. */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
			return 2;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	for (int i = 0; i < THREADS; i++)
		total += iters[i];
	if (counter != total) {
		fprintf(stderr, "counter %ld, expected %ld\n", counter, total);
		return 1;
	}
	if (atomic_load(&signals) < MIN_SIGNALS) {
		fprintf(stderr, "only %ld signals\n", atomic_load(&signals));
		return 3;
	}
	printf("ok\n");
	return 0;
}

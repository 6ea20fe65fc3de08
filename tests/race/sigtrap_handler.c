/* The program owns SIGTRAP: it installs a handler with sigaction and,
 * while two threads race on a global counter, each thread raises SIGTRAP
 * twice (raise) and executes an int3 once.  The program's handler must run
 * for each of these 6 traps, and for nothing else: deadbolt's own traps
 * (its breakpoints' int3, or a watchpoint's si_code TRAP_PERF) must never
 * reach it; sigaction must give back the program's handler.  The program
 * checks all of this (exit status 0 only if so), and the race on `counter`
 * must still be found.
 * Twin: global_counter.c (the same race, SIGTRAP left alone).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['signal'] is None
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#ifndef TRAP_PERF
#define TRAP_PERF 6	/* si_code of a perf event's SIGTRAP (Linux 5.13) */
#endif

/* The race lasts this long, whatever the machine's speed: the sampler
 * catches a few accesses per 10 ms window, so time, not a count, finds it. */
#define RACY_MS 500
#define TRAPS_PER_THREAD 3	/* raise, raise, int3 */

volatile long counter;
atomic_int app_traps;		/* SIGTRAPs the program's handler saw */
atomic_int perf_traps;		/* of which from a perf event: none allowed */

static void on_trap(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	atomic_fetch_add(&app_traps, 1);
	if (si->si_code == TRAP_PERF)
		atomic_fetch_add(&perf_traps, 1);
}

#include "now_ms.h"

__attribute__((noinline)) void *bump(void *arg)
{
	long long start = now_ms(), end = start + RACY_MS;
	int traps = 0;

	for (long long t = start; t < end; t = now_ms()) {
		/* the traps spread over the race: at its start, a third
		 * and two thirds of the way */
		if (traps < TRAPS_PER_THREAD &&
		    t >= start + traps * RACY_MS / TRAPS_PER_THREAD) {
			if (traps == TRAPS_PER_THREAD - 1)
				__asm__ volatile("int3");
			else
				raise(SIGTRAP);
			traps++;
		}
		for (int i = 0; i < 1000; i++)
			counter++;
	}
	/* a thread kept off the CPU past a third of the race: the rest now */
	for (; traps < TRAPS_PER_THREAD; traps++)
		if (traps == TRAPS_PER_THREAD - 1)
			__asm__ volatile("int3");
		else
			raise(SIGTRAP);
	return arg;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	struct sigaction cur;
	pthread_t t[2];

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTRAP, &sa, NULL) != 0 ||
	    sigaction(SIGTRAP, NULL, &cur) != 0)
		return 2;
	if (cur.sa_sigaction != on_trap || !(cur.sa_flags & SA_SIGINFO))
		return 3;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, bump, NULL) != 0)
			return 4;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (atomic_load(&perf_traps) != 0)
		return 5;
	if (atomic_load(&app_traps) != 2 * TRAPS_PER_THREAD)
		return 6;
	return counter > 0 ? 0 : 7;
}

/* The same inversion through C11 <threads.h>: threads from thrd_create,
 * mutexes from mtx_init, taken with mtx_lock in one order and mtx_timedlock
 * in the other, joined with thrd_join.  glibc's C11 functions call its
 * pthread functions inside libc, where no preloaded shim sees them: they
 * need shims of their own.  The threads' start routines return ints, which
 * thrd_join must hand back unchanged; mtx_trylock of a held mutex answers
 * thrd_busy; a recursive mutex relocks without an edge.  The program checks
 * those itself (exit 0); the report has the one cycle, between take_ab and
 * take_ba, with both locks created at their mtx_init sites in main.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: all(l['type'] == 'mutex' and l['site'] == 'init' for l in F('lock-order-inversion')[0]['locks'])
 * EXPECT-JSON: len({e['thread'] for e in F('lock-order-inversion')[0]['edges']}) == 2
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <threads.h>
#include <time.h>

static mtx_t a, b, r;

__attribute__((noinline)) int take_ab(void *arg)
{
	mtx_lock(&a);
	mtx_lock(&b);
	int busy = mtx_trylock(&a) == thrd_busy;
	mtx_unlock(&b);
	mtx_unlock(&a);
	return busy ? 41 + (arg != NULL) : 1;
}

__attribute__((noinline)) int take_ba(void *arg)
{
	struct timespec ts;

	timespec_get(&ts, TIME_UTC);
	ts.tv_sec += 60;
	mtx_lock(&b);
	if (mtx_timedlock(&a, &ts) != thrd_success)
		return 1;
	mtx_lock(&r);
	mtx_lock(&r);	/* recursive: no edge, no misuse */
	mtx_unlock(&r);
	mtx_unlock(&r);
	mtx_unlock(&a);
	mtx_unlock(&b);
	return (int)(long)arg;
}

int main(void)
{
	thrd_t t;
	int res = 0;

	if (mtx_init(&a, mtx_plain) != thrd_success || mtx_init(&b, mtx_timed) != thrd_success ||
	    mtx_init(&r, mtx_plain | mtx_recursive) != thrd_success)
		return 2;
	if (thrd_create(&t, take_ab, &res) != thrd_success || thrd_join(t, &res) != thrd_success ||
	    res != 42)
		return 3;
	if (thrd_create(&t, take_ba, (void *)-7L) != thrd_success || thrd_join(t, &res) != thrd_success ||
	    res != -7)
		return 4;
	mtx_destroy(&a);
	mtx_destroy(&b);
	mtx_destroy(&r);
	return 0;
}

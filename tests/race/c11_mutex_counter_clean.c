/* Two C11 threads (thrd_create) increment a global counter under a C11
 * mutex (mtx_lock, and every 16th time mtx_trylock until it succeeds), and
 * signal a condition variable (cnd_signal) a third thread waits on with
 * cnd_wait before reading the counter.  The mutex orders every access:
 * clean.  Without shims for glibc's C11 functions (which call its pthread
 * functions past the pthread shims) no lock would be seen held and the
 * counter would look racy.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <threads.h>

#define CLEAN_MS 400

static mtx_t mu;
static cnd_t cv;
volatile long counter;
static int done;

#include "now_ms.h"

__attribute__((noinline)) int bump(void *arg)
{
	long long end = now_ms() + CLEAN_MS;
	long n = 0;

	while (now_ms() < end)
		for (int i = 0; i < 1000; i++, n++) {
			if (n % 16 == 0)
				while (mtx_trylock(&mu) != thrd_success)
					;
			else
				mtx_lock(&mu);
			counter++;
			mtx_unlock(&mu);
		}
	mtx_lock(&mu);
	done++;
	cnd_signal(&cv);
	mtx_unlock(&mu);
	return (int)(long)arg;
}

__attribute__((noinline)) int watch(void *arg)
{
	long seen = 0;

	mtx_lock(&mu);
	while (done < 2) {
		cnd_wait(&cv, &mu);
		seen = counter;
	}
	mtx_unlock(&mu);
	return seen > 0 ? (int)(long)arg : -1;
}

int main(void)
{
	thrd_t t[3];
	int res;

	if (mtx_init(&mu, mtx_plain) != thrd_success || cnd_init(&cv) != thrd_success)
		return 2;
	if (thrd_create(&t[2], watch, (void *)3L) != thrd_success)
		return 3;
	for (int i = 0; i < 2; i++)
		if (thrd_create(&t[i], bump, (void *)(long)i) != thrd_success)
			return 3;
	for (int i = 0; i < 3; i++)
		if (thrd_join(t[i], &res) != thrd_success || res != i + (i == 2))
			return 4;
	return counter > 0 ? 0 : 5;
}

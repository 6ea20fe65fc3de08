/* Three threads call pthread_once to set up one table and C11 call_once
 * to set up another (one thread in the other order, so that two threads
 * initialise); each initialiser writes its table for 150 ms while the
 * other callers wait, then every thread reads both tables for 300 ms.  pthread_once orders the initialiser's writes before every
 * return of a call on the same control: clean.  Without that
 * happens-before, a write caught in the initialiser and a read caught in
 * the other thread would pair as a race.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <threads.h>

#define INIT_MS 150
#define READ_MS 300

static pthread_once_t once = PTHREAD_ONCE_INIT;
static once_flag c11_once = ONCE_FLAG_INIT;
volatile long table[64];
volatile long c11_table[64];

#include "now_ms.h"

__attribute__((noinline)) void fill(void)
{
	long long end = now_ms() + INIT_MS;

	for (long n = 0; now_ms() < end; n++)
		for (int i = 0; i < 64; i++)
			table[i] = n + i;
}

__attribute__((noinline)) void c11_fill(void)
{
	long long end = now_ms() + INIT_MS;

	for (long n = 0; now_ms() < end; n++)
		for (int i = 0; i < 64; i++)
			c11_table[i] = n + i;
}

__attribute__((noinline)) void *reader(void *arg)
{
	long long end;
	long sum = 0;

	if (arg)
		call_once(&c11_once, c11_fill);
	pthread_once(&once, fill);
	call_once(&c11_once, c11_fill);
	end = now_ms() + READ_MS;
	while (now_ms() < end)
		for (int i = 0; i < 64; i++)
			sum += table[i] + c11_table[i];
	return (void *)(long)(sum != 0);
}

int main(void)
{
	pthread_t t[3];
	void *ok;
	int bad = 0;

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, reader, i == 2 ? (void *)1 : NULL) != 0)
			return 2;
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], &ok);
		bad |= !ok;
	}
	return bad ? 3 : 0;
}

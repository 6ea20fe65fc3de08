/* Under a tracer (strace here; gdb alike) race detection stays off: the
 * tracer owns SIGTRAP and breakpoints.  The program still races on a
 * global, unreported; the report says why race detection was unavailable
 * in that process, and its lock-order inversion is still found.
 * RUN: deadbolt run --json %json -- strace -f -o /dev/null %prog
 * EXPECT: lock-order-inversion 1
 * EXPECT-JSON: any((p.get('race') or {}).get('state') == 'unavailable' and 'debugger' in str(p['race'].get('reason')) for p in j['processes'])
 */
#include <pthread.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
volatile long counter;

#include "now_ms.h"

static void *bump(void *arg)
{
	for (long long end = now_ms() + 200; now_ms() < end;)
		for (int i = 0; i < 1000; i++)
			counter++;
	return arg;
}

int main(void)
{
	pthread_t t[2];

	pthread_mutex_lock(&a);		/* a then b */
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, bump, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_lock(&b);		/* b then a */
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return 0;
}

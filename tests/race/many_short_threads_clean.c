/* Two long-lived workers and 600 short threads (waves of 50, then 300 at
 * once) increment one global counter under one mutex; the main thread reads
 * it after joining them all.  More threads than happens-before has clock
 * components (256) pass through, and in the last wave more are alive than
 * there are components: order must still come through the mutex and the
 * joins, with no race reported.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <stdatomic.h>

#define WAVE 50
#define WAVES 6
#define CROWD 300
#define SHORT_OPS 200

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
volatile long counter;
static atomic_int stop;

__attribute__((noinline)) void bump(void)
{
	pthread_mutex_lock(&lock);
	counter++;
	pthread_mutex_unlock(&lock);
}

__attribute__((noinline)) void *short_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < SHORT_OPS; i++)
		bump();
	return NULL;
}

__attribute__((noinline)) void *long_thread(void *arg)
{
	long n = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		bump();
		n++;
	}
	return (void *)n;
}

static int wave(int n)
{
	pthread_t t[CROWD];

	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, short_thread, NULL) != 0)
			return -1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int main(void)
{
	pthread_t w[2];
	long long_ops = 0;

	for (int i = 0; i < 2; i++)
		if (pthread_create(&w[i], NULL, long_thread, NULL) != 0)
			return 2;
	for (int i = 0; i < WAVES; i++)
		if (wave(WAVE) != 0)
			return 2;
	if (wave(CROWD) != 0)
		return 2;
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++) {
		void *n;
		pthread_join(w[i], &n);
		long_ops += (long)n;
	}
	long expect = (long)(WAVES * WAVE + CROWD) * SHORT_OPS + long_ops;
	return counter != expect;
}

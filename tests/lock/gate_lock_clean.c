/* Two threads take A then B and B then A, but each does so while holding a
 * common outer lock G.  G serialises the two orders: no thread can hold A
 * and wait for B while another holds B and waits for A.  A gate-locked cycle
 * is not a deadlock: clean.  Twin: gate_lock_missing.c.
 * EXPECT: clean
 */
#include <pthread.h>
#include "../run_thread.h"

static pthread_mutex_t g = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *take_gab(void *arg)
{
	pthread_mutex_lock(&g);
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&g);
	return arg;
}

static void *take_gba(void *arg)
{
	pthread_mutex_lock(&g);
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&g);
	return arg;
}

int main(void)
{
	run(take_gab);
	run(take_gba);
	return 0;
}

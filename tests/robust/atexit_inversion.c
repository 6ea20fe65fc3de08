/* Locks taken after main returns: main takes B then A (one thread), and an
 * atexit handler, run by exit() after main's return, takes A then B and
 * frees the block main allocated.  The cycle closes during the exit
 * handlers: the runtime must still watch and log then (its own end-of-
 * process work comes after the program's handlers, as LeakSanitizer's
 * does), so the inversion is reported, and the block freed by the handler
 * is no leak.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ba at_exit_ab
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static char *table;

__attribute__((noinline)) static void take_ba(void)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
}

__attribute__((noinline)) static void at_exit_ab(void)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	free(table);
	table = NULL;
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
}

int main(void)
{
	atexit(at_exit_ab);
	table = malloc(1000);
	if (!table)
		return 2;
	memset(table, 0, 1000);
	take_ba();
	return 0;
}

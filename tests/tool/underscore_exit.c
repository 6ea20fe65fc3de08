/* A clean program that ends with _exit(7) from main: no atexit handlers, no
 * destructors run, yet `deadbolt run` passes the status on (nothing was
 * found) and the report records it.
 * EXPECT: clean
 * EXPECT-EXIT: 7
 * EXPECT-JSON: j['processes'][0]['exit'] == 7
 */
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;

static void *take_a(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, take_a, NULL);
	pthread_join(t, NULL);
	_exit(7);
}

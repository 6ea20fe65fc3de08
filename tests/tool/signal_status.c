/* A clean program that raises SIGABRT: `deadbolt run` found nothing and
 * passes the death on as a shell would (128 + 6 = 134); the report records
 * the signal, not an exit status.  Core dumps are disabled.
 * EXPECT: clean
 * EXPECT-EXIT: 134
 * EXPECT-JSON: j['processes'][0]['signal'] == 6
 * EXPECT-JSON: j['processes'][0]['exit'] is None
 */
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;

static void *take_a(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	return arg;
}

int main(void)
{
	struct rlimit no_core = { 0, 0 };
	pthread_t t;

	setrlimit(RLIMIT_CORE, &no_core);
	pthread_create(&t, NULL, take_a, NULL);
	pthread_join(t, NULL);
	raise(SIGABRT);
	return 0;
}

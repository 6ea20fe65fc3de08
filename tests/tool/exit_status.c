/* A clean program (consistent lock order) that exits with status 3:
 * `deadbolt run` found nothing, so it exits with the program's own status,
 * and the report records it.
 * EXPECT: clean
 * EXPECT-EXIT: 3
 * EXPECT-JSON: j['processes'][0]['exit'] == 3
 * EXPECT-JSON: j['processes'][0]['signal'] is None
 */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, take_ab, NULL);
	pthread_join(t, NULL);
	take_ab(NULL);
	return 3;
}

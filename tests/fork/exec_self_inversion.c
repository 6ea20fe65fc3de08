/* The program execs itself (/proc/self/exe) with the argument "child"
 * without forking: the same pid gets a new image, which forms the A/B
 * inversion with two threads (joined in between).  Both images are traced,
 * each with its own log; the finding belongs to the exec'd image.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len({p['pid'] for p in j['processes']}) == 1
 * EXPECT-JSON: any(p['argv'][1:] == ['child'] and p['exit'] == 0 for p in j['processes'])
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) void *take_ab(void *arg)
{
	pthread_mutex_lock(&a);
	pthread_mutex_lock(&b);
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	return arg;
}

__attribute__((noinline)) void *take_ba(void *arg)
{
	pthread_mutex_lock(&b);
	pthread_mutex_lock(&a);
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	pthread_create(&t, NULL, fn, NULL);
	pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		run(take_ab);
		run(take_ba);
		return 0;
	}
	execl("/proc/self/exe", argv[0], "child", (char *)NULL);
	return 127;
}

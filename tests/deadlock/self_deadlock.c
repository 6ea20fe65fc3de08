/* A thread locks a default (non-recursive) mutex it already holds: it
 * waits for itself forever.  Reported as a deadlock of one thread and as
 * misuse (double lock), then ended.
 * TIMEOUT: 20
 * EXPECT: deadlock 1, misuse 1
 * EXPECT-EXIT: 66
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'double-lock'
 * EXPECT-JSON: len(F('deadlock')[0]['threads']) == 1
 * EXPECT-FUNC: misuse relock
 */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void relock(void)
{
	pthread_mutex_lock(&m);
}

int main(void)
{
	pthread_mutex_lock(&m);
	relock();
	return 0;
}

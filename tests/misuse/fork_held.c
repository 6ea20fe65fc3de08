/* fork() while another thread holds a mutex; the child then takes it and
 * would hang forever (nobody in the child will ever unlock it).  Reported as
 * misuse and as a deadlock in the child, which deadbolt ends.
 * TIMEOUT: 20
 * EXPECT: misuse 1, deadlock 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'fork-held'
 * EXPECT-JSON: F('misuse')[0]['pid'] != j['processes'][0]['pid'] or len(j['processes']) > 1
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t locked, forked;

static void *holder(void *arg)
{
	pthread_mutex_lock(&m);
	pthread_barrier_wait(&locked);
	pthread_barrier_wait(&forked);
	pthread_mutex_unlock(&m);
	return arg;
}

int main(void)
{
	pthread_t t;
	int status;

	pthread_barrier_init(&locked, NULL, 2);
	pthread_barrier_init(&forked, NULL, 2);
	pthread_create(&t, NULL, holder, NULL);
	pthread_barrier_wait(&locked);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&m);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	pthread_barrier_wait(&forked);
	pthread_join(t, NULL);
	return 0;
}

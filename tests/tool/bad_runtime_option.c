/* DEADBOLT_OPTIONS with an unknown key and a bad value, under `deadbolt
 * run`: the runtime says so in one line per key, naming it, falls back to
 * the defaults and never breaks the host: the program runs normally (its
 * consistent locking is clean) and exits 0.
 * ENV: DEADBOLT_OPTIONS=no_such_key=1:stack_depth=abc
 * EXPECT: clean
 * EXPECT-EXIT: 0
 * EXPECT-STDERR: no_such_key
 * EXPECT-STDERR: stack_depth
 * EXPECT-NO-STDERR: no_such_key.*\n[\s\S]*no_such_key
 * EXPECT-NO-STDERR: stack_depth.*\n[\s\S]*stack_depth
 * EXPECT-STDERR: ^bad_runtime_option: done$
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stdio.h>

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
	fputs("bad_runtime_option: done\n", stderr);
	return 0;
}

/* Two threads share a global record through a rwlock: each mostly reads it
 * under rdlock and sometimes rewrites it under wrlock.  A write lock
 * excludes every other holder, and its unlock orders the next lock: reads
 * and writes never race (two read holders only read).  The readers check
 * that the record is never seen half-written.
 * Twin: reader_writer.c (the same without a lock).
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <time.h>

/* Long enough for each word of the record to be sampled many times */
#define CLEAN_MS 300

static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
struct config {
	long version;
	long limit;		/* always version * 3 */
} config;

#include "now_ms.h"

__attribute__((noinline)) void update(long id)
{
	pthread_rwlock_wrlock(&config_lock);
	config.version += id;
	config.limit = config.version * 3;
	pthread_rwlock_unlock(&config_lock);
}

__attribute__((noinline)) int consistent(void)
{
	pthread_rwlock_rdlock(&config_lock);
	int ok = config.limit == config.version * 3;
	pthread_rwlock_unlock(&config_lock);
	return ok;
}

__attribute__((noinline)) void *use_config(void *arg)
{
	long id = (long)arg;
	long long end = now_ms() + CLEAN_MS;
	long bad = 0;

	for (long n = 0; now_ms() < end; n++) {
		if (n % 8 == 0)
			update(id);
		else
			bad += !consistent();
	}
	return (void *)bad;
}

int main(void)
{
	pthread_t t[2];
	long bad = 0;

	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, use_config, (void *)(i + 1)) != 0)
			return 2;
	for (int i = 0; i < 2; i++) {
		void *b;

		pthread_join(t[i], &b);
		bad += (long)b;
	}
	return bad == 0 ? 0 : 3;
}

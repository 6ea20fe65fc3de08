/* Readers hold one rwlock together, over and over, reading a global record
 * while a flag under the lock says it is in use.  The main thread then
 * drains them: it clears the flag under the write lock, and from then on
 * rewrites the record with no lock at all.  Every reader's last read came
 * before its unlock, and every such unlock before the write lock: the
 * writes are ordered after all the reads, whichever reader released last.
 * Readers release at the same time as each other, so a lock that kept only
 * its last release would lose the others' and report their reads as races.
 * The readers are joined only after the writes: no order comes from that.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['traps'] > 0
 */
#include <pthread.h>
#include <unistd.h>

#define READ_MS 200
#define WRITE_MS 300
#define READERS 4

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
struct record {
	long a, b;		/* b is always 2 * a while readers read */
} record = { 1, 2 };
static int in_use = 1;		/* under lock */

#include "now_ms.h"

__attribute__((noinline)) void *reader(void *arg)
{
	long bad = 0;

	(void)arg;
	for (;;) {
		pthread_rwlock_rdlock(&lock);
		if (!in_use) {
			pthread_rwlock_unlock(&lock);
			break;
		}
		long a = record.a, b = record.b;
		for (volatile int i = 0; i < 50; i++)	/* stay a while: holders overlap */
			;
		bad += b != 2 * a;
		pthread_rwlock_unlock(&lock);
	}
	return (void *)bad;
}

__attribute__((noinline)) void rewrite(void)
{
	long long end = now_ms() + WRITE_MS;

	for (long n = 0; now_ms() < end; n++) {
		record.a = n;
		record.b = -n;
	}
}

int main(void)
{
	pthread_t r[READERS];
	long bad = 0;

	for (int i = 0; i < READERS; i++)
		if (pthread_create(&r[i], NULL, reader, NULL) != 0)
			return 2;
	usleep(READ_MS * 1000);
	pthread_rwlock_wrlock(&lock);
	in_use = 0;
	pthread_rwlock_unlock(&lock);
	rewrite();
	for (int i = 0; i < READERS; i++) {
		void *b;
		pthread_join(r[i], &b);
		bad += (long)b;
	}
	return bad != 0;
}

/* While two threads race on a global counter, a third thread keeps setting
 * the protection of the racing code's pages to read+execute (as a program
 * that patches its own code and protects it again does), and once to
 * read+write+execute.  deadbolt writes its breakpoints into that code: the
 * program's mprotect must not leave the code unwritable under it (a crash)
 * nor stop the sampling; the race is still found, and the program ends
 * normally.
 * Twin: global_counter.c (the same race, no mprotect).
 * EXPECT: data-race 1
 * EXPECT-FUNC: data-race bump
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter'
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['signal'] is None
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "racy_counter.h"

static void *protector(void *arg)
{
	uintptr_t page = (uintptr_t)&bump & ~(uintptr_t)4095;
	long long end = now_ms() + RACY_MS;
	int bad = 0;

	(void)arg;
	for (int i = 0; now_ms() < end; i++) {
		int prot = i == 5 ? PROT_READ | PROT_WRITE | PROT_EXEC : PROT_READ | PROT_EXEC;
		bad |= mprotect((void *)page, 2 * 4096, prot) != 0;
		usleep(5000);
	}
	bad |= mprotect((void *)page, 2 * 4096, PROT_READ | PROT_EXEC) != 0;
	return bad ? (void *)1 : NULL;
}

int main(void)
{
	pthread_t p;
	void *bad = (void *)1;

	if (pthread_create(&p, NULL, protector, NULL) != 0)
		return 2;
	int r = race_two();
	pthread_join(p, &bad);
	return r ? r : bad ? 4 : 0;
}

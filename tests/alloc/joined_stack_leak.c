/* A thread allocates a block, keeps it in a local deep down its stack and
 * in a global it clears again, and returns; it is joined.  glibc caches
 * the stack for the next thread, with the pointer still in it (16 KiB
 * below the thread's first frame, where its exit path does not write).
 * A joined thread's stack is no root, whatever else runs in the process:
 * a definite leak.  glibc marks a joined thread's descriptor with tid -1,
 * not the 0 the kernel leaves in one that ended detached.
 * EXPECT: leak 1
 * EXPECT-FUNC: leak lose_deep
 * EXPECT-JSON: F('leak')[0]['leak_kind'] == 'definite' and F('leak')[0]['bytes'] == 77
 * EXPECT-JSON: F('leak')[0]['thread'] == 1
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void *kept;

__attribute__((noinline)) static void lose_deep(void)
{
	char *volatile mine = malloc(77);	/* volatile: on the stack */

	memset(mine, 5, 77);
	kept = mine;
	kept = NULL;
}

__attribute__((noinline)) static void far_down(void)
{
	char pad[16384];

	__asm__ volatile("" : : "r"(pad) : "memory");
	lose_deep();
	__asm__ volatile("" ::: "memory");
}

static void *thread_main(void *arg)
{
	(void)arg;
	far_down();
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);
	return 0;
}

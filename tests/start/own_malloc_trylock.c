/* A program with a malloc of its own, as jemalloc or tcmalloc programs
 * have (rustc, for one): the allocator takes its lock with a try-lock
 * first, and a library's constructor allocates before deadbolt's own
 * constructor ran.  The first call deadbolt sees is then that try-lock,
 * made inside the program's malloc; deadbolt's set-up reads the main
 * thread's stack bounds through libc, which allocates, with the program's
 * malloc.  Were the set-up made while the program held its lock (after
 * the real try-lock), that malloc would wait for its own lock forever.
 * The program runs to its end; its blocks are not deadbolt's to track.
 * BUILD: %cc -shared -fPIC -g -O1 -o %B/libownctor.so %S/own_malloc_ctor_lib.c
 * LDFLAGS: -Wl,--no-as-needed -L%B -lownctor -Wl,-rpath,%B
 * TIMEOUT: 30
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['exit'] == 0
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static _Alignas(16) char heap[32 << 20];
static size_t used;

static void heap_lock_take(void)
{
	if (pthread_mutex_trylock(&heap_lock) != 0)
		pthread_mutex_lock(&heap_lock);
}

void *malloc(size_t n)
{
	void *p = NULL;

	heap_lock_take();
	n = (n + 15) & ~(size_t)15;
	if (n <= sizeof(heap) - used) {
		p = heap + used;
		used += n;
	}
	pthread_mutex_unlock(&heap_lock);
	return p;
}

void *calloc(size_t k, size_t n)
{
	if (n && k > SIZE_MAX / n)
		return NULL;
	void *p = malloc(k * n);
	if (p)
		memset(p, 0, k * n);
	return p;
}

/* blocks are never reused: only the last one grows in place */
void *realloc(void *old, size_t n)
{
	void *p = malloc(n);
	if (p && old) {
		size_t have = (size_t)(heap + used - (char *)old);
		memcpy(p, old, have < n ? have : n);
	}
	return p;
}

void free(void *p)
{
	(void)p;
}

int main(void)
{
	extern int ctor_blocks;
	char *s = malloc(32);

	snprintf(s, 32, "ctor %d", ctor_blocks);
	puts(s);
	return ctor_blocks != 1;
}

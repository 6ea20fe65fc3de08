/* Allocation stacks are cached per thread by the caller's pc and sp and
 * checked against the return addresses on the stack; this program makes
 * that check meet a stale return address.  leaf() allocates (and leaks)
 * from one place at one stack depth three times:
 *   deep() -> top_a() -> mid() -> leaf()   (deeper: leaves top_a's return
 *                                           address in what becomes mid's
 *                                           frame below)
 *   main -> top_a() -> mid() -> leaf()     (through one call site in main)
 *   main -> top_b() -> mid() -> leaf()     (the same site, the same sp)
 * In the last two, everything but top_a/top_b is the same, and the stale
 * copy of top_a's return address sits inside mid's frame, below the real
 * one.  Three distinct stacks, so three leak findings of one block each:
 * one through deep, one through top_a, one through top_b.  A cache that
 * trusted the stale word would give the third block the second's stack.
 * EXPECT: leak 3
 * EXPECT-JSON: sorted(f['blocks'] for f in F('leak')) == [1, 1, 1]
 * EXPECT-JSON: sum(1 for f in F('leak') if any(s['function'] == 'top_b' for s in f['stack'])) == 1
 * EXPECT-JSON: sum(1 for f in F('leak') if any(s['function'] == 'top_a' for s in f['stack']) and not any(s['function'] == 'deep' for s in f['stack'])) == 1
 * EXPECT-JSON: sum(1 for f in F('leak') if any(s['function'] == 'deep' for s in f['stack'])) == 1
 */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void leaf(int k)
{
	char *volatile p = malloc(24);

	p[0] = (char)k;
}

/* A frame with room in it that the program never writes: what an earlier,
 * deeper call left there stays. */
__attribute__((noinline)) void mid(int k)
{
	char pad[512];

	__asm__ volatile("" : : "r"(pad) : "memory");	/* kept, never written */
	leaf(k);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void top_a(void)
{
	mid(1);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void top_b(void)
{
	mid(2);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void deep(void)
{
	char push[160];

	__asm__ volatile("" : : "r"(push) : "memory");
	top_a();
	__asm__ volatile("" ::: "memory");
}

/* Overwrite what the calls left below main's frame (no stale pointer to a
 * leaked block survives the scan). */
__attribute__((noinline)) void scrub(void)
{
	volatile char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 0;
}

void (*volatile next)(void) = top_a;
volatile int calls = 2;	/* unknown to the compiler: one call site for both */

int main(void)
{
	deep();
	for (int i = 0; i < calls; i++) {
		next();
		next = top_b;
	}
	scrub();
	return 0;
}

/* GNU sort with two threads (--parallel=2) under `deadbolt run`, on 300,000
 * generated lines held in one buffer (sort starts a second thread only for
 * at least 2 x 128 Ki lines): the threads merge through a tree of nodes,
 * each with its own pthread mutex, and wait on a condition variable.
 * Healthy code but for one real leak and one real race: GNU sort 9.1
 * (Debian 12) loses one 72-byte block allocated in its main (valgrind
 * --leak-check=full reports the same block, same call site, as definitely
 * lost), and a node of the merge tree writes its parent's lo or hi pointer
 * (*node->dest) holding only its own lock while the parent's thread reads
 * it holding the parent's (Helgrind reports the same pair of instructions
 * in the same 512-byte array of nodes).  The leak is found every run; the
 * race, sampled, some runs: it may be reported, and nothing else may.  The
 * output is byte-identical to a native run.
 * The program below writes the input: ARGS lines of pseudo-random words
 * and numbers (a fixed LCG, the same every run).
 * TIMEOUT: 60
 * RUN: %prog 300000 > %t/in || exit 2
 * RUN: LC_ALL=C sort --parallel=2 -S 64M -T %t -k2,2n -k1,1 %t/in > %t/native.out || exit 3
 * RUN: LC_ALL=C deadbolt run --json %json -- sort --parallel=2 -S 64M -T %t -k2,2n -k1,1 %t/in > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: [ $(wc -l < %t/deadbolt.out) -eq 300000 ] || exit 1
 * RUN: exit $status
 * EXPECT: leak 1, data-race >=0
 * EXPECT-JSON: all(f['location']['kind'] == 'heap' and f['location']['block']['size'] == 512 and all(a['stack'][0]['module'] == '/usr/bin/sort' for a in f['accesses']) for f in F('data-race'))
 * EXPECT-JSON: [(f['leak_kind'], f['bytes'], f['stack'][0]['module']) for f in F('leak')] == [('definite', 72, '/usr/bin/sort')]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	uint64_t x = 88172645463325252ull;
	long n = argc > 1 ? atol(argv[1]) : 1000;

	for (long i = 0; i < n; i++) {
		char word[9];

		x = x * 6364136223846793005ull + 1442695040888963407ull;
		for (int k = 0; k < 8; k++)
			word[k] = (char)('a' + (x >> (8 + 5 * k)) % 26);
		word[8] = '\0';
		printf("%s %u %lu\n", word, (unsigned)(x >> 50), (unsigned long)i);
	}
	return 0;
}

/* xz with two threads under `deadbolt run`: compression of 6 MB in 1 MiB
 * blocks (-T2: a coordinator and two workers handing blocks over under
 * mutexes and condition variables), then threaded decompression of the
 * result.  Healthy code: nothing is reported in either run, the compressed
 * file is byte-identical to the one a native xz makes (multi-threaded xz
 * output depends only on the settings), and it decompresses to the input.
 * The program below writes the input: ARGS lines of words from a small
 * vocabulary (compressible) picked by a fixed LCG.
 * TIMEOUT: 60
 * RUN: %prog 600000 > %t/in || exit 2
 * RUN: xz -T2 --block-size=1MiB -3 -c %t/in > %t/native.xz || exit 3
 * RUN: deadbolt run --json %t/c.json -- xz -T2 --block-size=1MiB -3 -c %t/in > %t/traced.xz || exit 4
 * RUN: cmp %t/native.xz %t/traced.xz || exit 1
 * RUN: deadbolt run --json %json -- xz -T2 -d -c %t/traced.xz > %t/out; status=$?
 * RUN: cmp %t/in %t/out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const words[] = {
	"lock", "mutex", "thread", "join", "wait", "signal", "order", "cycle",
	"graph", "edge", "stack", "frame", "heap", "block", "leak", "race",
};

int main(int argc, char **argv)
{
	uint64_t x = 2463534242ull;
	long n = argc > 1 ? atol(argv[1]) : 1000;

	for (long i = 0; i < n; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		printf("%s %s %u\n", words[(x >> 33) % 16], words[(x >> 45) % 16],
		       (unsigned)((x >> 52) % 1000));
	}
	return 0;
}

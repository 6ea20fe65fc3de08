/* xz with two threads under `deadbolt run`: compression of 6 MB in 1 MiB
 * blocks (-T2: a coordinator and two workers handing blocks over under
 * mutexes and condition variables), then threaded decompression of the
 * result, both from one traced shell.  Healthy code: nothing is reported
 * for either xz process but this: xz built without debugging exits without
 * lzma_end(), so liblzma's worker threads are still running (idle) at exit,
 * neither joined nor detached.  That is exactly deadbolt's `thread-leak`
 * (its own kind, so a suite decides whether it fails on it): one finding
 * from compression and two from decompression, created in lzma_code.
 * Nothing else: no lock-order, deadlock, misuse or heap finding.  The
 * compressed file is byte-identical to the one
 * a native xz makes (threaded xz output depends only on the settings), and
 * it decompresses to the input.
 * The program below writes the input: ARGS lines of words from a small
 * vocabulary (compressible) picked by a fixed LCG.
 * TIMEOUT: 60
 * RUN: %prog 600000 > %t/in || exit 2
 * RUN: xz -T2 --block-size=1MiB -3 -c %t/in > %t/native.xz || exit 3
 * RUN: deadbolt run --json %json -- sh -c 'xz -T2 --block-size=1MiB -3 -c "$1" > "$1.xz" && xz -T2 -d -c "$1.xz" > "$1.out"' sh %t/in; status=$?
 * RUN: cmp %t/native.xz %t/in.xz || exit 1
 * RUN: cmp %t/in %t/in.out || exit 1
 * RUN: exit $status
 * EXPECT: thread-leak 3
 * EXPECT-FUNC: thread-leak lzma_code
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

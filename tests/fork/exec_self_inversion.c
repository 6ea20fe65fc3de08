/* The program execs itself (/proc/self/exe) with the argument "child"
 * without forking: the same pid gets a new image, which forms the A/B
 * inversion with two threads (joined in between).  Both images are traced,
 * each with its own log; the finding belongs to the exec'd image.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 * EXPECT-JSON: len({p['pid'] for p in j['processes']}) == 1
 * EXPECT-JSON: any(p['argv'][1:] == ['child'] and p['exit'] == 0 for p in j['processes'])
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "../ab_ba.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		run(take_ab);
		run(take_ba);
		return 0;
	}
	execl("/proc/self/exe", argv[0], "child", (char *)NULL);
	return 127;
}

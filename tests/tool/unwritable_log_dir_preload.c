/* The runtime alone (LD_PRELOAD, no `deadbolt run`) with a log directory it
 * cannot write: it warns on stderr, naming the directory, and otherwise
 * never breaks the host: the program forms a lock-order inversion (which
 * has nowhere to go), runs to completion and exits with its own status 5.
 * RUN: LD_PRELOAD=%lib DEADBOLT_OPTIONS=log_dir=/proc/x %prog
 * EXPECT-EXIT: 5
 * EXPECT-STDERR: /proc/x
 * EXPECT-STDERR: ^unwritable_log_dir_preload: done$
 */
#include <stdio.h>
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	fputs("unwritable_log_dir_preload: done\n", stderr);
	return 5;
}

/* `deadbolt run` with a flag it does not know refuses to start: usage error,
 * exit 2, and a message naming the flag.  The program must not run.
 * RUN: deadbolt run --no-such-flag -- %prog
 * EXPECT-EXIT: 2
 * EXPECT-STDERR: no-such-flag
 * EXPECT-NO-STDERR: bad_run_option: the program ran
 */
#include <stdio.h>

int main(void)
{
	fputs("bad_run_option: the program ran\n", stderr);
	return 0;
}

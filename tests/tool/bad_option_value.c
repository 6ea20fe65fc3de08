/* `deadbolt run --stack-depth=0`: the option exists but 0 is below its
 * minimum (1, lib/options.inc).  Usage error, exit 2, a message naming the
 * option; the program must not run.
 * RUN: deadbolt run --stack-depth=0 -- %prog
 * EXPECT-EXIT: 2
 * EXPECT-STDERR: stack[-_]depth
 * EXPECT-NO-STDERR: bad_option_value: the program ran
 */
#include <stdio.h>

int main(void)
{
	fputs("bad_option_value: the program ran\n", stderr);
	return 0;
}

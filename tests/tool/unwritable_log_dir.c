/* `deadbolt run --log-dir /proc/nonexistent`: no log could be written
 * there, so run says so, naming the directory, and exits 2 before starting
 * the program (a run whose results would be lost is an error).
 * RUN: deadbolt run --log-dir /proc/nonexistent -- %prog
 * EXPECT-EXIT: 2
 * EXPECT-STDERR: /proc/nonexistent
 * EXPECT-NO-STDERR: unwritable_log_dir: the program ran
 */
#include <stdio.h>

int main(void)
{
	fputs("unwritable_log_dir: the program ran\n", stderr);
	return 5;
}

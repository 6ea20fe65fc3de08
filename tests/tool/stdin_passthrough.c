/* `deadbolt run` leaves the program's stdin alone: piped into run, the
 * input reaches the program, which exits 0 only if it read exactly
 * "hello\n" and then end of file.
 * RUN: printf 'hello\n' | deadbolt run --json %json -- %prog
 * EXPECT: clean
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	char buf[64];

	if (!fgets(buf, sizeof(buf), stdin) || strcmp(buf, "hello\n") != 0)
		return 1;
	return getchar() == EOF ? 0 : 2;
}

/* Debian's python3 starting and stopping: the interpreter keeps pointers
 * to malloc'd blocks in memory it maps itself (its object arenas), which a
 * scan of module data and stacks alone would miss (LeakSanitizer reports
 * false leaks there).  Nothing is reported.
 * RUN: deadbolt run --json %json -- /usr/bin/python3 -c pass
 * EXPECT: clean
 */
int main(void)
{
	return 0;
}

/* The twin of hang_timeout.c: a program that ends well within --timeout is
 * not touched: no hang, its own exit status.
 * RUN: deadbolt run --timeout 20 --json %json -- %prog
 * EXPECT: clean
 * EXPECT-EXIT: 3
 */
int main(void)
{
	return 3;
}

/* The empty program: whatever the loader and libc allocate for themselves
 * is theirs, never reported.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['leaks']['definite_blocks'] == 0
 */
int main(void)
{
	return 0;
}

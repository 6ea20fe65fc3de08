/* A cache of 10 linked nodes and a 4 KiB buffer, reachable from globals
 * (a static pointer, a pointer into the middle of the buffer) at exit:
 * still reachable, so no finding.  Twin: linked_list_leak.c.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['leaks']['reachable_blocks'] >= 11
 * EXPECT-JSON: j['processes'][0]['leaks']['definite_blocks'] == 0
 */
#include <stdlib.h>

struct node {
	struct node *next;
	long payload[2];
};

struct node *cache;		/* not static: the stores must stay */
char *cursor;			/* an interior pointer keeps the buffer */

int main(void)
{
	for (int i = 0; i < 10; i++) {
		struct node *n = malloc(sizeof(*n));
		n->next = cache;
		cache = n;
	}
	char *buf = malloc(4096);
	cursor = buf + 1000;
	return 0;
}

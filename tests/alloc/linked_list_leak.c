/* A linked list of 10 nodes whose head pointer is dropped: the head is a
 * definite leak, the 9 nodes only the list itself points to are indirect.
 * Twin: global_cache_clean.c (the same list kept in a global).
 * EXPECT: leak 2
 * EXPECT-FUNC: leak push_node
 * EXPECT-JSON: sorted((f['leak_kind'], f['blocks'], f['bytes']) for f in F('leak')) == [('definite', 1, 24), ('indirect', 9, 216)]
 */
#include <stdlib.h>

struct node {
	struct node *next;
	long payload[2];
};

__attribute__((noinline)) struct node *push_node(struct node *head)
{
	struct node *n = malloc(sizeof(*n));

	n->next = head;
	n->payload[0] = n->payload[1] = 0;
	return n;
}

__attribute__((noinline)) void build_and_drop(void)
{
	struct node *head = NULL;

	for (int i = 0; i < 10; i++)
		head = push_node(head);
	__asm__ volatile("" : : "r"(head) : "memory");
}

#include "../scrub.h"

int main(void)
{
	build_and_drop();
	scrub();
	return 0;
}

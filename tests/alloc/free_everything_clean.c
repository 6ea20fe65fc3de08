/* Many blocks of many sizes, in several threads, a tree of them, all freed
 * before exit: nothing is reported, nothing is left reachable.
 * Twin: simple_leak.c.
 * EXPECT: clean
 * EXPECT-JSON: j['processes'][0]['leaks']['definite_blocks'] == 0
 * EXPECT-JSON: j['processes'][0]['leaks']['indirect_blocks'] == 0
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define N 2000

static void *churn(void *arg)
{
	void *blocks[N];

	(void)arg;
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < N; i++) {
			blocks[i] = malloc((size_t)(i % 300) + 1);
			memset(blocks[i], i, (size_t)(i % 300) + 1);
		}
		for (int i = 0; i < N; i += 2)
			blocks[i] = realloc(blocks[i], (size_t)(i % 700) + 8);
		for (int i = 0; i < N; i++)
			free(blocks[i]);
	}
	return NULL;
}

struct tree {
	struct tree *left, *right;
	char *label;
};

static struct tree *build(int depth)
{
	if (!depth)
		return NULL;
	struct tree *t = calloc(1, sizeof(*t));
	t->left = build(depth - 1);
	t->right = build(depth - 1);
	t->label = strdup("label");
	return t;
}

static void drop(struct tree *t)
{
	if (!t)
		return;
	drop(t->left);
	drop(t->right);
	free(t->label);
	free(t);
}

int main(void)
{
	pthread_t t[3];

	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	drop(build(12));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* A and B are taken A then B, then destroyed and initialised again at the
 * same addresses, and the new A and B are taken B then A (joined in
 * between).  The re-initialised mutexes are new locks that merely share the
 * old addresses: the old A -> B says nothing about them, so clean.  Twin:
 * ab_ba.c (the same orders without the destroy).
 * EXPECT: clean
 */
#include "../ab_ba.h"

int main(void)
{
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ab);
	pthread_mutex_destroy(&a);
	pthread_mutex_destroy(&b);
	pthread_mutex_init(&a, NULL);
	pthread_mutex_init(&b, NULL);
	run(take_ba);
	return 0;
}

/* free() of a struct whose mutex is still held.
 * EXPECT: misuse 1
 * EXPECT-JSON: F('misuse')[0]['misuse'] == 'free-locked'
 */
#include <pthread.h>
#include <stdlib.h>

struct obj {
	int x;
	pthread_mutex_t lock;
};

int main(void)
{
	struct obj *o = malloc(sizeof(*o));

	pthread_mutex_init(&o->lock, NULL);
	pthread_mutex_lock(&o->lock);
	free(o);
	return 0;
}

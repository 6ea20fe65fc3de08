/* Locks and threads used by another library's constructor, before main:
 * deadbolt initialises on the first call it sees, so the inversion formed
 * there is found, and the program runs normally.
 * BUILD: %cc -shared -fPIC -g -O1 -pthread -o %B/libearly.so %S/early_ctor_lib.c
 * LDFLAGS: -Wl,--no-as-needed -L%B -learly -Wl,-rpath,%B
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion ctor_ab ctor_thread_ba
 */
#include <stdio.h>

int main(void)
{
	printf("main ran\n");
	return 0;
}

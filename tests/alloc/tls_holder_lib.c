/* Helper of tls_clean.c: keeps a block in its own (dynamic) TLS. */
#include <stdlib.h>

static __thread void *held;

void lib_hold(size_t n)
{
	held = malloc(n);
}

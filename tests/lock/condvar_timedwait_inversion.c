/* condvar_inversion.c with pthread_cond_timedwait (one-minute deadline,
 * never reached): the wait re-acquires M on wake-up with A held, the
 * inverse of M -> A, as with pthread_cond_wait.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion waiter
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#define TIMEDWAIT 1
#include "condvar_inversion.c"

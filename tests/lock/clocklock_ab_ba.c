/* Two threads take A then B and B then A with pthread_mutex_clocklock on
 * CLOCK_MONOTONIC with a one-minute deadline (joined in between).  A clock
 * lock blocks like a lock until its deadline: the threads would hang for a
 * minute and then fail, so the inversion counts.  A potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
#define CLOCKLOCK 1
#include "timedlock_ab_ba.c"

/* Twin of recursive_clean.c: a recursive mutex R is taken twice then X by
 * one thread, and X then R by another (joined in between).  Recursion does
 * not help when another thread owns R: a potential deadlock.
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_r_r_x take_x_r
 * EXPECT-JSON: len(F('lock-order-inversion')[0]['edges']) == 2
 */
#define FIRST take_r_r_x
#define SECOND take_x_r
#include "recursive_clean.c"

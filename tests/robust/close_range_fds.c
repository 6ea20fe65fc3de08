/* A daemon-style start with close_range(3, ~0U, 0): one system call that
 * closes every descriptor from 3 up, not seen by a close() shim.  Then the
 * program opens a data file (it gets fd 3, as it would natively) and writes
 * to it while two threads form the A/B inversion (joined in between, no
 * hang), then more lines.  The runtime's log and any descriptor of its own
 * are gone without notice: the program's file must hold exactly what the
 * program wrote (nothing of the runtime's goes into it), and the log must
 * still work, so the inversion is reported.
 * RUN: deadbolt run --json %json -- %prog %t/data; status=$?
 * RUN: printf 'before\nafter\n' | cmp - %t/data || exit 1
 * RUN: exit $status
 * EXPECT: lock-order-inversion 1
 * EXPECT-FUNC: lock-order-inversion take_ab take_ba
 */
/* close_all_fds.c's program, closing with close_range */
#include <unistd.h>
#define CLOSE_FROM_3() close_range(3, ~0U, 0)
#include "close_all_fds.c"

/* The program `make demo` runs (examples/demo.c, included whole): its report
 * must show all it was written to show, a lock-order inversion between the
 * two accounts, a data race on `visitors` and the audit trail's leak (one
 * finding per allocation stack: one per teller).
 * EXPECT: lock-order-inversion 1, data-race 1, leak 2
 * EXPECT-FUNC: lock-order-inversion teller_alice_to_bob teller_bob_to_alice
 * EXPECT-FUNC: data-race branch
 * EXPECT-FUNC: leak audit
 * EXPECT-JSON: F('data-race')[0]['location']['symbol'] == 'visitors'
 * EXPECT-JSON: all(f['leak_kind'] == 'definite' and f['bytes'] == 64 for f in F('leak'))
 */
#include "../../examples/demo.c"

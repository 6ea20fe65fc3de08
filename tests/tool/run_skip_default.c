/* `deadbolt run` does not trace the toolchain a command starts: of two
 * copies of this program that leak, the one named like a compiler driver
 * (x86_64-linux-gnu-gcc-99, matched by the default `*-gcc*`) writes no
 * log and its leak is not reported; those named `helper` and `clangd` (a
 * language server, no compiler) are.  (The fork children have logs of
 * their own until they exec.)
 * EXPECT: leak 1
 * ARGS: %t
 * EXPECT-JSON: all(not p['exe'].endswith('-gcc-99') for p in j['processes'])
 * EXPECT-JSON: sorted(F('leak')[0]['pids']) == sorted(p['pid'] for p in j['processes'] if p['exe'].endswith(('/helper', '/clangd')))
 * EXPECT-JSON: len(F('leak')[0]['pids']) == 2
 * EXPECT-JSON: F('leak')[0]['bytes'] == 100
 */
#include "run_skip.h"

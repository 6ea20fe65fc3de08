/* `deadbolt run` does not trace the toolchain a command starts: of two
 * copies of this program that leak, the one named like a compiler driver
 * (x86_64-linux-gnu-gcc-99, matched by the default `*-gcc*`) writes no
 * log and its leak is not reported; the one named `helper` is.  (The fork
 * children have logs of their own until they exec.)
 * EXPECT: leak 1
 * ARGS: %t
 * EXPECT-JSON: all(not p['exe'].endswith('-gcc-99') for p in j['processes'])
 * EXPECT-JSON: F('leak')[0]['pids'] == [p['pid'] for p in j['processes'] if p['exe'].endswith('/helper')]
 * EXPECT-JSON: F('leak')[0]['bytes'] == 100
 */
#include "run_skip.h"

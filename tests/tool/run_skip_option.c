/* --skip replaces the default list: with `--skip 'help*'` the copy named
 * like a compiler driver is traced (its leak is reported) and `helper` is
 * not; and the command itself is traced whatever the list says (its own
 * name matches `run_skip*`).
 * EXPECT: leak 1
 * RUN: deadbolt run --skip 'help*,run_skip*' --json %json -- %prog %t
 * EXPECT-JSON: sorted(F('leak')[0]['pids']) == sorted(p['pid'] for p in j['processes'] if p['exe'].endswith(('-gcc-99', '/clangd')))
 * EXPECT-JSON: all(not p['exe'].endswith('/helper') for p in j['processes'])
 * EXPECT-JSON: any(p['exe'].endswith('/run_skip_option') and p['ppid'] == j['processes'][0]['ppid'] for p in j['processes'])
 */
#include "run_skip.h"

/* The JSON report's shape (schema 1) on the A/B inversion, run with two
 * arguments, one with a space: header fields, the process with its exact
 * argv and exe, counts, and every frame with all its keys, symbolized to
 * the functions and lines of tests/ab_ba.h, a header (a frame's file is
 * the file its line is in, not the compilation unit).
 * ARGS: alpha 'beta gamma'
 * EXPECT: lock-order-inversion 1
 * EXPECT-JSON: j['tool'] == 'deadbolt' and j['schema'] == 1 and isinstance(j['version'], str)
 * EXPECT-JSON: j['processes'][0]['argv'][1:] == ['alpha', 'beta gamma']
 * EXPECT-JSON: j['processes'][0]['argv'][0].endswith('report_json_schema')
 * EXPECT-JSON: j['processes'][0]['exe'].endswith('/report_json_schema')
 * EXPECT-JSON: j['processes'][0]['exit'] == 0 and j['processes'][0]['signal'] is None
 * EXPECT-JSON: {k: v for k, v in j['counts'].items() if v} == {'lock-order-inversion': 1}
 * EXPECT-JSON: isinstance(j['notes'], list)
 * EXPECT-JSON: all(k in F('lock-order-inversion')[0] for k in ('pid', 'pids', 'summary', 'class', 'locks', 'edges', 'threads'))
 * EXPECT-JSON: F('lock-order-inversion')[0]['pid'] == j['processes'][0]['pid']
 * EXPECT-JSON: isinstance(F('lock-order-inversion')[0]['summary'], str) and F('lock-order-inversion')[0]['summary']
 * EXPECT-JSON: all(set(f) >= {'pc', 'module', 'offset', 'function', 'file', 'line', 'inlined'} for e in F('lock-order-inversion')[0]['edges'] for f in e['stack'] + e['from_stack'])
 * EXPECT-JSON: any((f['file'] or '').endswith('tests/ab_ba.h') and f['line'] > 0 and f['function'] == 'take_ba' for e in F('lock-order-inversion')[0]['edges'] for f in e['stack'])
 * EXPECT-JSON: {e['from'] for e in F('lock-order-inversion')[0]['edges']} == {l['id'] for l in F('lock-order-inversion')[0]['locks']}
 * EXPECT-JSON: {e['thread'] for e in F('lock-order-inversion')[0]['edges']} <= {t['thread'] for t in F('lock-order-inversion')[0]['threads']}
 * EXPECT-JSON: all(t['created_at'] and t['os_tid'] > 0 for t in F('lock-order-inversion')[0]['threads'] if t['thread'] != 0)
 */
#include <pthread.h>

#include "../ab_ba.h"

int main(void)
{
	run(take_ab);
	run(take_ba);
	return 0;
}

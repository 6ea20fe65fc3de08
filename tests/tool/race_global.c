/* Data-race reports from synthetic logs of this program (racelog.c): two
 * processes saw threads T1 (in writer_a, holding a mutex made in
 * init_lock) and T2 (in writer_b, holding nothing) write the global
 * `counter`.  The first log has the race twice, unordered then witnessed
 * with the threads the other way round; the second once, unordered, and no
 * totals (as if killed).  One finding: both sites are one unordered pair,
 * the witnessed record is the one shown, seen 3 times in 2 processes.  The
 * text report gives both accesses, the lock and where it was made, the
 * location and the coverage line; SARIF has a data-race result.  The
 * sampled instruction of the first log's RACE_WATCH record is shown as the
 * function and line it is in.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: deadbolt report %t/logs >&2
 * RUN: deadbolt report --sarif=%t/r.sarif %t/logs >/dev/null; grep -q '"ruleId": "data-race"' %t/r.sarif || echo SARIF-MISSING >&2
 * RUN: deadbolt report --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 1
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: data-race writer_a writer_b init_lock
 * EXPECT-JSON: F('data-race')[0]['summary'] == "data race on 'counter' (+0, 4 bytes): write by thread T1 vs write by thread T2 [witnessed]"
 * EXPECT-JSON: F('data-race')[0]['evidence'] == 'witnessed' and F('data-race')[0]['count'] == 3
 * EXPECT-JSON: F('data-race')[0]['symbol'] == 'counter' and len(F('data-race')[0]['pids']) == 2
 * EXPECT-JSON: F('data-race')[0]['pid'] == j['processes'][0]['pid']
 * EXPECT-JSON: {k: v for k, v in F('data-race')[0]['location'].items() if k != 'address' and k != 'module' and k != 'module_offset'} == {'kind': 'global', 'size': 4, 'symbol': 'counter', 'offset': 0}
 * EXPECT-JSON: F('data-race')[0]['location']['module'].endswith('/race_global') and F('data-race')[0]['location']['address'].startswith('0x')
 * EXPECT-JSON: [(a['thread'], a['write'], a['atomic'], a['stack'][0]['function'], a['locks_held']) for a in F('data-race')[0]['accesses']] == [(2, True, False, 'writer_b', 0), (1, True, False, 'writer_a', 1)]
 * EXPECT-JSON: F('data-race')[0]['accesses'][0]['locks'] == [] and F('data-race')[0]['accesses'][0]['stack'][1]['function'] == 'main'
 * EXPECT-JSON: [(k['id'], k['uid'], k['mode'], k['site'][0]['function']) for k in F('data-race')[0]['accesses'][1]['locks']] == [('M1', 1, 'write', 'init_lock')]
 * EXPECT-JSON: all(f['file'].endswith('race_global.c') and f['line'] > 0 for a in F('data-race')[0]['accesses'] for f in a['stack'])
 * EXPECT-JSON: [l['type'] for l in F('data-race')[0]['locks']] == ['mutex'] and sorted(t['thread'] for t in F('data-race')[0]['threads']) == [1, 2]
 * EXPECT-JSON: j['processes'][0]['race']['state'] == 'on' and j['processes'][0]['race']['reason'] is None and j['processes'][0]['race']['errno'] is None
 * EXPECT-JSON: [j['processes'][0]['race'][k] for k in ('candidates', 'globals', 'heap', 'watched', 'windows', 'window_us', 'watched_us', 'traps', 'dropped', 'slots')] == [10, 5, 2, 1, 5, 10000, 50000, 7, 1, 32]
 * EXPECT-JSON: [{k: v for k, v in l.items() if k not in ('address', 'file', 'line')} for l in j['processes'][0]['race']['locations']] == [{'size': 3, 'kind': 'code', 'symbol': 'writer_a', 'offset': None, 'watched_us': 50000, 'traps': 7, 'threads': 0}]
 * EXPECT-JSON: j['processes'][0]['race']['locations'][0]['file'].endswith('race_global.c') and j['processes'][0]['race']['locations'][0]['line'] > 0
 * EXPECT-JSON: j['processes'][1]['race'] == {'state': 'on', 'reason': None, 'errno': None}
 * EXPECT-STDERR: ^==[0-9]+== deadbolt: data race on 'counter' \(\+0, 4 bytes\): write by thread T1 vs write by thread T2 \[witnessed\]$
 * EXPECT-STDERR: Found in 2 processes
 * EXPECT-STDERR: Seen 3 times
 * EXPECT-STDERR: Witnessed: thread T2 was held at its access when thread T1 made its own
 * EXPECT-STDERR: ^  Write of 4 bytes at 0x[0-9a-f]+ by thread T1, holding M1 \(mutex 0x[0-9a-f]+\):\n    #0 0x[0-9a-f]+ in writer_a .*race_global\.c:[0-9]+\n    #1 0x[0-9a-f]+ in main
 * EXPECT-STDERR: ^  Previous write of 4 bytes at 0x[0-9a-f]+ by thread T2, holding no lock:\n    #0 0x[0-9a-f]+ in writer_b
 * EXPECT-STDERR: ^  Location: global 'counter' \+0 \(.*race_global\+0x[0-9a-f]+\)$
 * EXPECT-STDERR: ^  M1: mutex 0x[0-9a-f]+, initialised at:\n    #0 0x[0-9a-f]+ in init_lock
 * EXPECT-STDERR: ^==[0-9]+== deadbolt: races: sampled 1 of 10 memory-access instructions, 5 windows of 10 ms, 7 accesses caught \(5 to globals, 2 to the heap\)$
 * EXPECT-STDERR: SUMMARY: deadbolt: 1 finding \(data-race: 1\) in 2 processes
 * EXPECT-NO-STDERR: SARIF-MISSING
 */
#include <pthread.h>
#include <unistd.h>

#include "racelog.h"

int counter;
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;

struct site {
	uint64_t pc, caller;
};

__attribute__((noinline)) static void writer_a(struct site *s)
{
	counter++;
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

__attribute__((noinline)) static void writer_b(struct site *s)
{
	counter += 2;
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

__attribute__((noinline)) static void init_lock(struct site *s)
{
	pthread_mutex_init(&mtx, NULL);
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

static struct site a, b, lk;
static uint64_t created;

/* A process that saw the race: T1 holds the mutex, T2 nothing. */
static void process(const char *dir, uint64_t pid, int witnessed, int totals)
{
	struct racelog rl;
	uint64_t addr = (uint64_t)(uintptr_t)&counter;

	rl_open(&rl, dir, pid);
	rl_status(&rl, DB_RACE_STATE_ON, 0, "");
	uint64_t cs = rl_stack(&rl, &created, 1);
	rl_thread(&rl, 1, 0, cs);
	rl_thread(&rl, 2, 0, cs);
	uint64_t ls = rl_stack(&rl, &lk.pc, 2);
	rl_lock(&rl, 1, (uint64_t)(uintptr_t)&mtx, ls);

	struct db_race_access t1 = rl_access(&rl, 1, DB_RACEF_WRITE, a.pc, a.caller);
	struct db_race_access t2 = rl_access(&rl, 2, DB_RACEF_WRITE, b.pc, b.caller);
	t1.nlocks = 1;
	t1.locks[0].uid = 1;
	t1.locks[0].addr = (uint64_t)(uintptr_t)&mtx;
	rl_race(&rl, DB_RACE_UNORDERED, DB_RACE_LOC_GLOBAL, addr, 4, addr, 4, 0, &t1, &t2);
	if (witnessed)
		rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_GLOBAL, addr, 4, addr, 4, 0,
			&t2, &t1);
	if (totals) {
		/* a sampled instruction of writer_a, 3 bytes long */
		struct db_rec_race_watch w = { .h.type = DB_REC_RACE_WATCH, .addr = a.pc - 1,
					       .size = 3, .loc = DB_RACE_LOC_CODE,
					       .watched_us = 50000, .traps = 7 };
		rl_put(&rl, &w, sizeof(w), NULL, 0);
		struct db_rec_race_summary s = {
			.h.type = DB_REC_RACE_SUMMARY, .candidates = 10, .globals = 5,
			.heap = 2, .watched = 1, .windows = 5, .window_us = 10000,
			.watched_us = 50000, .traps = 7, .dropped = 1, .slots = 32,
			.watch_records = 1,
		};
		rl_put(&rl, &s, sizeof(s), NULL, 0);
		rl_exit(&rl, 0);
	}
	rl_close(&rl);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	writer_a(&a);
	writer_b(&b);
	init_lock(&lk);
	created = rl_here();
	process(argv[1], (uint64_t)getpid(), 1, 1);
	process(argv[1], (uint64_t)getpid() + 1, 0, 0);
	return 0;
}

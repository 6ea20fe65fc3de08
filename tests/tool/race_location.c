/* Where a data race is, from a synthetic log (racelog.c).  Heap: two
 * blocks allocated in alloc_site, each raced on at offset 48 by the same
 * two sites (T1 reads in reader_h, T2 writes in writer_h, its record
 * without a stack: pc alone) are one finding seen twice; offset 8 of such a
 * block is another.  A word of this program's image that no symbol covers
 * (16 bytes past its start) is shown as module+offset, memory outside the
 * heap and every module by its address.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: deadbolt report %t/logs >&2
 * RUN: deadbolt report --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 4
 * EXPECT-EXIT: 1
 * EXPECT-FUNC: data-race alloc_site reader_h writer_h
 * EXPECT-JSON: __import__('re').fullmatch(r"data race on heap block of 64 bytes \(\+48, 4 bytes\) allocated at alloc_site \(race_location\.c:[0-9]+\): write by thread T2 vs read by thread T1 \[unordered\]", F('data-race')[0]['summary'])
 * EXPECT-JSON: 'symbol' not in F('data-race')[0] and F('data-race')[0]['count'] == 2 and F('data-race')[0]['evidence'] == 'unordered'
 * EXPECT-JSON: {k: v for k, v in F('data-race')[0]['location'].items() if k != 'block'} == {'kind': 'heap', 'address': '0x10030', 'size': 4, 'symbol': None, 'offset': 48, 'module': None, 'module_offset': None}
 * EXPECT-JSON: {k: v for k, v in F('data-race')[0]['location']['block'].items() if k != 'stack'} == {'address': '0x10000', 'size': 64, 'offset': 48}
 * EXPECT-JSON: [f['function'] for f in F('data-race')[0]['location']['block']['stack']] == ['alloc_site', 'main']
 * EXPECT-JSON: [[f['function'] for f in a['stack']] for a in F('data-race')[0]['accesses']] == [['reader_h', 'main'], ['writer_h']]
 * EXPECT-JSON: [(a['write'], a['atomic']) for a in F('data-race')[0]['accesses']] == [(False, False), (True, False)]
 * EXPECT-JSON: F('data-race')[1]['location']['offset'] == 8 and F('data-race')[1]['count'] == 1 and '(+8, 4 bytes)' in F('data-race')[1]['summary']
 * EXPECT-JSON: F('data-race')[2]['summary'] == 'data race on race_location+0x10 (8 bytes): write by thread T2 vs write by thread T1 [unordered]'
 * EXPECT-JSON: F('data-race')[2]['symbol'] is None and F('data-race')[2]['location']['kind'] == 'word' and F('data-race')[2]['location']['module_offset'] == '0x10' and F('data-race')[2]['location']['offset'] is None
 * EXPECT-STDERR: ^  Location: heap block of 64 bytes at 0x10000, offset 48, allocated at:\n    #0 0x[0-9a-f]+ in alloc_site .*race_location\.c:[0-9]+\n
 * EXPECT-STDERR: ^  Write of 4 bytes at 0x10030 by thread T2, holding no lock:\n    #0 0x[0-9a-f]+ in writer_h .*\n\n  Previous read of 4 bytes at 0x10030 by thread T1, holding no lock:\n    #0 0x[0-9a-f]+ in reader_h
 * EXPECT-STDERR: ^  Location: word at 0x[0-9a-f]+, no symbol \(.*race_location\+0x10\)$
 * EXPECT-STDERR: ^  Location: 0x7f0000001008, in no module and no heap block
 * EXPECT-JSON: F('data-race')[3]['summary'] == 'data race on memory at 0x7f0000001008 (8 bytes): write by thread T2 vs write by thread T1 [witnessed]'
 * EXPECT-JSON: F('data-race')[3]['symbol'] is None and {k: F('data-race')[3]['location'][k] for k in ('kind', 'module', 'offset')} == {'kind': 'other', 'module': None, 'offset': None}
 */
#include <stdlib.h>
#include <unistd.h>

#include "racelog.h"

extern const char __executable_start[];

struct site {
	uint64_t pc, caller;
};

static volatile int sink;

__attribute__((noinline)) static void alloc_site(struct site *s)
{
	free(malloc(64));
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

__attribute__((noinline)) static void reader_h(struct site *s)
{
	sink = sink + 1;
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

__attribute__((noinline)) static void writer_h(struct site *s)
{
	sink = 2;
	s->pc = rl_here();
	s->caller = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

int main(int argc, char **argv)
{
	struct site al, rd, wr;
	struct racelog rl;

	if (argc < 2)
		return 2;
	alloc_site(&al);
	reader_h(&rd);
	writer_h(&wr);
	rl_open_two_threads(&rl, argv[1], (uint64_t)getpid());
	uint64_t bs = rl_stack(&rl, &al.pc, 2);
	for (uint64_t block = 0x10000; block <= 0x20000; block += 0x10000) {
		struct db_race_access t1 = rl_access(&rl, 1, 0, rd.pc, rd.caller);
		struct db_race_access t2 = rl_access(&rl, 2, DB_RACEF_WRITE, wr.pc, 0);
		t2.stack = 0;	/* pc alone */
		rl_race(&rl, DB_RACE_UNORDERED, DB_RACE_LOC_HEAP, block + 48, 4, block, 64,
			bs, &t1, &t2);
	}
	struct db_race_access t1 = rl_access(&rl, 1, 0, rd.pc, rd.caller);
	struct db_race_access t2 = rl_access(&rl, 2, DB_RACEF_WRITE, wr.pc, wr.caller);
	rl_race(&rl, DB_RACE_UNORDERED, DB_RACE_LOC_HEAP, 0x30000 + 8, 4, 0x30000, 64,
		bs, &t1, &t2);

	uint64_t word = (uint64_t)(uintptr_t)__executable_start + 16;
	t1.flags = DB_RACEF_WRITE;
	rl_race(&rl, DB_RACE_UNORDERED, DB_RACE_LOC_WORD, word, 8, word, 8, 0, &t1, &t2);
	rl_race(&rl, DB_RACE_WITNESSED, DB_RACE_LOC_OTHER, 0x7f0000001008, 8, 0x7f0000001008,
		0, 0, &t1, &t2);
	rl_exit(&rl, 0);
	rl_close(&rl);
	return 0;
}

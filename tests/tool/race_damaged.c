/* Damaged race records in a synthetic log (racelog.c): a RACE record too
 * short for its fields, a RACE_STATUS whose reason does not fit, a record
 * of a type this tool does not know, and last a RACE record cut short as a
 * crash in the middle of a write leaves it.  Each bad record is named on
 * stderr and skipped; the races before and between them are reported and
 * the log is marked partial.  Exit 1: findings.
 * RUN: mkdir %t/logs && %prog %t/logs
 * RUN: deadbolt report --json %json %t/logs
 * SOURCES: tests/tool/racelog.c
 * EXPECT: data-race 2
 * EXPECT-EXIT: 1
 * EXPECT-STDERR: deadbolt\.[0-9]+\.log:record [0-9]+: RACE record too short \(24 bytes, needs [0-9]+\); skipped
 * EXPECT-STDERR: deadbolt\.[0-9]+\.log:record [0-9]+: RACE_STATUS record: 1000 bytes of data do not fit
 * EXPECT-STDERR: deadbolt\.[0-9]+\.log:record [0-9]+: truncated record \(size [0-9]+, only [0-9]+ bytes left\); report is partial
 * EXPECT-JSON: sorted(f['symbol'] for f in F('data-race')) == ['first', 'second']
 * EXPECT-JSON: j['processes'][0]['partial'] is True and j['processes'][0]['race']['state'] == 'on'
 * EXPECT-JSON: [l['symbol'] for l in j['processes'][0]['race']['locations']] == ['second']
 */
#include <string.h>
#include <unistd.h>

#include "racelog.h"

long first, second, third;

__attribute__((noinline)) static uint64_t site_a(void)
{
	first = 1;
	return rl_here();
}

__attribute__((noinline)) static uint64_t site_b(void)
{
	second = 2;
	return rl_here();
}

static void race_on(struct racelog *rl, long *where, uint64_t a, uint64_t b)
{
	struct db_race_access w = rl_access(rl, 1, DB_RACEF_WRITE, a, 0);
	struct db_race_access r = rl_access(rl, 2, 0, b, 0);
	uint64_t p = (uint64_t)(uintptr_t)where;

	rl_race(rl, DB_RACE_UNORDERED, DB_RACE_LOC_GLOBAL, p, 8, p, 8, 0, &w, &r);
}

int main(int argc, char **argv)
{
	struct racelog rl;
	uint64_t a, b;

	if (argc < 2)
		return 2;
	a = site_a();
	b = site_b();
	rl_open_two_threads(&rl, argv[1], (uint64_t)getpid());
	race_on(&rl, &first, a, b);

	struct db_rec_race short_race = { .h.type = DB_REC_RACE, .addr = 1 };
	rl_put(&rl, &short_race, 24, NULL, 0);
	struct db_rec_race_status st = { .h.type = DB_REC_RACE_STATUS,
					 .state = DB_RACE_STATE_UNAVAILABLE, .len = 1000 };
	rl_put(&rl, &st, sizeof(st), "too long", 8);
	uint64_t unknown[3] = { 0, 0x1234, 0x5678 };
	((struct db_rec *)unknown)->type = 200;
	rl_put(&rl, unknown, sizeof(unknown), NULL, 0);

	race_on(&rl, &second, a, b);
	struct db_rec_race_watch wt = { .h.type = DB_REC_RACE_WATCH,
					.addr = (uint64_t)(uintptr_t)&second, .size = 8,
					.loc = DB_RACE_LOC_GLOBAL, .watched_us = 10, .traps = 2,
					.threads = 2 };
	rl_put(&rl, &wt, sizeof(wt), NULL, 0);

	/* the last record, cut in the middle */
	struct db_rec_race cut;
	memset(&cut, 0, sizeof(cut));
	cut.h.type = DB_REC_RACE;
	cut.h.size = sizeof(cut);
	cut.addr = (uint64_t)(uintptr_t)&third;
	cut.size = 8;
	rl_raw(&rl, &cut, sizeof(cut) / 2);
	rl_close(&rl);
	return 0;
}

/* The DEADBOLT_OPTIONS parser on its own, linked from lib/ with ASan and
 * UBSan: defaults, every type, blanks, bare booleans, and that each bad key
 * or value yields exactly one message naming it while the rest still apply.
 * SOURCES: lib/options.c lib/fmt.c
 * SANITIZE: yes
 * EXPECT-EXIT: 0
 * RUN: %prog
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* fmt.c's db_note() logs through log.c, which this test does not link */
void db_log_write(const void *rec)
{
	(void)rec;
}

static char msgs[8][256];
static int nmsgs;

static void warn(const char *m)
{
	if (nmsgs < 8)
		snprintf(msgs[nmsgs], sizeof(msgs[0]), "%s", m);
	nmsgs++;
}

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); exit(1); } } while (0)

int main(void)
{
	struct db_options o;
	char buf[1024];

	db_options_parse(&o, NULL, warn);
	CHECK(nmsgs == 0);
	CHECK(o.lock_order == 1 && o.lock_classes == 0 && o.stack_depth == 24);
	CHECK(o.log_dir[0] == '\0');

	db_options_parse(&o, "lock_classes=1: stack_depth=7 :log_dir=/x/y:lock_order=no", warn);
	CHECK(nmsgs == 0);
	CHECK(o.lock_classes == 1 && o.stack_depth == 7 && o.lock_order == 0);
	CHECK(strcmp(o.log_dir, "/x/y") == 0);

	db_options_parse(&o, "lock_classes", warn);	/* bare boolean means 1 */
	CHECK(nmsgs == 0 && o.lock_classes == 1);

	db_options_parse(&o, "no_such_key=1:stack_depth=abc:stack_depth=0:lock_order=maybe:verbosity=2", warn);
	CHECK(nmsgs == 4);
	CHECK(strstr(msgs[0], "no_such_key") && strstr(msgs[0], "unknown"));
	CHECK(strstr(msgs[1], "stack_depth") && strstr(msgs[1], "'abc'"));
	CHECK(strstr(msgs[2], "stack_depth") && strstr(msgs[2], "'0'"));
	CHECK(strstr(msgs[3], "lock_order"));
	CHECK(o.stack_depth == 24 && o.lock_order == 1 && o.verbosity == 2);

	nmsgs = 0;
	db_options_parse(&o, "on_deadlock=abort", warn);
	CHECK(nmsgs == 0 && o.on_deadlock == DB_ON_DEADLOCK_ABORT);
	db_options_parse(&o, "on_deadlock=report", warn);
	CHECK(nmsgs == 0 && o.on_deadlock == DB_ON_DEADLOCK_REPORT);
	db_options_parse(&o, "on_deadlock=explode", warn);
	CHECK(nmsgs == 1 && strstr(msgs[0], "on_deadlock") && strstr(msgs[0], "report|exit|abort"));
	CHECK(o.on_deadlock == DB_ON_DEADLOCK_EXIT);
	db_options_format(&o, buf, sizeof(buf));
	CHECK(strstr(buf, "on_deadlock=exit"));

	nmsgs = 0;
	db_options_parse(&o, "::=:=1:stack_depth=", warn);	/* junk: no crash */
	CHECK(o.stack_depth == 24);

	db_options_format(&o, buf, sizeof(buf));
	CHECK(strstr(buf, "stack_depth=24") && strstr(buf, "lock_order=1"));
	/* a tiny buffer is cut, never overrun */
	CHECK(db_options_format(&o, buf, 8) < 8 && strlen(buf) < 8);
	return 0;
}

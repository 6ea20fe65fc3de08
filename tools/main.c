/* main.c - the `deadbolt` command line: dispatch to run/report, help and
 * version texts, the runtime-option table (generated from lib/options.inc,
 * so a new runtime option is a `deadbolt run` flag with no change here),
 * and the small helpers every command uses (flag matching, allocation).
 *
 * Only main() exits; cmd_run() and cmd_report() return the exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

bool tool_oom;

const struct rt_opt rt_opts[] = {
#define DB_OPT_BOOL(n, d, h)		{ #n, RT_BOOL, d, 0, 1, NULL, h },
#define DB_OPT_INT(n, d, l, u, h)	{ #n, RT_INT, d, l, u, NULL, h },
#define DB_OPT_STR(n, d, h)		{ #n, RT_STR, 0, 0, 0, d, h },
#define DB_OPT_ENUM(n, d, names, h)	{ #n, RT_ENUM, d, 0, 0, names, h },
#include "options.inc"
#undef DB_OPT_BOOL
#undef DB_OPT_INT
#undef DB_OPT_STR
#undef DB_OPT_ENUM
};
const size_t rt_nopts = ARRAY_SIZE(rt_opts);

const struct rt_opt *rt_opt_find(const char *key)
{
	for (size_t i = 0; i < rt_nopts; i++)
		if (!strcmp(rt_opts[i].key, key))
			return &rt_opts[i];
	return NULL;
}

const char *rt_enum_name(const struct rt_opt *o, long i, char *buf, size_t n)
{
	const char *p = o->sdef;

	while (i-- > 0 && p && (p = strchr(p, '|')))
		p++;
	if (!p)
		return "?";
	snprintf(buf, n, "%.*s", (int)strcspn(p, "|"), p);
	return buf;
}

long rt_enum_index(const struct rt_opt *o, const char *name)
{
	long i = 0;

	for (const char *p = o->sdef; *p; i++) {
		size_t len = strcspn(p, "|");
		if (len == strlen(name) && !strncmp(p, name, len))
			return i;
		p += len + (p[len] == '|');
	}
	return -1;
}

/* ---- allocation ----------------------------------------------------------- */

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		tool_oom = true;
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		tool_oom = true;
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		tool_oom = true;
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		tool_oom = true;
	}
	va_end(ap);
	return s;
}

/* ---- flags ---------------------------------------------------------------- */

int opt_match(int argc, char **argv, int *i, const char *name, const char *shrt,
	      bool needs, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	*val = NULL;
	if (shrt && !strncmp(a, shrt, strlen(shrt))) {
		const char *rest = a + strlen(shrt);
		if (!*rest && !needs)
			return 1;
		if (*rest && needs) {
			*val = rest;		/* -oFILE */
			return 1;
		}
		if (!*rest)
			goto next;
	}
	if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, n) ||
	    (a[2 + n] != '\0' && a[2 + n] != '='))
		return 0;
	if (a[2 + n] == '=') {
		*val = a + 3 + n;
		return 1;
	}
	if (!needs)
		return 1;
next:
	if (*i + 1 >= argc) {
		fprintf(stderr, "deadbolt: error: option %s needs a value\n", a);
		return -EINVAL;
	}
	*val = argv[++*i];
	return 1;
}

int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

/* ---- help ----------------------------------------------------------------- */

/* `deadbolt run` flags of its own: a runtime option with the same name is
 * set through them, so the runtime list does not show it. */
static const char *const run_flags[] = {
	"format", "output", "json", "sarif", "dot", "suppressions", "quiet",
	"error-exitcode", "log-dir", "keep-logs", "timeout", "help",
};

static void dashed(const char *key, char *buf, size_t n)
{
	size_t i;

	for (i = 0; key[i] && i + 1 < n; i++)
		buf[i] = key[i] == '_' ? '-' : key[i];
	buf[i] = '\0';
}

/* "  --flag   help text (default)", the text wrapped under column 28. */
static void help_line(FILE *f, const char *flag, const char *help, const char *def)
{
	char text[1024];
	const char *p = text;
	int col;

	snprintf(text, sizeof(text), "%s (%s)", help, def);
	col = fprintf(f, "  %-24s", flag);
	if (col > 26) {
		fputc('\n', f);
		col = 0;
	}
	while (*p) {
		size_t room = 79 - 27, n = strlen(p);
		if (n > room) {
			n = room;
			while (n > 0 && p[n] != ' ')
				n--;
			if (n == 0)
				n = strcspn(p, " ");
		}
		fprintf(f, "%*s%.*s\n", col ? 1 : 27, "", (int)n, p);
		col = 0;
		p += n;
		while (*p == ' ')
			p++;
	}
}

static void usage_main(FILE *f)
{
	fprintf(f,
"usage: deadbolt run [options] [--] CMD [ARGS...]\n"
"       deadbolt report [options] LOG|DIR...\n"
"       deadbolt help [run|report]\n"
"       deadbolt --version\n"
"\n"
"Finds lock-order inversions (potential deadlocks), actual deadlocks,\n"
"stalls and hangs, data races, pthread misuse and thread, descriptor and\n"
"memory leaks in existing Linux programs: libdeadbolt.so is preloaded into\n"
"the program and every process it starts, each writes a raw log, and\n"
"deadbolt turns the logs into a symbolized report (text, JSON, SARIF or\n"
"Graphviz).\n"
"\n"
"  run      run CMD under deadbolt, then report; exits 66 on findings\n"
"  report   report from the logs of an earlier run (post mortem); exits 1\n"
"           on findings\n"
"  help     this text, or the options of one command\n"
"\n"
"See 'deadbolt help run', 'deadbolt help report' and deadbolt(1).\n");
}

static const char *const out_help =
"  --format FMT          main report: text (default), json, sarif or dot\n"
"  -o, --output FILE     main report to FILE ('-': stdout)\n"
"  --suppressions FILE   drop findings matching FILE's KIND:PATTERN lines\n"
"                        (repeatable; KIND: a kind, deadlock, race, leak,\n"
"                        misuse, thread or *; PATTERN: a glob matched against\n"
"                        every frame's function, file and module, and a data\n"
"                        race's symbol)\n"
"  -q, --quiet           no text report when nothing was found\n";

void usage_run(FILE *f)
{
	fprintf(f,
"usage: deadbolt run [options] [--] CMD [ARGS...]\n"
"\n"
"Runs CMD (found in PATH) with libdeadbolt.so preloaded; CMD and every\n"
"process it starts write a log.  When CMD ends, the logs are read and the\n"
"report goes to stderr.  `--` is needed only when CMD starts with '-'.\n"
"\n"
"Report:\n"
"  --json FILE           also write the JSON report (schema %d) to FILE\n"
"  --sarif FILE          also write a SARIF 2.1.0 report to FILE\n"
"  --dot FILE            also write the lock graph of the cycles to FILE\n"
"%s"
"  --error-exitcode N    exit status when something was found (default 66)\n"
"  --timeout SECS        past SECS, dump every thread of every process (hang\n"
"                        findings) and kill them; exit 124 if nothing found\n"
"\n"
"Logs:\n"
"  --log-dir DIR         write the logs to DIR (created if missing), keep them\n"
"  --keep-logs           keep the temporary log directory\n"
"\n"
"Runtime options (also DEADBOLT_OPTIONS=key=value:...; --NAME VALUE or\n"
"--NAME=VALUE; a boolean flag alone means 1):\n", DB_JSON_SCHEMA, out_help);
	for (size_t i = 0; i < rt_nopts; i++) {
		const struct rt_opt *o = &rt_opts[i];
		char name[64], flag[96], def[64];
		bool shadowed = false;

		dashed(o->key, name, sizeof(name));
		for (size_t j = 0; j < ARRAY_SIZE(run_flags); j++)
			shadowed = shadowed || !strcmp(name, run_flags[j]);
		if (shadowed)
			continue;
		switch (o->type) {
		case RT_BOOL:
			snprintf(flag, sizeof(flag), "--%s[=0|1]", name);
			snprintf(def, sizeof(def), "default %ld", o->def);
			break;
		case RT_INT:
			snprintf(flag, sizeof(flag), "--%s=N", name);
			snprintf(def, sizeof(def), "%ld..%ld, default %ld", o->lo, o->hi, o->def);
			break;
		case RT_ENUM:
			snprintf(flag, sizeof(flag), "--%s=WORD", name);
			snprintf(def, sizeof(def), "%s, default ", o->sdef);
			rt_enum_name(o, o->def, def + strlen(def), sizeof(def) - strlen(def));
			break;
		default:
			snprintf(flag, sizeof(flag), "--%s=TEXT", name);
			snprintf(def, sizeof(def), "default %s",
				 o->sdef && o->sdef[0] ? o->sdef : "unset");
			break;
		}
		help_line(f, flag, o->help, def);
	}
	fprintf(f,
"\n"
"Exit status: CMD's own when nothing was found; the --error-exitcode when\n"
"something was found; 128+N when CMD was killed by signal N; 124 when it was\n"
"killed at --timeout; 127 when CMD was not found, 126 when it could not be\n"
"run; 2 on usage errors.\n"
"Environment: DEADBOLT_LIB (the runtime; default ../lib/libdeadbolt.so next\n"
"to this program), TMPDIR, DEADBOLT_OPTIONS and LD_PRELOAD (kept, ours first).\n");
}

void usage_report(FILE *f)
{
	fprintf(f,
"usage: deadbolt report [options] LOG|DIR...\n"
"\n"
"Reports from raw logs (a DIR means every *.log in it): the same report as\n"
"`deadbolt run`, to stdout.\n"
"\n"
"  --json FILE, --sarif FILE, --dot FILE (or --json=FILE ...)\n"
"                        also write that format to FILE\n"
"  --json, --sarif, --dot  followed by a LOG or DIR: the main report in that\n"
"                        format (a log is never taken as an output)\n"
"%s"
"\n"
"Exit status: 0 when nothing was found, 1 when something was found, 2 on\n"
"usage errors or when no log could be read.\n", out_help);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		usage_main(stderr);
		return 2;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("deadbolt %s\n", DB_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		const char *what = argc > 2 ? argv[2] : NULL;
		if (!what)
			usage_main(stdout);
		else if (!strcmp(what, "run"))
			usage_run(stdout);
		else if (!strcmp(what, "report"))
			usage_report(stdout);
		else {
			fprintf(stderr, "deadbolt: error: no help on '%s' (run or report)\n",
				what);
			return 2;
		}
		return 0;
	}
	fprintf(stderr, "deadbolt: error: unknown command '%s'; see 'deadbolt --help'\n",
		cmd);
	return 2;
}

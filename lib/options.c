/* options.c - DEADBOLT_OPTIONS="key=value:key=value", parsed once at start
 * from the table in options.inc.  Unknown keys and bad values get one line
 * on stderr naming them and keep their defaults; nothing here can fail the
 * program.  secure_getenv: a set-uid program runs with the defaults.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

struct db_options db_opt;

enum { T_BOOL, T_INT, T_STR, T_ENUM };

static const struct opt_desc {
	const char *name;
	int type;
	long def, lo, hi;
	const char *sdef;	/* T_STR: default; T_ENUM: "a|b|c" */
	size_t off;
} opts[] = {
#define DB_OPT_BOOL(n, d, h)		{ #n, T_BOOL, d, 0, 1, NULL, offsetof(struct db_options, n) },
#define DB_OPT_INT(n, d, l, u, h)	{ #n, T_INT, d, l, u, NULL, offsetof(struct db_options, n) },
#define DB_OPT_STR(n, d, h)		{ #n, T_STR, 0, 0, 0, d, offsetof(struct db_options, n) },
#define DB_OPT_ENUM(n, d, names, h)	{ #n, T_ENUM, d, 0, 0, names, offsetof(struct db_options, n) },
#include "options.inc"
#undef DB_OPT_BOOL
#undef DB_OPT_INT
#undef DB_OPT_STR
#undef DB_OPT_ENUM
};

static void set_defaults(struct db_options *o)
{
	for (size_t i = 0; i < DB_ARRAY_SIZE(opts); i++) {
		char *f = (char *)o + opts[i].off;
		if (opts[i].type == T_BOOL || opts[i].type == T_ENUM)
			*(int *)f = (int)opts[i].def;
		else if (opts[i].type == T_INT)
			*(long *)f = opts[i].def;
		else
			db_fmt(f, sizeof(o->log_dir), "%s", opts[i].sdef);
	}
}

static bool parse_bool(const char *v, size_t n, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (strlen(yes[i]) == n && !strncasecmp(v, yes[i], n))
			return *out = 1, true;
		if (strlen(no[i]) == n && !strncasecmp(v, no[i], n))
			return *out = 0, true;
	}
	return false;
}

static bool parse_long(const char *v, size_t n, long *out)
{
	long x = 0;
	bool neg = false;
	size_t i = 0;

	if (n && v[0] == '-')
		neg = true, i++;
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > 100000000000L)
			return false;
		x = x * 10 + (v[i] - '0');
	}
	*out = neg ? -x : x;
	return true;
}

/* Index of v in "a|b|c", or -1. */
static int enum_index(const char *names, const char *v, size_t n)
{
	int i = 0;

	for (const char *p = names; *p; i++) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return i;
		p += len + (e != NULL);
	}
	return -1;
}

/* The i-th name of "a|b|c" into buf. */
static const char *enum_name(const char *names, int i, char *buf, size_t n)
{
	const char *p = names;

	while (i-- > 0 && (p = strchr(p, '|')))
		p++;
	if (!p)
		return "?";
	const char *e = strchr(p, '|');
	size_t len = e ? (size_t)(e - p) : strlen(p);
	db_fmt(buf, len + 1 < n ? len + 1 : n, "%s", p);
	return buf;
}

static void one(struct db_options *o, const char *k, size_t kn, const char *v,
		size_t vn, bool has_value, void (*warn)(const char *))
{
	char msg[256];

	for (size_t i = 0; i < DB_ARRAY_SIZE(opts); i++) {
		const struct opt_desc *d = &opts[i];
		if (strlen(d->name) != kn || strncmp(d->name, k, kn))
			continue;
		char *f = (char *)o + d->off;
		int b, ix;
		long x;
		if (!has_value && d->type == T_BOOL) {
			*(int *)f = 1;
		} else if (d->type == T_BOOL && parse_bool(v, vn, &b)) {
			*(int *)f = b;
		} else if (d->type == T_INT && parse_long(v, vn, &x) && x >= d->lo && x <= d->hi) {
			*(long *)f = x;
		} else if (d->type == T_ENUM && (ix = enum_index(d->sdef, v, vn)) >= 0) {
			*(int *)f = ix;
		} else if (d->type == T_STR && has_value && vn < sizeof(o->log_dir)) {
			memcpy(f, v, vn);
			f[vn] = '\0';
		} else {
			char val[64];
			db_fmt(val, sizeof(val) < vn + 1 ? sizeof(val) : vn + 1, "%s", v);
			if (d->type == T_INT)
				db_fmt(msg, sizeof(msg), "DEADBOLT_OPTIONS: bad value '%s' for %s "
				       "(an integer %ld..%ld); using %ld", val, d->name,
				       d->lo, d->hi, *(long *)f);
			else if (d->type == T_ENUM)
				db_fmt(msg, sizeof(msg), "DEADBOLT_OPTIONS: bad value '%s' for %s "
				       "(one of %s)", val, d->name, d->sdef);
			else if (d->type == T_BOOL)
				db_fmt(msg, sizeof(msg), "DEADBOLT_OPTIONS: bad value '%s' for %s "
				       "(0 or 1); using %d", val, d->name, *(int *)f);
			else
				db_fmt(msg, sizeof(msg), "DEADBOLT_OPTIONS: bad value for %s "
				       "(a string of at most %zu bytes)", d->name,
				       sizeof(o->log_dir) - 1);
			warn(msg);
		}
		return;
	}
	char key[64];
	db_fmt(key, sizeof(key) < kn + 1 ? sizeof(key) : kn + 1, "%s", k);
	db_fmt(msg, sizeof(msg), "DEADBOLT_OPTIONS: unknown option '%s' (ignored)", key);
	warn(msg);
}

void db_options_parse(struct db_options *o, const char *s,
		      void (*warn)(const char *msg))
{
	set_defaults(o);
	while (s && *s) {
		const char *end = strchr(s, ':');
		if (!end)
			end = s + strlen(s);
		const char *eq = memchr(s, '=', (size_t)(end - s));
		const char *kend = eq ? eq : end;
		/* skip blanks around keys and values: "a=1: b = 2" works */
		while (s < kend && (*s == ' ' || *s == '\t'))
			s++;
		size_t kn = (size_t)(kend - s);
		while (kn && (s[kn - 1] == ' ' || s[kn - 1] == '\t'))
			kn--;
		const char *v = eq ? eq + 1 : end;
		size_t vn = eq ? (size_t)(end - v) : 0;
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
			vn--;
		if (kn)
			one(o, s, kn, v, vn, eq != NULL, warn);
		s = *end ? end + 1 : end;
	}
}

size_t db_options_format(const struct db_options *o, char *buf, size_t n)
{
	size_t at = 0;

	for (size_t i = 0; i < DB_ARRAY_SIZE(opts); i++) {
		const char *f = (const char *)o + opts[i].off;
		const char *sep = i ? ":" : "";
		if (at >= n)
			break;
		if (opts[i].type == T_BOOL)
			at += db_fmt(buf + at, n - at, "%s%s=%d", sep, opts[i].name, *(const int *)f);
		else if (opts[i].type == T_INT)
			at += db_fmt(buf + at, n - at, "%s%s=%ld", sep, opts[i].name, *(const long *)f);
		else if (opts[i].type == T_ENUM) {
			char nb[32];
			at += db_fmt(buf + at, n - at, "%s%s=%s", sep, opts[i].name,
				     enum_name(opts[i].sdef, *(const int *)f, nb, sizeof(nb)));
		}
		else
			at += db_fmt(buf + at, n - at, "%s%s=%s", sep, opts[i].name, f);
	}
	return at < n ? at : (n ? n - 1 : 0);
}

static void warn_line(const char *msg)
{
	db_warn("%s", msg);
}

void db_options_init(void)
{
	db_options_parse(&db_opt, secure_getenv("DEADBOLT_OPTIONS"), warn_line);
}

/* Does the skip option name this process's executable?  Each glob is tried
 * on the executable's path and on its file name.  The command `deadbolt
 * run` starts (its child: it passed its pid) is never skipped. */
bool db_options_skip_exe(void)
{
	char path[PATH_MAX], glob[sizeof(db_opt.skip)];
	const char *s = db_opt.skip;

	if (!*s || (db_opt.run_pid && getppid() == db_opt.run_pid))
		return false;
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return false;
	path[n] = '\0';
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	while (*s) {
		size_t k = strcspn(s, ",");
		if (k > 0 && k < sizeof(glob)) {
			memcpy(glob, s, k);
			glob[k] = '\0';
			if (fnmatch(glob, path, 0) == 0 || fnmatch(glob, base, 0) == 0)
				return true;
		}
		s += k + (s[k] == ',');
	}
	return false;
}

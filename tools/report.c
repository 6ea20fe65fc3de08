/* report.c - from logs to a report, and the `deadbolt report` command.
 *
 * Logs are read (logread.c) and sorted by start time; each finding record
 * becomes a struct finding (finding.c); findings with the same dedup key
 * (the same code paths, whatever the addresses and pids) merge into one
 * that lists every pid; suppressions drop some; the rest go to the writers
 * (out_*.c) in the order the logs made them.  Also the output flags shared
 * by `run` and `report`, and `deadbolt report` itself.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"


const char *const kind_names[K_NKINDS] = {
	[K_LOCK_ORDER] = "lock-order-inversion",
	[K_DEADLOCK] = "deadlock",
	[K_DATA_RACE] = "data-race",
	[K_LEAK] = "leak",
	[K_MISUSE] = "misuse",
	[K_STALL] = "stall",
	[K_HANG] = "hang",
	[K_THREAD_LEAK] = "thread-leak",
	[K_FD_LEAK] = "fd-leak",
};

/* ---- small helpers the writers share ------------------------------------ */

const char *report_path(const char *path)
{
	static char cwd[PATH_MAX];
	static bool have_cwd;
	size_t n;

	if (!path)
		return NULL;
	if (!have_cwd) {
		have_cwd = true;
		if (!getcwd(cwd, sizeof(cwd)))
			cwd[0] = '\0';
	}
	n = strlen(cwd);
	if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

const char *signal_name(int sig, char *buf, size_t n)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, n, "SIG%s", abbrev);
	else
		snprintf(buf, n, "signal %d", sig);
	return buf;
}

const char *lock_kind_name(uint32_t kind)
{
	switch (kind) {
	case DB_LOCK_MUTEX:
		return "mutex";
	case DB_LOCK_RWLOCK:
		return "rwlock";
	case DB_LOCK_SPIN:
		return "spinlock";
	case DB_LOCK_CUSTOM:
		return "custom";
	default:
		return NULL;
	}
}

const char *process_name(const struct dlog *l)
{
	if (l->argc && l->argv[0] && l->argv[0][0])
		return l->argv[0];
	return l->exe ? l->exe : "?";
}

void report_note(struct report *r, uint64_t pid, enum note_level level,
		 const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text) {
		tool_oom = true;
		return;
	}
	if (r->nnotes == r->notes_cap) {
		size_t cap = r->notes_cap ? 2 * r->notes_cap : 8;
		struct note *v = realloc(r->notes, cap * sizeof(*v));
		if (!v) {
			tool_oom = true;
			free(text);
			return;
		}
		r->notes = v;
		r->notes_cap = cap;
	}
	r->notes[r->nnotes++] = (struct note){ .pid = pid, .level = level, .text = text };
}

/* ---- reading the logs --------------------------------------------------- */

static int add_log(struct report *r, struct dlog *l)
{
	struct dlog **v = realloc(r->logs, (r->nlogs + 1) * sizeof(*v));

	if (!v) {
		log_free(l);
		tool_oom = true;
		return -ENOMEM;
	}
	r->logs = v;
	r->logs[r->nlogs++] = l;
	return 0;
}

int report_add_file(struct report *r, const char *path)
{
	struct dlog *l;
	int err = log_read(path, &l);

	return err ? err : add_log(r, l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_log_name(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".log") && name[0] != '.';
}

int report_add_dir(struct report *r, const char *dir, char *const *skip, size_t nskip)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int found = 0;

	if (!d) {
		int err = errno;
		fprintf(stderr, "deadbolt: error: %s: %s\n", dir, strerror(err));
		return -err;
	}
	while ((de = readdir(d))) {
		bool old = false;
		if (!is_log_name(de->d_name))
			continue;
		for (size_t i = 0; i < nskip && !old; i++)
			old = !strcmp(skip[i], de->d_name);
		if (old)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **v = realloc(names, cap * sizeof(*v));
			if (!v)
				break;
			names = v;
		}
		if (!(names[n] = xasprintf("%s/%s", dir, de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (report_add_file(r, names[i]) == 0)
			found++;
		free(names[i]);
	}
	free(names);
	if (tool_oom)
		return -ENOMEM;
	return found;
}

/* Processes in the order they started. */
static int cmp_log(const void *a, const void *b)
{
	const struct dlog *x = *(struct dlog *const *)a, *y = *(struct dlog *const *)b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (!x->path || !y->path)
		return !x->path - !y->path;
	return strcmp(x->path, y->path);
}

/* ---- findings ----------------------------------------------------------- */

struct dedup {
	UT_hash_handle hh;
	struct finding *f;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A new finding: merged into an earlier one with its key, or appended to
 * *list.  Reachable blocks are listed apart (they are not errors). */
static int keep(struct report *r, struct dedup **seen, struct finding *f)
{
	bool reachable = f->kind == K_LEAK && f->ev->u.leak.kind == DB_LEAK_REACHABLE;
	struct finding ***list = reachable ? &r->reachable : &r->findings;
	size_t *n = reachable ? &r->nreachable : &r->nfindings;
	struct dedup *d;

	HASH_FIND_STR(*seen, f->key, d);
	if (d) {
		/* in one process, two leak records that read the same are one
		 * leak; across processes the same leak is counted once; every
		 * record of a data race counts, the strongest one is shown */
		int err = d->f->kind == K_DATA_RACE ? finding_race_merge(d->f, f) :
			  d->f->kind == K_LEAK && d->f->pid == f->pid ?
			  finding_leak_merge(d->f, f) : finding_add_pid(d->f, f->pid);
		finding_free(f);
		return err;
	}
	struct finding **v = realloc(*list, (*n + 1) * sizeof(*v));
	d = xcalloc(1, sizeof(*d));
	if (!v || !d) {
		if (v)
			*list = v;
		free(d);
		finding_free(f);
		tool_oom = true;
		return -ENOMEM;
	}
	*list = v;
	(*list)[(*n)++] = f;
	d->f = f;
	HASH_ADD_KEYPTR(hh, *seen, f->key, strlen(f->key), d);
	return tool_oom ? -ENOMEM : 0;
}

static int make_findings(struct report *r, struct dedup **seen, struct dlog *l)
{
	for (size_t i = 0; i < l->nevents; i++) {
		struct finding *f;
		int err = finding_make(l, &l->events[i], &f);

		if (!err && f)
			err = keep(r, seen, f);
		if (err)
			return err;
	}
	return 0;
}

/* Every note, the logs' first (in process order), then the report's own. */
static int gather_notes(struct report *r)
{
	size_t n = r->nnotes;
	struct note *v;

	for (size_t i = 0; i < r->nlogs; i++)
		n += r->logs[i]->nnotes;
	v = xcalloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < r->nlogs; i++) {
		struct dlog *l = r->logs[i];
		if (l->nnotes)
			memcpy(v + n, l->notes, l->nnotes * sizeof(*v));
		n += l->nnotes;
		free(l->notes);
		l->notes = NULL;
		l->nnotes = l->notes_cap = 0;
	}
	if (r->nnotes)
		memcpy(v + n, r->notes, r->nnotes * sizeof(*v));
	n += r->nnotes;
	free(r->notes);
	r->notes = v;
	r->nnotes = r->notes_cap = n;
	return 0;
}

static int write_one(const struct report *r, const struct report_opts *o,
		     enum out_format fmt, FILE *f)
{
	switch (fmt) {
	case FMT_JSON:
		return out_json(r, f);
	case FMT_SARIF:
		return out_sarif(r, f);
	case FMT_DOT:
		return out_dot(r, f);
	default:
		return out_text(r, o, f);
	}
}

/* Race detection asked for but impossible (code that cannot be patched, a
 * debugger attached): one line on stderr for the whole report, naming the
 * first such process; the JSON has every process's state. */
static void race_unavailable(const struct report *r)
{
	const struct dlog *first = NULL;
	size_t more = 0;

	for (size_t i = 0; i < r->nlogs; i++) {
		const struct dlog *l = r->logs[i];
		bool seen = false;
		if (!l->race.has_status || l->race.state != DB_RACE_STATE_UNAVAILABLE)
			continue;
		/* processes, not images: an exec'd image keeps its pid */
		for (size_t j = 0; j < i && !seen; j++)
			seen = r->logs[j]->pid == l->pid &&
			       r->logs[j]->race.state == DB_RACE_STATE_UNAVAILABLE;
		if (!first)
			first = l;
		else if (!seen)
			more++;
	}
	if (!first)
		return;
	fprintf(stderr, "deadbolt: race detection unavailable in pid %llu: %s",
		(unsigned long long)first->pid,
		first->race.reason ? first->race.reason : "no reason given");
	if (first->race.err)
		fprintf(stderr, " (%s)", strerror(first->race.err));
	if (more)
		fprintf(stderr, "; also in %zu other process%s", more, more == 1 ? "" : "es");
	fputc('\n', stderr);
}

/* What each location the race sampler watched is: the function and line
 * of a sampled instruction, the data symbol of a data location. */
static void race_watch_symbols(struct dlog *l)
{
	for (size_t j = 0; j < l->race.nwatch; j++) {
		struct race_watch *w = &l->race.watch[j];
		if (w->code) {
			sym_stack(l, w->code);
			if (w->code->nframes) {
				w->symbol = w->code->frames[0].function;
				w->file = w->code->frames[0].file;
				w->line = w->code->frames[0].line;
			}
		} else if (w->loc != DB_RACE_LOC_HEAP) {
			w->has_offset = sym_data(l, w->mod, w->addr, &w->symbol, &w->offset, NULL);
		}
	}
}

int report_build_and_write(struct report *r, const struct report_opts *o)
{
	struct dedup *seen = NULL, *d, *dt;
	int err = 0;

	if (r->nlogs)
		qsort(r->logs, r->nlogs, sizeof(*r->logs), cmp_log);
	race_unavailable(r);
	for (size_t i = 0; i < r->nlogs && !err; i++)
		err = make_findings(r, &seen, r->logs[i]);
	HASH_ITER(hh, seen, d, dt) {
		HASH_DEL(seen, d);
		free(d);
	}
	if (err) {
		fprintf(stderr, "deadbolt: error: %s\n", strerror(-err));
		return err;
	}
	/* suppressed findings leave the list; the count stays */
	size_t k = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		struct finding *f = r->findings[i];
		qsort(f->pids, f->npids, sizeof(*f->pids), cmp_u64);
		if (o->supp && supp_match(o->supp, f)) {
			r->nsuppressed++;
			finding_free(f);
			continue;
		}
		r->counts[f->kind]++;
		r->findings[k++] = f;
	}
	r->nfindings = k;
	for (size_t i = 0; i < r->nreachable; i++)
		qsort(r->reachable[i]->pids, r->reachable[i]->npids, sizeof(uint64_t), cmp_u64);
	r->log_dir = o->log_dir;
	r->logs_kept = o->logs_kept;
	/* before the notes are gathered: opening a module can make one; only
	 * the JSON report lists the watched locations (naming each costs a
	 * symbol lookup: seconds for a large program's hundreds of sites) */
	if (o->json || o->format == FMT_JSON)
		for (size_t i = 0; i < r->nlogs; i++)
			race_watch_symbols(r->logs[i]);
	err = gather_notes(r);
	if (err)
		return err;

	err = write_one(r, o, o->format, o->out);
	if (!err && o->json)
		err = out_json(r, o->json);
	if (!err && o->sarif)
		err = out_sarif(r, o->sarif);
	if (!err && o->dot)
		err = out_dot(r, o->dot);
	if (err)
		return err;
	return (int)(r->nfindings > INT_MAX ? INT_MAX : r->nfindings);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		finding_free(r->findings[i]);
	free(r->findings);
	for (size_t i = 0; i < r->nreachable; i++)
		finding_free(r->reachable[i]);
	free(r->reachable);
	for (size_t i = 0; i < r->nlogs; i++)
		log_free(r->logs[i]);
	free(r->logs);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i].text);
	free(r->notes);
	memset(r, 0, sizeof(*r));
	sym_cleanup();
}

/* ---- output flags --------------------------------------------------------- */

static int parse_format(const char *s, enum out_format *fmt)
{
	static const char *const names[] = { "text", "json", "sarif", "dot" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*fmt = (enum out_format)i;
			return 0;
		}
	}
	fprintf(stderr, "deadbolt: error: bad value '%s' for --format (text, json, "
		"sarif or dot)\n", s);
	return -EINVAL;
}

/* A directory or a deadbolt log: something `report` reads. */
static bool is_input(const char *path)
{
	char magic[8];
	struct stat st;
	FILE *f;
	bool log;

	if (stat(path, &st) < 0)
		return false;
	if (S_ISDIR(st.st_mode))
		return true;
	f = fopen(path, "r");
	if (!f)
		return false;
	log = fread(magic, 1, 8, f) == 8 && !memcmp(magic, DB_LOG_MAGIC, 8);
	fclose(f);
	return log;
}

int out_flag(struct out_flags *of, int argc, char **argv, int *i, bool bare)
{
	static const struct {
		const char *name;
		enum out_format fmt;
		size_t off;
	} files[] = {
		{ "json", FMT_JSON, offsetof(struct out_flags, json_path) },
		{ "sarif", FMT_SARIF, offsetof(struct out_flags, sarif_path) },
		{ "dot", FMT_DOT, offsetof(struct out_flags, dot_path) },
	};
	const char *v;
	int m;

	if ((m = opt_match(argc, argv, i, "format", NULL, true, &v))) {
		if (m < 0)
			return m;
		return parse_format(v, &of->format) < 0 ? -EINVAL : 1;
	}
	for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
		m = opt_match(argc, argv, i, files[k].name, NULL, !bare, &v);
		if (m < 0)
			return m;
		if (!m)
			continue;
		/* report --json FILE LOG...: FILE is an output unless it is a log
		 * or a directory (never overwrite an input); --json LOG...: the
		 * main report's format */
		if (bare && !v && *i + 2 < argc && !is_input(argv[*i + 1]) &&
		    (argv[*i + 1][0] != '-' || !strcmp(argv[*i + 1], "-")))
			v = argv[++*i];
		if (bare && !v)
			of->format = files[k].fmt;
		else
			*(const char **)((char *)of + files[k].off) = v;
		return 1;
	}
	if ((m = opt_match(argc, argv, i, "output", "-o", true, &v))) {
		if (m > 0)
			of->out_path = v;
		return m;
	}
	if ((m = opt_match(argc, argv, i, "suppressions", NULL, true, &v))) {
		if (m < 0)
			return m;
		const char **s = realloc(of->supp, (of->nsupp + 1) * sizeof(*s));
		if (!s)
			return -ENOMEM;
		of->supp = s;
		of->supp[of->nsupp++] = v;
		return 1;
	}
	if ((m = opt_match(argc, argv, i, "quiet", "-q", false, &v))) {
		if (m > 0 && v) {
			fprintf(stderr, "deadbolt: error: --quiet takes no value\n");
			return -EINVAL;
		}
		of->quiet = true;
		return 1;
	}
	return 0;
}

void out_flags_free(struct out_flags *of)
{
	free(of->supp);
	of->supp = NULL;
	of->nsupp = 0;
}

static int open_one(const char *path, FILE **f)
{
	if (!strcmp(path, "-")) {
		*f = stdout;
		return 0;
	}
	if (!path[0]) {
		fprintf(stderr, "deadbolt: error: empty output file name\n");
		return -EINVAL;
	}
	*f = fopen(path, "we");
	if (!*f) {
		int err = errno;
		fprintf(stderr, "deadbolt: error: cannot write %s: %s\n", path, strerror(err));
		return -err;
	}
	return 0;
}

int report_open(const struct out_flags *of, FILE *def, struct report_opts *o)
{
	int err = 0;

	memset(o, 0, sizeof(*o));
	o->format = of->format;
	o->quiet = of->quiet;
	o->out = def;
	err = supp_load(of->supp, of->nsupp, &o->supp);
	if (err)
		return err;
	if (of->out_path)
		err = open_one(of->out_path, &o->out);
	if (!err && of->json_path)
		err = open_one(of->json_path, &o->json);
	if (!err && of->sarif_path)
		err = open_one(of->sarif_path, &o->sarif);
	if (!err && of->dot_path)
		err = open_one(of->dot_path, &o->dot);
	if (err)
		report_close(of, o);
	return err;
}

static int close_one(FILE *f, const char *path)
{
	int err = 0;

	if (!f)
		return 0;
	if (fflush(f) != 0 || ferror(f))
		err = errno ? -errno : -EIO;
	if (f != stdout && f != stderr && fclose(f) != 0 && !err)
		err = errno ? -errno : -EIO;
	if (err)
		fprintf(stderr, "deadbolt: error: cannot write %s: %s\n",
			path ? path : "the report", strerror(-err));
	return err;
}

int report_close(const struct out_flags *of, struct report_opts *o)
{
	int err = 0, e;

	errno = 0;
	if ((e = close_one(o->out, of->out_path)))
		err = e;
	if ((e = close_one(o->json, of->json_path)))
		err = e;
	if ((e = close_one(o->sarif, of->sarif_path)))
		err = e;
	if ((e = close_one(o->dot, of->dot_path)))
		err = e;
	o->out = o->json = o->sarif = o->dot = NULL;
	supp_free(o->supp);
	o->supp = NULL;
	return err;
}

/* ---- deadbolt report ------------------------------------------------------ */

/* Exit status: 0 no finding, 1 findings, 2 usage error or nothing read. */
int cmd_report(int argc, char **argv)
{
	struct out_flags of = { .format = FMT_TEXT };
	struct report_opts o;
	struct report r = { 0 };
	int first = argc, i, m, n, status = 2;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			first = i + 1;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage_report(stdout);
			out_flags_free(&of);
			return 0;
		}
		m = out_flag(&of, argc, argv, &i, true);
		if (m < 0)
			goto out;
		if (m)
			continue;
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "deadbolt: error: unknown option %s\n", a);
			goto out;
		}
		first = i;
		break;
	}
	/* after the first LOG, everything is a LOG (a file may start with '-') */
	if (first >= argc) {
		fprintf(stderr, "deadbolt: error: no log given; usage: deadbolt report "
			"[options] LOG|DIR...\n");
		goto out;
	}
	if (report_open(&of, stdout, &o))
		goto out;
	for (i = first; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			n = report_add_dir(&r, argv[i], NULL, 0);
			if (n == 0)
				fprintf(stderr, "deadbolt: error: %s: no deadbolt logs "
					"(*.log) in this directory\n", argv[i]);
			else if (n > 0 && !o.log_dir)
				o.log_dir = argv[i];
		} else {
			report_add_file(&r, argv[i]);
		}
		if (tool_oom)
			break;
	}
	o.logs_kept = true;
	if (!r.nlogs || tool_oom) {
		if (!tool_oom)
			fprintf(stderr, "deadbolt: error: no log could be read\n");
		report_close(&of, &o);
		goto out;
	}
	n = report_build_and_write(&r, &o);
	if (report_close(&of, &o) == 0 && n >= 0)
		status = n > 0 ? 1 : 0;
out:
	report_free(&r);
	out_flags_free(&of);
	return status;
}

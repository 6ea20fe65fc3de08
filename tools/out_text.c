/* out_text.c - the report for people (the default, on stderr for `run`),
 * in the manner of ThreadSanitizer's: each finding says what happened in a
 * sentence, then shows every stack that explains it, innermost frame first,
 * then the summary line.  Paths below the current directory are shown
 * relative to it; stacks are cut at MAX_SHOWN frames.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

#define MAX_SHOWN	12	/* frames shown per stack; the JSON has them all */

static void frame_line(FILE *out, size_t n, const struct frame *f)
{
	fprintf(out, "    #%zu 0x%llx", n, (unsigned long long)f->pc);
	if (f->function)
		fprintf(out, " in %s", f->function);
	if (f->file) {
		fprintf(out, " %s", report_path(f->file));
		if (f->line)
			fprintf(out, ":%u", f->line);
	} else if (f->mod) {
		fprintf(out, " (%s+0x%llx)", report_path(f->mod->path),
			(unsigned long long)f->offset);
	} else {
		fputs(" (no module)", out);
	}
	if (f->inlined)
		fputs(" (inlined)", out);
	fputc('\n', out);
}

static void stack(FILE *out, const struct stack *s)
{
	if (!s || !s->nframes) {
		fputs("    (no stack recorded)\n", out);
		return;
	}
	for (size_t i = 0; i < s->nframes && i < MAX_SHOWN; i++)
		frame_line(out, i, &s->frames[i]);
	if (s->nframes > MAX_SHOWN)
		fprintf(out, "    ... %zu more frame%s (all in the JSON report)\n",
			s->nframes - MAX_SHOWN, s->nframes - MAX_SHOWN == 1 ? "" : "s");
	else if (s->flags & DB_STACKF_TRUNCATED)
		fputs("    ... (deeper frames were not recorded: --stack-depth)\n", out);
}

/* "M2 (mutex 0x1234, read)" */
static void lock_label(FILE *out, const struct finding *f, size_t i, uint32_t mode)
{
	const struct flk *k = &f->u.cycle.locks[i];
	const char *kind = k->lk ? lock_kind_name(k->lk->kind) : NULL;

	fprintf(out, "%s (", k->name);
	if (k->lk)
		fprintf(out, "%s 0x%llx", kind ? kind : "lock", (unsigned long long)k->lk->addr);
	else if (f->u.cycle.is_class)
		fprintf(out, "class %llu", (unsigned long long)k->uid);
	else
		fprintf(out, "unknown lock %llu", (unsigned long long)k->uid);
	if (mode == DB_MODE_READ)
		fputs(", read", out);
	fputc(')', out);
}

static void pid_list(FILE *out, const struct finding *f)
{
	if (f->npids < 2)
		return;
	fprintf(out, "  Found in %zu processes:", f->npids);
	for (size_t i = 0; i < f->npids; i++)
		fprintf(out, "%s %llu", i ? "," : "", (unsigned long long)f->pids[i]);
	fputc('\n', out);
}

static void cycle(FILE *out, const struct finding *f)
{
	size_t nl = f->u.cycle.nlocks, nt = f->u.cycle.nthreads;

	fprintf(out, "==%llu== deadbolt: lock-order inversion%s (potential deadlock): "
		"%zu %s%s, %zu thread%s\n", (unsigned long long)f->pid,
		f->u.cycle.is_class ? " between lock classes" : "", nl,
		f->u.cycle.is_class ? "class" : "lock", nl == 1 ? "" : f->u.cycle.is_class ?
		"es" : "s", nt, nt == 1 ? "" : "s");
	fputs("  Cycle:", out);
	for (size_t i = 0; i < f->u.cycle.nedges; i++)
		fprintf(out, " %s ->", f->u.cycle.locks[f->u.cycle.edges[i].from].name);
	fprintf(out, " %s\n", f->u.cycle.locks[f->u.cycle.edges[0].from].name);
	if (f->u.cycle.is_class)
		fputs("  (each M is a class of locks: those made at one site, or one "
		      "static lock)\n", out);
	pid_list(out, f);

	for (size_t i = 0; i < f->u.cycle.nedges; i++) {
		const struct fedge *e = &f->u.cycle.edges[i];
		fprintf(out, "\n  Thread T%u took ", e->e->tid);
		lock_label(out, f, e->to, e->e->to_mode);
		fputs(" while holding ", out);
		lock_label(out, f, e->from, e->e->from_mode);
		fputs(":\n", out);
		stack(out, e->e->to_stack);
		fprintf(out, "  where T%u had taken %s:\n", e->e->tid,
			f->u.cycle.locks[e->from].name);
		stack(out, e->e->from_stack);
	}
	fputc('\n', out);
	for (size_t i = 0; i < nl; i++) {
		const struct flk *k = &f->u.cycle.locks[i];
		const char *kind = k->lk ? lock_kind_name(k->lk->kind) : NULL;
		if (!k->lk) {
			fprintf(out, "  %s: %s %llu, no record of where it was made\n", k->name,
				f->u.cycle.is_class ? "class" : "unknown lock",
				(unsigned long long)k->uid);
			continue;
		}
		fprintf(out, "  %s: %s 0x%llx, %s at:\n", k->name, kind ? kind : "lock",
			(unsigned long long)k->lk->addr,
			k->lk->site == DB_SITE_INIT ? "initialised" : "first locked");
		stack(out, k->lk->site_stack);
	}
	for (size_t i = 0; i < nt; i++) {
		const struct fthread *t = &f->u.cycle.threads[i];
		if (!t->t) {
			fprintf(out, "  Thread T%u: not recorded\n", t->tid);
			continue;
		}
		if (t->t->parent == UINT32_MAX) {
			fprintf(out, "  Thread T%u (tid %llu) is the main thread\n", t->tid,
				(unsigned long long)t->t->os_tid);
			continue;
		}
		fprintf(out, "  Thread T%u (tid %llu) created by T%u at:\n", t->tid,
			(unsigned long long)t->t->os_tid, t->t->parent);
		stack(out, t->t->created);
	}
	fputc('\n', out);
}

static void finding(FILE *out, const struct finding *f)
{
	switch (f->kind) {
	case K_LOCK_ORDER:
		cycle(out, f);
		break;
	default:
		fprintf(out, "==%llu== deadbolt: %s\n\n", (unsigned long long)f->pid, f->summary);
		break;
	}
}

/* Said whatever else is said: a program that died of a signal. */
static void signals(FILE *out, const struct report *r)
{
	char buf[32];

	for (size_t i = 0; i < r->nlogs; i++) {
		const struct dlog *l = r->logs[i];
		if (!l->signal)
			continue;
		fprintf(out, "==%llu== deadbolt: process %llu (%s) was killed by signal %d "
			"(%s)%s\n", (unsigned long long)l->pid, (unsigned long long)l->pid,
			process_name(l), l->signal, signal_name(l->signal, buf, sizeof(buf)),
			l->core_dumped ? ", core dumped" : "");
	}
}

/* Is out where stderr goes (a terminal shared by both, say)? */
static bool is_stderr(FILE *out)
{
	struct stat a, b;

	if (out == stderr)
		return true;
	return fstat(fileno(out), &a) == 0 && fstat(STDERR_FILENO, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int out_text(const struct report *r, const struct report_opts *o, FILE *out)
{
	bool to_stderr = is_stderr(out);
	size_t procs = 0;

	if (o->quiet && !r->nfindings) {
		signals(out, r);
		return ferror(out) ? -EIO : 0;
	}
	for (size_t i = 0; i < r->nfindings; i++)
		finding(out, r->findings[i]);
	for (size_t i = 0; i < r->nnotes; i++) {
		const struct note *n = &r->notes[i];
		/* warnings already on stderr are not repeated there */
		if (n->level == NOTE_INFO || (n->shown && to_stderr))
			continue;
		fprintf(out, "deadbolt: %s: ", n->level == NOTE_INTERNAL ? "internal error" :
			"warning");
		if (n->pid)
			fprintf(out, "process %llu: ", (unsigned long long)n->pid);
		fprintf(out, "%s\n", n->text);
	}
	signals(out, r);

	/* processes, not images: an exec'd image keeps its pid */
	for (size_t i = 0; i < r->nlogs; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = r->logs[j]->pid == r->logs[i]->pid;
		procs += !seen;
	}
	fputs("SUMMARY: deadbolt: ", out);
	if (r->nfindings) {
		bool first = true;
		fprintf(out, "%zu finding%s (", r->nfindings, r->nfindings == 1 ? "" : "s");
		for (int k = 0; k < K_NKINDS; k++) {
			if (!r->counts[k])
				continue;
			fprintf(out, "%s%s: %zu", first ? "" : ", ", kind_names[k], r->counts[k]);
			first = false;
		}
		fputc(')', out);
	} else {
		fputs("no findings", out);
	}
	fprintf(out, " in %zu process%s", procs, procs == 1 ? "" : "es");
	if (r->nsuppressed)
		fprintf(out, ", %zu suppressed", r->nsuppressed);
	if (r->log_dir && r->logs_kept)
		fprintf(out, "; logs in %s", report_path(r->log_dir));
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

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
#define MAX_COVERAGE	8	/* processes with a race coverage line; JSON: all */

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
	const struct flk *k = &f->locks[i];
	uint32_t kind = k->lk ? k->lk->kind : k->kind;
	uint64_t addr = k->lk ? k->lk->addr : k->addr;
	const char *kn = lock_kind_name(kind);

	fprintf(out, "%s (", k->name);
	if (addr)
		fprintf(out, "%s 0x%llx", kn ? kn : "lock", (unsigned long long)addr);
	else if (f->kind == K_LOCK_ORDER && f->u.cycle.is_class)
		fprintf(out, "class %llu", (unsigned long long)k->uid);
	else
		fprintf(out, "unknown lock %llu", (unsigned long long)k->uid);
	if (mode == DB_MODE_READ)
		fputs(", read", out);
	fputc(')', out);
}

static void lock_label_ref(FILE *out, const struct finding *f, uint64_t uid, uint64_t addr,
			   uint32_t mode)
{
	size_t i = finding_lock(f, uid, addr);

	if (i == SIZE_MAX)
		fprintf(out, "lock 0x%llx", (unsigned long long)addr);
	else
		lock_label(out, f, i, mode);
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

/* Where each lock was made and each thread created: the end of a finding. */
static void locks_and_threads(FILE *out, const struct finding *f)
{
	bool is_class = f->kind == K_LOCK_ORDER && f->u.cycle.is_class;

	fputc('\n', out);
	for (size_t i = 0; i < f->nlocks; i++) {
		const struct flk *k = &f->locks[i];
		const char *kind = lock_kind_name(k->lk ? k->lk->kind : k->kind);
		if (!k->lk) {
			if (is_class)
				fprintf(out, "  %s: class %llu, no lock of it was recorded\n",
					k->name, (unsigned long long)k->uid);
			else if (k->addr)
				fprintf(out, "  %s: %s 0x%llx\n", k->name, kind ? kind : "lock",
					(unsigned long long)k->addr);
			else
				fprintf(out, "  %s: unknown lock %llu\n", k->name,
					(unsigned long long)k->uid);
			continue;
		}
		fprintf(out, "  %s: %s 0x%llx, %s at:\n", k->name, kind ? kind : "lock",
			(unsigned long long)k->lk->addr,
			k->lk->site == DB_SITE_INIT ? "initialised" : "first locked");
		stack(out, k->lk->site_stack);
	}
	for (size_t i = 0; i < f->nthreads; i++) {
		const struct fthread *t = &f->threads[i];
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

static void cycle(FILE *out, const struct finding *f)
{
	size_t nl = f->nlocks, nt = f->nthreads;

	fprintf(out, "==%llu== deadbolt: lock-order inversion%s (potential deadlock): "
		"%zu %s%s, %zu thread%s\n", (unsigned long long)f->pid,
		f->u.cycle.is_class ? " between lock classes" : "", nl,
		f->u.cycle.is_class ? "class" : "lock", nl == 1 ? "" : f->u.cycle.is_class ?
		"es" : "s", nt, nt == 1 ? "" : "s");
	fputs("  Cycle:", out);
	for (size_t i = 0; i < f->u.cycle.nedges; i++)
		fprintf(out, " %s ->", f->locks[f->u.cycle.edges[i].from].name);
	fprintf(out, " %s\n", f->locks[f->u.cycle.edges[0].from].name);
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
			f->locks[e->from].name);
		stack(out, e->e->from_stack);
	}
	locks_and_threads(out, f);
}

/* Which thread of the set holds the lock (uid/addr), or UINT32_MAX. */
static uint32_t holder(const struct waitset *ws, uint64_t uid, uint64_t addr)
{
	for (size_t i = 0; i < ws->n; i++)
		for (size_t j = 0; j < ws->threads[i].nheld; j++) {
			const struct wheld *h = &ws->threads[i].held[j];
			if (uid ? h->uid == uid : h->addr == addr)
				return ws->threads[i].tid;
		}
	return UINT32_MAX;
}

static void waitset(FILE *out, const struct finding *f)
{
	const struct waitset *ws = f->ev->u.waitset;

	fprintf(out, "==%llu== deadbolt: %s\n", (unsigned long long)f->pid, f->summary);
	pid_list(out, f);
	if (ws->n < ws->nthreads)
		fprintf(out, "  (%u threads announced, %zu recorded: the log ends early)\n",
			ws->nthreads, ws->n);
	for (size_t i = 0; i < ws->n; i++) {
		const struct wthread *w = &ws->threads[i];
		/* a stall's holder: only the lock it holds is worth showing */
		if (w->wait_kind == DB_WAIT_NONE && !w->stack && w->nheld) {
			fputc('\n', out);
			goto held;
		}
		fprintf(out, "\n  Thread T%u ", w->tid);
		if (w->wait_kind == DB_WAIT_LOCK) {
			fputs("waits for ", out);
			lock_label_ref(out, f, w->wait_id, w->wait_addr, w->wait_mode);
			uint32_t h = holder(ws, w->wait_id, w->wait_addr);
			if (h != UINT32_MAX)
				fprintf(out, ", held by T%u", h);
		} else if (w->wait_kind == DB_WAIT_JOIN) {
			fprintf(out, "waits for thread T%llu to end (join)",
				(unsigned long long)w->wait_id);
		} else {
			fputs(w->stack ? "is running" : "did not answer (its state is from "
			      "its held locks)", out);
		}
		fputs(":\n", out);
		stack(out, w->stack);
held:
		for (size_t j = 0; j < w->nheld; j++) {
			fprintf(out, "  T%u holds ", w->tid);
			lock_label_ref(out, f, w->held[j].uid, w->held[j].addr, w->held[j].mode);
			fputs(", taken at:\n", out);
			stack(out, w->held[j].stack);
		}
	}
	locks_and_threads(out, f);
}

static void misuse(FILE *out, const struct finding *f)
{
	const struct event *ev = f->ev;

	fprintf(out, "==%llu== deadbolt: %s\n", (unsigned long long)f->pid, f->summary);
	pid_list(out, f);
	fprintf(out, "\n  Thread T%u", ev->u.misuse.tid);
	if (ev->u.misuse.lock_kind) {
		fputs(", on ", out);
		lock_label_ref(out, f, ev->u.misuse.uid, ev->u.misuse.addr, 0);
	} else if (ev->u.misuse.addr) {
		fprintf(out, ", on 0x%llx", (unsigned long long)ev->u.misuse.addr);
	}
	fputs(":\n", out);
	stack(out, ev->u.misuse.stack);
	if (ev->u.misuse.other_addr) {
		fputs("  the other lock: ", out);
		lock_label_ref(out, f, 0, ev->u.misuse.other_addr, 0);
		fputc('\n', out);
	}
	if (ev->u.misuse.other_tid != UINT32_MAX || ev->u.misuse.other_stack) {
		if (ev->u.misuse.other_tid != UINT32_MAX)
			fprintf(out, "  The other thread: T%u", ev->u.misuse.other_tid);
		else if (ev->u.misuse.kind == DB_MISUSE_EXIT_HOLDING)
			fputs("  The lock was taken (the innermost frame: the others had "
			      "returned)", out);
		else
			fputs("  The other side", out);
		if (ev->u.misuse.other_stack) {
			fputs(", at:\n", out);
			stack(out, ev->u.misuse.other_stack);
		} else {
			fputc('\n', out);
		}
	}
	locks_and_threads(out, f);
}

static void leak(FILE *out, const struct finding *f)
{
	const struct event *ev = f->ev;

	fprintf(out, "==%llu== deadbolt: %s\n", (unsigned long long)f->pid, f->summary);
	pid_list(out, f);
	switch (f->kind) {
	case K_THREAD_LEAK:
		if (ev->u.thread_leak.stack) {
			fprintf(out, "\n  Thread T%u runs at:\n", ev->u.thread_leak.tid);
			stack(out, ev->u.thread_leak.stack);
		}
		break;
	case K_FD_LEAK:
		fprintf(out, "\n  Opened by thread T%u at:\n", ev->u.fd_leak.tid);
		stack(out, ev->u.fd_leak.stack);
		break;
	default:
		fprintf(out, "\n  Allocated by thread T%u at:\n", ev->u.leak.tid);
		stack(out, ev->u.leak.stack);
		break;
	}
	locks_and_threads(out, f);
}

/* "Write of 4 bytes at 0x1234 by thread T2, holding M1 (mutex 0x...)" */
static void race_access(FILE *out, const struct finding *f, const struct race *rc,
			const struct race_access *a, bool previous)
{
	const char *what = race_access_name(a);

	fprintf(out, "\n  %s%c%s of %u byte%s at 0x%llx by thread T%u, ",
		previous ? "Previous " : "", previous ? what[0] : what[0] - 'a' + 'A',
		what + 1, rc->size, rc->size == 1 ? "" : "s", (unsigned long long)rc->addr,
		a->tid);
	if (!a->nlocks) {
		fputs("holding no lock:\n", out);
	} else {
		fputs("holding ", out);
		for (size_t j = 0; j < a->nnamed; j++) {
			bool last = j + 1 == a->nnamed && a->nlocks == a->nnamed;
			if (j)
				fputs(last ? " and " : ", ", out);
			lock_label_ref(out, f, a->locks[j].uid, a->locks[j].addr,
				       a->mode_bits & 1u << j ? DB_MODE_READ : DB_MODE_WRITE);
		}
		if (a->nlocks > a->nnamed)
			fprintf(out, "%s%u more lock%s", a->nnamed ? " and " : "",
				a->nlocks - (uint32_t)a->nnamed,
				a->nlocks - a->nnamed == 1 ? "" : "s");
		fputs(":\n", out);
	}
	stack(out, a->stack);
}

static void race(FILE *out, const struct finding *f)
{
	const struct race *rc = f->ev->u.race;

	fprintf(out, "==%llu== deadbolt: %s\n", (unsigned long long)f->pid, f->summary);
	pid_list(out, f);
	if (f->u.race.count > 1)
		fprintf(out, "  Seen %llu times (shown: the first with the strongest "
			"evidence).\n", (unsigned long long)f->u.race.count);
	if (f->u.race.evidence == DB_RACE_WITNESSED)
		fprintf(out, "  Witnessed: thread T%u was held at its access when thread T%u "
			"made its own; they were simultaneous.\n", rc->a[0].tid, rc->a[1].tid);
	else
		fputs("  Unordered: no lock held by both and no synchronisation seen between "
		      "them (thread start or join, unlock then lock, condition variable, "
		      "semaphore, barrier).\n", out);
	race_access(out, f, rc, &rc->a[1], false);
	race_access(out, f, rc, &rc->a[0], true);

	fputs("\n  Location: ", out);
	if (rc->loc == DB_RACE_LOC_STACK) {
		fprintf(out, "0x%llx, on the stack of thread T%u (a local handed out by "
			"address)\n", (unsigned long long)rc->addr, rc->owner);
	} else if (rc->loc == DB_RACE_LOC_HEAP) {
		fprintf(out, "heap block of %llu byte%s at 0x%llx",
			(unsigned long long)rc->object_size, rc->object_size == 1 ? "" : "s",
			(unsigned long long)rc->object);
		if (f->u.race.has_offset)
			fprintf(out, ", offset %llu", (unsigned long long)f->u.race.offset);
		fputs(", allocated at:\n", out);
		stack(out, rc->block_stack);
	} else {
		if (f->u.race.symbol)
			fprintf(out, "%s '%s' +%llu",
				rc->loc == DB_RACE_LOC_WORD ? "word of" : "global",
				f->u.race.symbol, (unsigned long long)f->u.race.offset);
		else if (rc->mod)
			fprintf(out, "%s at 0x%llx, no symbol",
				rc->loc == DB_RACE_LOC_WORD ? "word" : "global",
				(unsigned long long)rc->addr);
		else
			fprintf(out, "0x%llx, in no module and no heap block (an anonymous "
				"mapping, say)", (unsigned long long)rc->addr);
		if (rc->mod)
			fprintf(out, " (%s+0x%llx)", report_path(rc->mod->path),
				(unsigned long long)(rc->addr - rc->mod->bias));
		fputc('\n', out);
	}
	locks_and_threads(out, f);
}

static void finding(FILE *out, const struct finding *f)
{
	switch (f->kind) {
	case K_LOCK_ORDER:
		cycle(out, f);
		break;
	case K_DEADLOCK:
	case K_HANG:
	case K_STALL:
		waitset(out, f);
		break;
	case K_MISUSE:
		misuse(out, f);
		break;
	case K_THREAD_LEAK:
	case K_FD_LEAK:
	case K_LEAK:
		leak(out, f);
		break;
	case K_DATA_RACE:
		race(out, f);
		break;
	default:
		fprintf(out, "==%llu== deadbolt: %s\n\n", (unsigned long long)f->pid, f->summary);
		break;
	}
}

/* Blocks still reachable at exit (report_reachable=1): listed, not counted. */
static void reachable(FILE *out, const struct report *r)
{
	if (!r->nreachable)
		return;
	fputs("Still reachable at exit (not errors):\n", out);
	for (size_t i = 0; i < r->nreachable; i++) {
		const struct finding *f = r->reachable[i];
		fprintf(out, "  ==%llu== %llu bytes in %llu blocks, allocated at:\n",
			(unsigned long long)f->pid, (unsigned long long)f->u.leak.bytes,
			(unsigned long long)f->u.leak.blocks);
		stack(out, f->ev->u.leak.stack);
	}
	fputc('\n', out);
}

/* Per process with leaks: the runtime's totals. */
static void leak_totals(FILE *out, const struct report *r)
{
	for (size_t i = 0; i < r->nlogs; i++) {
		const struct dlog *l = r->logs[i];
		const struct leak_summary *k = &l->leaks;
		if (!l->has_leak_summary || !(k->definite_blocks || k->indirect_blocks))
			continue;
		fprintf(out, "==%llu== deadbolt: leaked at exit: %llu bytes in %llu blocks "
			"(definite), %llu bytes in %llu blocks (indirect); %llu bytes in %llu "
			"blocks still reachable\n", (unsigned long long)l->pid,
			(unsigned long long)k->definite_bytes,
			(unsigned long long)k->definite_blocks,
			(unsigned long long)k->indirect_bytes,
			(unsigned long long)k->indirect_blocks,
			(unsigned long long)k->reachable_bytes,
			(unsigned long long)k->reachable_blocks);
	}
}

/* Per process: how much of its code the race sampler sampled and what it
 * caught, or that it could not run (unless on stderr, where report.c said
 * so); a process killed before exit has no totals and no line. */
static void race_coverage(FILE *out, const struct report *r, bool to_stderr)
{
	size_t shown = 0, more = 0;

	for (size_t i = 0; i < r->nlogs; i++) {
		const struct dlog *l = r->logs[i];
		const struct race_info *ri = &l->race;
		bool unavailable = ri->has_status && ri->state == DB_RACE_STATE_UNAVAILABLE;
		if (unavailable ? to_stderr : !ri->has_summary ||
		    (ri->has_status && ri->state != DB_RACE_STATE_ON))
			continue;
		if (shown == MAX_COVERAGE) {
			more++;
			continue;
		}
		shown++;
		if (unavailable) {
			fprintf(out, "==%llu== deadbolt: races: not checked, detection was "
				"unavailable: %s\n", (unsigned long long)l->pid,
				ri->reason ? ri->reason : "no reason given");
			continue;
		}
		fprintf(out, "==%llu== deadbolt: races: sampled %llu of %llu memory-access "
			"instruction%s, %llu window%s of %g ms, %llu access%s caught (%llu "
			"to globals, %llu to the heap)\n", (unsigned long long)l->pid,
			(unsigned long long)ri->watched, (unsigned long long)ri->candidates,
			ri->candidates == 1 ? "" : "s", (unsigned long long)ri->windows,
			ri->windows == 1 ? "" : "s", (double)ri->window_us / 1000.0,
			(unsigned long long)ri->traps, ri->traps == 1 ? "" : "es",
			(unsigned long long)ri->globals, (unsigned long long)ri->heap);
		if (ri->withheld)
			fprintf(out, "==%llu== deadbolt: races: %llu unordered pair%s not reported: "
				"a lock the program builds of atomics, which deadbolt does not "
				"follow, may order %s (compare-exchange or exchange in the "
				"code or the object)\n",
				(unsigned long long)l->pid, (unsigned long long)ri->withheld,
				ri->withheld == 1 ? "" : "s", ri->withheld == 1 ? "it" : "them");
	}
	if (more)
		fprintf(out, "deadbolt: races: %zu more process%s (in the JSON report)\n",
			more, more == 1 ? "" : "es");
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
	reachable(out, r);
	leak_totals(out, r);
	race_coverage(out, r, to_stderr);
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

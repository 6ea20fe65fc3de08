/* out_dot.c - the locks of the reported cycles as a Graphviz digraph: one
 * cluster per finding, a node per lock, an edge per lock-order edge
 * labelled with its thread and where the second lock was taken
 * (function:line).  Actual deadlocks add their threads: thread -> lock it
 * waits for, lock -> thread holding it.  `dot -Tsvg` draws it.
 */
#include <errno.h>

#include "tool.h"

/* A DOT string: quotes and backslashes escaped, control bytes dropped. */
static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, f);
	}
	fputc('"', f);
}

static const struct frame *where(const struct stack *s)
{
	for (size_t i = 0; s && i < s->nframes; i++)
		if (sym_user_frame(&s->frames[i]) && s->frames[i].function)
			return &s->frames[i];
	return s && s->nframes ? &s->frames[0] : NULL;
}

static void cycle(FILE *out, const struct finding *f, size_t n)
{
	char buf[512];

	fprintf(out, "  subgraph cluster_%zu {\n    label=", n);
	snprintf(buf, sizeof(buf), "#%zu lock-order inversion%s, pid %llu", n,
		 f->u.cycle.is_class ? " (lock classes)" : "", (unsigned long long)f->pid);
	dot_str(out, buf);
	fputs(";\n", out);
	for (size_t i = 0; i < f->nlocks; i++) {
		const struct flk *k = &f->locks[i];
		const char *kind = k->lk ? lock_kind_name(k->lk->kind) : NULL;
		if (k->lk)
			snprintf(buf, sizeof(buf), "%s\\n%s 0x%llx", k->name, kind ? kind : "lock",
				 (unsigned long long)k->lk->addr);
		else
			snprintf(buf, sizeof(buf), "%s\\n%s %llu", k->name,
				 f->u.cycle.is_class ? "class" : "lock",
				 (unsigned long long)k->uid);
		fprintf(out, "    \"f%zu_%s\" [label=\"", n, k->name);
		/* buf carries a DOT line break (\n): only quotes need care */
		for (const char *s = buf; *s; s++)
			if (*s != '"')
				fputc(*s, out);
		fputs("\"];\n", out);
	}
	for (size_t i = 0; i < f->u.cycle.nedges; i++) {
		const struct fedge *e = &f->u.cycle.edges[i];
		const struct frame *fr = where(e->e->to_stack);
		int len = snprintf(buf, sizeof(buf), "T%u", e->e->tid);
		if (fr && fr->function && len > 0)
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, " %s", fr->function);
		if (fr && fr->line && len > 0 && (size_t)len < sizeof(buf))
			snprintf(buf + len, sizeof(buf) - (size_t)len, ":%u", fr->line);
		fprintf(out, "    \"f%zu_%s\" -> \"f%zu_%s\" [label=", n,
			f->locks[e->from].name, n, f->locks[e->to].name);
		dot_str(out, buf);
		fputs("];\n", out);
	}
	fputs("  }\n", out);
}

/* A deadlock: who waits for which lock, and who holds it. */
static void waits(FILE *out, const struct finding *f, size_t n)
{
	const struct waitset *ws = f->ev->u.waitset;
	char buf[256];

	fprintf(out, "  subgraph cluster_%zu {\n    label=", n);
	snprintf(buf, sizeof(buf), "#%zu deadlock, pid %llu", n, (unsigned long long)f->pid);
	dot_str(out, buf);
	fputs(";\n", out);
	for (size_t i = 0; i < f->nlocks; i++)
		fprintf(out, "    \"f%zu_%s\";\n", n, f->locks[i].name);
	for (size_t i = 0; i < ws->n; i++) {
		const struct wthread *w = &ws->threads[i];
		const struct frame *fr = where(w->stack);
		fprintf(out, "    \"f%zu_T%u\" [shape=ellipse];\n", n, w->tid);
		size_t k = w->wait_kind == DB_WAIT_LOCK ?
			   finding_lock(f, w->wait_id, w->wait_addr) : SIZE_MAX;
		if (k != SIZE_MAX) {
			int len = snprintf(buf, sizeof(buf), "waits");
			if (fr && fr->function && len > 0)
				snprintf(buf + len, sizeof(buf) - (size_t)len, " in %s:%u",
					 fr->function, fr->line);
			fprintf(out, "    \"f%zu_T%u\" -> \"f%zu_%s\" [label=", n, w->tid, n,
				f->locks[k].name);
			dot_str(out, buf);
			fputs("];\n", out);
		}
		if (w->wait_kind == DB_WAIT_JOIN)
			fprintf(out, "    \"f%zu_T%u\" -> \"f%zu_T%llu\" [label=\"joins\"];\n",
				n, w->tid, n, (unsigned long long)w->wait_id);
		for (size_t j = 0; j < w->nheld; j++) {
			k = finding_lock(f, w->held[j].uid, w->held[j].addr);
			if (k != SIZE_MAX)
				fprintf(out, "    \"f%zu_%s\" -> \"f%zu_T%u\" [label=\"held by\", "
					"style=dashed];\n", n, f->locks[k].name, n, w->tid);
		}
	}
	fputs("  }\n", out);
}

int out_dot(const struct report *r, FILE *out)
{
	fputs("digraph deadbolt {\n  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\"];\n", out);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i]->kind == K_LOCK_ORDER)
			cycle(out, r->findings[i], i + 1);
		else if (r->findings[i]->kind == K_DEADLOCK)
			waits(out, r->findings[i], i + 1);
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

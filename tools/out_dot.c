/* out_dot.c - the locks of the reported cycles as a Graphviz digraph: one
 * cluster per finding, a node per lock, an edge per lock-order edge
 * labelled with its thread and where the second lock was taken
 * (function:line).  `dot -Tsvg` draws it.
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
	for (size_t i = 0; i < f->u.cycle.nlocks; i++) {
		const struct flk *k = &f->u.cycle.locks[i];
		const char *kind = k->lk ? lock_kind_name(k->lk->kind) : NULL;
		if (k->lk)
			snprintf(buf, sizeof(buf), "%s\\n%s 0x%llx", k->name, kind ? kind : "lock",
				 (unsigned long long)k->lk->addr);
		else
			snprintf(buf, sizeof(buf), "%s\\n%s %llu", k->name,
				 f->u.cycle.is_class ? "class" : "lock", (unsigned long long)k->uid);
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
			f->u.cycle.locks[e->from].name, n, f->u.cycle.locks[e->to].name);
		dot_str(out, buf);
		fputs("];\n", out);
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
	fputs("}\n", out);
	return ferror(out) ? -EIO : 0;
}

/* out_sarif.c - a SARIF 2.1.0 log (code-scanning services read it): one
 * run, one rule per finding kind present, one result per finding.  A
 * result's location is the first frame in the program's own code that has
 * a source file; the other stacks of the finding become related locations.
 * partialFingerprints carries a hash of the dedup key, so the same finding
 * keeps its identity across runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char *const rule_names[K_NKINDS] = {
	[K_LOCK_ORDER] = "LockOrderInversion",
	[K_DEADLOCK] = "Deadlock",
	[K_DATA_RACE] = "DataRace",
	[K_LEAK] = "Leak",
	[K_MISUSE] = "Misuse",
	[K_STALL] = "Stall",
	[K_HANG] = "Hang",
	[K_THREAD_LEAK] = "ThreadLeak",
	[K_FD_LEAK] = "FdLeak",
};

static const char *const rule_text[K_NKINDS] = {
	[K_LOCK_ORDER] = "Locks are taken in orders that form a cycle: threads running "
			 "these paths at the same time can deadlock.",
	[K_DEADLOCK] = "Threads waited for each other: a deadlock.",
	[K_DATA_RACE] = "Conflicting accesses to memory without synchronization.",
	[K_LEAK] = "Memory still allocated and unreachable at exit.",
	[K_MISUSE] = "A pthread function was used against its contract.",
	[K_STALL] = "A thread waited far longer than expected.",
	[K_HANG] = "The program stopped making progress.",
	[K_THREAD_LEAK] = "A thread was neither joined nor detached.",
	[K_FD_LEAK] = "A file descriptor was left open.",
};

/* The first frame of s in the program's own code with a source file. */
static const struct frame *user_frame(const struct stack *s)
{
	for (size_t i = 0; s && i < s->nframes; i++)
		if (s->frames[i].file && sym_user_frame(&s->frames[i]))
			return &s->frames[i];
	for (size_t i = 0; s && i < s->nframes; i++)
		if (s->frames[i].file)
			return &s->frames[i];
	return NULL;
}

/* A relative path stays a relative reference; an absolute one becomes a
 * file:// URI.  Bytes outside RFC 3986's unreserved set are escaped. */
static void uri(struct jw *w, const char *path)
{
	const char *p = report_path(path);
	char *buf = xcalloc(3 * strlen(p) + 8, 1);
	char *o = buf;

	if (!buf) {
		jw_str(w, p);
		return;
	}
	if (p[0] == '/')
		o += sprintf(o, "file://");
	for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~/", *s))
			*o++ = (char)*s;
		else
			o += sprintf(o, "%%%02X", *s);
	}
	jw_str(w, buf);
	free(buf);
}

static void physical(struct jw *w, const struct frame *f)
{
	jw_key(w, "physicalLocation");
	jw_obj(w);
	jw_key(w, "artifactLocation");
	jw_obj_compact(w);
	jw_key(w, "uri");
	uri(w, f->file);
	jw_obj_end(w);
	if (f->line) {
		jw_key(w, "region");
		jw_obj_compact(w);
		jw_field_u64(w, "startLine", f->line);
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void related(struct jw *w, int *id, const struct stack *s, const char *text)
{
	const struct frame *f = user_frame(s);

	if (!f)
		return;
	jw_obj(w);
	jw_field_u64(w, "id", (uint64_t)(*id)++);
	jw_key(w, "message");
	jw_obj_compact(w);
	jw_field_str(w, "text", text);
	jw_obj_end(w);
	physical(w, f);
	jw_obj_end(w);
}

static void cycle_related(struct jw *w, const struct finding *f)
{
	int id = 1;

	jw_key(w, "relatedLocations");
	jw_arr(w);
	for (size_t i = 0; i < f->u.cycle.nedges; i++) {
		const struct fedge *e = &f->u.cycle.edges[i];
		const char *from = f->locks[e->from].name;
		const char *to = f->locks[e->to].name;
		char *t1 = xasprintf("thread T%u takes %s while holding %s", e->e->tid, to, from);
		char *t2 = xasprintf("thread T%u took %s here", e->e->tid, from);
		if (t1)
			related(w, &id, e->e->to_stack, t1);
		if (t2)
			related(w, &id, e->e->from_stack, t2);
		free(t1);
		free(t2);
	}
	jw_arr_end(w);
}

static void other_related(struct jw *w, const struct finding *f)
{
	const struct event *ev = f->ev;
	int id = 1;

	jw_key(w, "relatedLocations");
	jw_arr(w);
	if (f->kind == K_DEADLOCK || f->kind == K_HANG || f->kind == K_STALL) {
		for (size_t i = 0; i < ev->u.waitset->n; i++) {
			const struct wthread *t = &ev->u.waitset->threads[i];
			char *text = xasprintf("thread T%u %s here", t->tid,
					       t->wait_kind == DB_WAIT_NONE ? "runs" : "waits");
			if (text)
				related(w, &id, t->stack, text);
			free(text);
			for (size_t j = 0; j < t->nheld; j++) {
				text = xasprintf("thread T%u took a lock it holds here", t->tid);
				if (text)
					related(w, &id, t->held[j].stack, text);
				free(text);
			}
		}
	} else if (f->kind == K_MISUSE) {
		related(w, &id, ev->u.misuse.other_stack, "the other side");
	} else if (f->kind == K_DATA_RACE) {
		const struct race_access *a = &ev->u.race->a[0];
		char *text = xasprintf("previous %s by thread T%u", race_access_name(a),
				       a->tid);
		if (text)
			related(w, &id, a->stack, text);
		free(text);
		if (ev->u.race->loc == DB_RACE_LOC_HEAP)
			related(w, &id, ev->u.race->block_stack,
				"the block was allocated here");
	}
	for (size_t i = 0; i < f->nthreads; i++) {
		char *text = xasprintf("thread T%u was created here", f->threads[i].tid);
		if (text && f->threads[i].t)
			related(w, &id, f->threads[i].t->created, text);
		free(text);
	}
	jw_arr_end(w);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static void result(struct jw *w, const struct finding *f, int rule_index)
{
	const struct frame *loc = NULL;
	char fp[24];

	jw_obj(w);
	jw_field_str(w, "ruleId", kind_names[f->kind]);
	jw_field_u64(w, "ruleIndex", (uint64_t)rule_index);
	jw_field_str(w, "level", "error");
	jw_key(w, "message");
	jw_obj_compact(w);
	jw_field_str(w, "text", f->summary);
	jw_obj_end(w);
	loc = user_frame(finding_main_stack(f));
	if (f->kind == K_LOCK_ORDER)
		for (size_t i = 0; i < f->u.cycle.nedges && !loc; i++)
			loc = user_frame(f->u.cycle.edges[i].e->to_stack);
	jw_key(w, "locations");
	jw_arr(w);
	if (loc) {
		jw_obj(w);
		physical(w, loc);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (f->kind == K_LOCK_ORDER)
		cycle_related(w, f);
	else
		other_related(w, f);
	jw_key(w, "partialFingerprints");
	jw_obj_compact(w);
	jw_key(w, "deadbolt/v1");
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)fnv1a(f->key));
	jw_str(w, fp);
	jw_obj_end(w);
	jw_key(w, "properties");
	jw_obj_compact(w);
	jw_key(w, "pids");
	jw_arr(w);
	for (size_t i = 0; i < f->npids; i++)
		jw_u64(w, f->pids[i]);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

int out_sarif(const struct report *r, FILE *f)
{
	int index[K_NKINDS], nrules = 0;
	struct jw w;

	for (int k = 0; k < K_NKINDS; k++)
		index[k] = r->counts[k] ? nrules++ : -1;
	jw_init(&w, f);
	jw_obj(&w);
	jw_key(&w, "$schema");
	jw_str(&w, "https://json.schemastore.org/sarif-2.1.0.json");
	jw_key(&w, "version");
	jw_str(&w, "2.1.0");
	jw_key(&w, "runs");
	jw_arr(&w);
	jw_obj(&w);
	jw_key(&w, "tool");
	jw_obj(&w);
	jw_key(&w, "driver");
	jw_obj(&w);
	jw_key(&w, "name");
	jw_str(&w, "deadbolt");
	jw_key(&w, "version");
	jw_str(&w, DB_VERSION);
	jw_key(&w, "semanticVersion");
	jw_str(&w, DB_VERSION);
	jw_key(&w, "rules");
	jw_arr(&w);
	for (int k = 0; k < K_NKINDS; k++) {
		if (index[k] < 0)
			continue;
		jw_obj(&w);
		jw_key(&w, "id");
		jw_str(&w, kind_names[k]);
		jw_key(&w, "name");
		jw_str(&w, rule_names[k]);
		jw_key(&w, "shortDescription");
		jw_obj_compact(&w);
		jw_key(&w, "text");
		jw_str(&w, rule_text[k]);
		jw_obj_end(&w);
		jw_key(&w, "defaultConfiguration");
		jw_obj_compact(&w);
		jw_key(&w, "level");
		jw_str(&w, "error");
		jw_obj_end(&w);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_obj_end(&w);
	jw_key(&w, "results");
	jw_arr(&w);
	for (size_t i = 0; i < r->nfindings; i++)
		result(&w, r->findings[i], index[r->findings[i]->kind]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_end(&w);
	return ferror(f) ? -EIO : 0;
}

/* logread.c - reads one raw log (lib/logfmt.h) into a struct dlog.
 *
 * The whole file is read into memory and walked record by record.  Nothing
 * in it is trusted: every size is checked against what is left, records are
 * copied out with memcpy (a damaged header_size can misalign them), and ids
 * are looked up, never indexed.  Damage keeps what came before it: the log
 * becomes partial and says so once.  A record naming an id that no earlier
 * record defined is a warning and the reference is dropped.
 *
 * Module map: MODULE and MODULE_UNLOAD records keep `loaded` current while
 * reading, and each STACK record binds its pcs to the modules loaded at that
 * point of the log, since an address can belong to another module later
 * (a pc in no loaded module goes to the last unloaded one that held it).
 *
 * Adding a record type: a case in read_record(); if it is a finding, an
 * event (tool.h) and a case in report.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

#define MAX_WARNINGS	20	/* warnings printed per log; the rest are counted */
#define MAX_LOG_SIZE	(1ull << 34)	/* 16 GiB: more is not a log we can hold */

static void add_note(struct dlog *l, enum note_level level, bool shown, char *text)
{
	if (!text)
		return;
	if (l->nnotes == l->notes_cap) {
		size_t cap = l->notes_cap ? 2 * l->notes_cap : 8;
		struct note *n = realloc(l->notes, cap * sizeof(*n));
		if (!n) {
			tool_oom = true;
			free(text);
			return;
		}
		l->notes = n;
		l->notes_cap = cap;
	}
	l->notes[l->nnotes++] = (struct note){ .pid = l->pid, .level = level,
						.shown = shown, .text = text };
}

void log_note(struct dlog *l, enum note_level level, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0) {
		text = NULL;
		tool_oom = true;
	}
	va_end(ap);
	add_note(l, level, false, text);
}

static void vwarn(struct dlog *l, unsigned record, bool always, const char *fmt, va_list ap)
{
	char *msg, *text;

	if (vasprintf(&msg, fmt, ap) < 0) {
		tool_oom = true;
		return;
	}
	if (record)
		text = xasprintf("%s:record %u: %s", l->path, record, msg);
	else
		text = xasprintf("%s: %s", l->path, msg);
	free(msg);
	if (!text)
		return;
	l->nwarnings++;
	if (always || l->nwarnings <= MAX_WARNINGS)
		fprintf(stderr, "deadbolt: warning: %s\n", text);
	else if (l->nwarnings == MAX_WARNINGS + 1)
		fprintf(stderr, "deadbolt: warning: %s: more warnings about this log "
			"are in the JSON report's notes\n", l->path);
	add_note(l, NOTE_WARN, true, text);
}

void log_warn(struct dlog *l, unsigned record, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(l, record, false, fmt, ap);
	va_end(ap);
}

static void log_damage(struct dlog *l, unsigned record, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Damage ends the log: said once, always printed. */
static void log_damage(struct dlog *l, unsigned record, const char *fmt, ...)
{
	va_list ap;

	l->partial = true;
	va_start(ap, fmt);
	vwarn(l, record, true, fmt, ap);
	va_end(ap);
}

struct stack *log_stack(struct dlog *l, uint64_t id)
{
	struct stack *s;

	HASH_FIND(hh, l->stacks, &id, sizeof(id), s);
	return s;
}

struct lock *log_lock(struct dlog *l, uint64_t uid)
{
	struct lock *k;

	HASH_FIND(hh, l->locks, &uid, sizeof(uid), k);
	return k;
}

struct thread *log_thread(struct dlog *l, uint32_t tid)
{
	struct thread *t;

	HASH_FIND(hh, l->threads, &tid, sizeof(tid), t);
	return t;
}

static struct module *find_module(struct dlog *l, uint64_t id)
{
	struct module *m;

	HASH_FIND(hh, l->modules, &id, sizeof(id), m);
	return m;
}

static struct edge *find_edge(struct dlog *l, uint64_t id)
{
	struct edge *e;

	HASH_FIND(hh, l->edges, &id, sizeof(id), e);
	return e;
}

/* A stack reference: 0 is "no stack", an unknown id is a warning. */
static struct stack *ref_stack(struct dlog *l, unsigned rec, uint64_t id, const char *what)
{
	struct stack *s;

	if (!id)
		return NULL;
	s = log_stack(l, id);
	if (!s)
		log_warn(l, rec, "%s refers to unknown stack %llu", what,
			 (unsigned long long)id);
	return s;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The record body after its fixed part: what a variable tail may use. */
struct rec {
	const unsigned char *p;	/* the record, header included */
	size_t size;
	unsigned num;
};

/* Copy the fixed part of a record; false (and a warning) if it is short. */
static bool fixed(struct dlog *l, const struct rec *r, void *dst, size_t n, const char *what)
{
	if (r->size < n) {
		log_warn(l, r->num, "%s record too short (%zu bytes, needs %zu); skipped",
			 what, r->size, n);
		return false;
	}
	memcpy(dst, r->p, n);
	return true;
}

static bool tail_fits(struct dlog *l, const struct rec *r, size_t fixed_size,
		      uint64_t tail, const char *what)
{
	if (tail > r->size - fixed_size) {
		log_warn(l, r->num, "%s record: %llu bytes of data do not fit in its "
			 "%zu bytes; skipped", what, (unsigned long long)tail, r->size);
		return false;
	}
	return true;
}

static void rec_process(struct dlog *l, const struct rec *r)
{
	struct db_rec_process p;
	const char *data;
	size_t n = 0;

	if (!fixed(l, r, &p, sizeof(p), "PROCESS") ||
	    !tail_fits(l, r, sizeof(p), (uint64_t)p.argv_len + p.exe_len, "PROCESS"))
		return;
	data = (const char *)r->p + sizeof(p);
	for (size_t i = 0; i < p.argv_len; i++)
		n += data[i] == '\0';
	if (p.argv_len && data[p.argv_len - 1] != '\0')
		n++;		/* an unterminated last string still counts */
	char **argv = xcalloc(n + 1, sizeof(*argv));
	if (!argv)
		return;
	size_t k = 0;
	for (size_t i = 0; i < p.argv_len && k < n; k++) {
		size_t len = strnlen(data + i, p.argv_len - i);
		argv[k] = xstrndup(data + i, len);
		i += len + 1;
	}
	if (l->argv) {
		for (size_t i = 0; i < l->argc; i++)
			free(l->argv[i]);
		free(l->argv);
	}
	free(l->exe);
	l->argv = argv;
	l->argc = k;
	l->exe = p.exe_len ? xstrndup(data + p.argv_len, p.exe_len) : NULL;
	l->has_process = true;
	if (p.pid != l->pid)
		log_warn(l, r->num, "PROCESS record names pid %llu in the log of pid %llu",
			 (unsigned long long)p.pid, (unsigned long long)l->pid);
	l->ppid = p.ppid;
}

static void rec_module(struct dlog *l, const struct rec *r)
{
	struct db_rec_module m;
	struct module *mod;

	if (!fixed(l, r, &m, sizeof(m), "MODULE") ||
	    !tail_fits(l, r, sizeof(m), (uint64_t)m.build_id_len + m.path_len, "MODULE"))
		return;
	if (find_module(l, m.id)) {
		log_warn(l, r->num, "module id %llu defined twice; the second is ignored",
			 (unsigned long long)m.id);
		return;
	}
	if (l->nloaded == l->loaded_cap) {
		size_t cap = l->loaded_cap ? 2 * l->loaded_cap : 64;
		struct module **v = realloc(l->loaded, cap * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return;
		}
		l->loaded = v;
		l->loaded_cap = cap;
	}
	mod = xcalloc(1, sizeof(*mod));
	if (!mod)
		return;
	mod->id = m.id;
	mod->bias = m.bias;
	mod->lo = m.lo;
	mod->hi = m.hi;
	mod->path = xstrndup((const char *)r->p + sizeof(m) + m.build_id_len, m.path_len);
	if (m.build_id_len) {
		mod->build_id = malloc(m.build_id_len);
		if (mod->build_id) {
			memcpy(mod->build_id, r->p + sizeof(m), m.build_id_len);
			mod->build_id_len = m.build_id_len;
		} else {
			tool_oom = true;
		}
	}
	if (!mod->path) {
		free(mod->build_id);
		free(mod);
		return;
	}
	mod->own = !strncmp(base_name(mod->path), "libdeadbolt", 11);
	HASH_ADD(hh, l->modules, id, sizeof(mod->id), mod);
	l->loaded[l->nloaded++] = mod;
}

static void rec_module_unload(struct dlog *l, const struct rec *r)
{
	struct db_rec_module_unload u;

	if (!fixed(l, r, &u, sizeof(u), "MODULE_UNLOAD"))
		return;
	for (size_t i = 0; i < l->nloaded; i++) {
		if (l->loaded[i]->id == u.id) {
			struct module **v = realloc(l->unloaded,
						    (l->nunloaded + 1) * sizeof(*v));
			if (v) {
				l->unloaded = v;
				v[l->nunloaded++] = l->loaded[i];
			}
			memmove(&l->loaded[i], &l->loaded[i + 1],
				(l->nloaded - i - 1) * sizeof(l->loaded[0]));
			l->nloaded--;
			return;
		}
	}
	log_warn(l, r->num, "unload of module %llu, which is not loaded",
		 (unsigned long long)u.id);
}

/* The module holding addr among those loaded now; the latest load wins.
 * Else the last unloaded one that held it: a stack recorded late, after
 * its module was dlclose'd, still belongs to it when nothing replaced it. */
static struct module *module_at(struct dlog *l, uint64_t addr)
{
	for (size_t i = l->nloaded; i-- > 0;) {
		struct module *m = l->loaded[i];
		if (addr >= m->lo && addr < m->hi)
			return m;
	}
	for (size_t i = l->nunloaded; i-- > 0;) {
		struct module *m = l->unloaded[i];
		if (addr >= m->lo && addr < m->hi)
			return m;
	}
	return NULL;
}

static void rec_stack(struct dlog *l, const struct rec *r)
{
	struct db_rec_stack s;
	struct stack *st;

	if (!fixed(l, r, &s, sizeof(s), "STACK") ||
	    !tail_fits(l, r, sizeof(s), (uint64_t)s.nframes * 8, "STACK"))
		return;
	if (!s.id || log_stack(l, s.id)) {
		log_warn(l, r->num, "stack id %llu %s; record ignored",
			 (unsigned long long)s.id, s.id ? "defined twice" : "is reserved");
		return;
	}
	st = xcalloc(1, sizeof(*st));
	if (!st)
		return;
	st->id = s.id;
	st->flags = s.flags;
	st->npc = s.nframes;
	st->pc = xcalloc(s.nframes + 1, sizeof(*st->pc));
	st->mod = xcalloc(s.nframes + 1, sizeof(*st->mod));
	if (!st->pc || !st->mod) {
		free(st->pc);
		free(st->mod);
		free(st);
		return;
	}
	memcpy(st->pc, r->p + sizeof(s), (size_t)s.nframes * 8);
	for (size_t i = 0; i < st->npc; i++) {
		uint64_t pc = st->pc[i];
		bool exact = i == 0 && (s.flags & DB_STACKF_EXACT0);
		st->mod[i] = module_at(l, exact || !pc ? pc : pc - 1);
	}
	HASH_ADD(hh, l->stacks, id, sizeof(st->id), st);
}

static void rec_thread(struct dlog *l, const struct rec *r)
{
	struct db_rec_thread t;
	struct thread *th;

	if (!fixed(l, r, &t, sizeof(t), "THREAD"))
		return;
	if (log_thread(l, t.tid)) {
		log_warn(l, r->num, "thread T%u defined twice; the second is ignored", t.tid);
		return;
	}
	th = xcalloc(1, sizeof(*th));
	if (!th)
		return;
	th->tid = t.tid;
	th->parent = t.parent;
	th->os_tid = t.os_tid;
	th->created = ref_stack(l, r->num, t.create_stack, "THREAD");
	HASH_ADD(hh, l->threads, tid, sizeof(th->tid), th);
}

static void rec_thread_exit(struct dlog *l, const struct rec *r)
{
	struct db_rec_thread_exit t;
	struct thread *th;

	if (!fixed(l, r, &t, sizeof(t), "THREAD_EXIT"))
		return;
	th = log_thread(l, t.tid);
	if (th)
		th->exited = true;
	else
		log_warn(l, r->num, "exit of unknown thread T%u", t.tid);
}

static void rec_lock(struct dlog *l, const struct rec *r)
{
	struct db_rec_lock k;
	struct lock *lk;

	if (!fixed(l, r, &k, sizeof(k), "LOCK"))
		return;
	if (log_lock(l, k.uid)) {
		log_warn(l, r->num, "lock uid %llu defined twice; the second is ignored",
			 (unsigned long long)k.uid);
		return;
	}
	lk = xcalloc(1, sizeof(*lk));
	if (!lk)
		return;
	lk->uid = k.uid;
	lk->addr = k.addr;
	lk->kind = k.kind;
	lk->site = k.site;
	lk->class_id = k.class_id;
	lk->site_stack = ref_stack(l, r->num, k.site_stack, "LOCK");
	HASH_ADD(hh, l->locks, uid, sizeof(lk->uid), lk);
}

static void rec_edge(struct dlog *l, const struct rec *r)
{
	struct db_rec_edge e;
	struct edge *ed;

	if (!fixed(l, r, &e, sizeof(e), "EDGE"))
		return;
	if (find_edge(l, e.id)) {
		log_warn(l, r->num, "edge id %llu defined twice; the second is ignored",
			 (unsigned long long)e.id);
		return;
	}
	ed = xcalloc(1, sizeof(*ed));
	if (!ed)
		return;
	ed->id = e.id;
	ed->from = e.from;
	ed->to = e.to;
	ed->tid = e.tid;
	ed->from_mode = e.from_mode;
	ed->to_mode = e.to_mode;
	ed->flags = e.flags;
	ed->to_stack = ref_stack(l, r->num, e.to_stack, "EDGE");
	ed->from_stack = ref_stack(l, r->num, e.from_stack, "EDGE");
	/* lock uids are checked when a cycle uses the edge (report.c) */
	HASH_ADD(hh, l->edges, id, sizeof(ed->id), ed);
}

static struct event *new_event(struct dlog *l, uint32_t type, unsigned num)
{
	if (l->nevents == l->events_cap) {
		size_t cap = l->events_cap ? 2 * l->events_cap : 8;
		struct event *v = realloc(l->events, cap * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return NULL;
		}
		l->events = v;
		l->events_cap = cap;
	}
	struct event *ev = &l->events[l->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->record = num;
	return ev;
}

static void rec_cycle(struct dlog *l, const struct rec *r)
{
	struct db_rec_cycle c;
	struct edge **edges;
	struct event *ev;

	if (!fixed(l, r, &c, sizeof(c), "CYCLE") ||
	    !tail_fits(l, r, sizeof(c), (uint64_t)c.nedges * 8, "CYCLE"))
		return;
	if (c.nedges == 0) {
		log_warn(l, r->num, "CYCLE record without edges; skipped");
		return;
	}
	edges = xcalloc(c.nedges, sizeof(*edges));
	if (!edges)
		return;
	for (uint32_t i = 0; i < c.nedges; i++) {
		uint64_t id;
		memcpy(&id, r->p + sizeof(c) + 8 * (size_t)i, 8);
		edges[i] = find_edge(l, id);
		if (!edges[i]) {
			log_warn(l, r->num, "CYCLE refers to unknown edge %llu; the cycle "
				 "is not reported", (unsigned long long)id);
			free(edges);
			return;
		}
	}
	ev = new_event(l, DB_REC_CYCLE, r->num);
	if (!ev) {
		free(edges);
		return;
	}
	ev->u.cycle.flags = c.flags;
	ev->u.cycle.nedges = c.nedges;
	ev->u.cycle.edges = edges;
}

static void rec_note(struct dlog *l, const struct rec *r)
{
	struct db_rec_note n;
	enum note_level level;

	if (!fixed(l, r, &n, sizeof(n), "NOTE") ||
	    !tail_fits(l, r, sizeof(n), n.len, "NOTE"))
		return;
	switch (n.level) {
	case DB_NOTE_INFO:
		level = NOTE_INFO;
		break;
	case DB_NOTE_INTERNAL:
		level = NOTE_INTERNAL;
		break;
	default:
		level = NOTE_WARN;
		break;
	}
	add_note(l, level, false, xstrndup((const char *)r->p + sizeof(n), n.len));
}

static void rec_exit(struct dlog *l, const struct rec *r)
{
	struct db_rec_exit e;

	if (!fixed(l, r, &e, sizeof(e), "EXIT"))
		return;
	l->has_exit = true;
	l->exit_status = e.status;
}

static void rec_options(struct dlog *l, const struct rec *r)
{
	struct db_rec_options o;

	if (!fixed(l, r, &o, sizeof(o), "OPTIONS") ||
	    !tail_fits(l, r, sizeof(o), o.len, "OPTIONS"))
		return;
	free(l->options);
	l->options = xstrndup((const char *)r->p + sizeof(o), o.len);
}

static struct waitset *find_waitset(struct dlog *l, uint64_t id)
{
	struct waitset *w;

	HASH_FIND(hh, l->waitsets, &id, sizeof(id), w);
	return w;
}

static void rec_waitset(struct dlog *l, const struct rec *r)
{
	struct db_rec_waitset w;
	struct waitset *ws;
	struct event *ev;

	if (!fixed(l, r, &w, sizeof(w), "WAITSET"))
		return;
	if (find_waitset(l, w.id)) {
		log_warn(l, r->num, "waitset %llu defined twice; the second is ignored",
			 (unsigned long long)w.id);
		return;
	}
	if (w.kind < DB_WS_DEADLOCK || w.kind > DB_WS_STALL) {
		log_warn(l, r->num, "waitset of unknown kind %u; skipped", w.kind);
		return;
	}
	ws = xcalloc(1, sizeof(*ws));
	if (!ws)
		return;
	ws->id = w.id;
	ws->kind = w.kind;
	ws->nthreads = w.nthreads;
	ws->waited_ms = w.waited_ms;
	ev = new_event(l, DB_REC_WAITSET, r->num);
	if (!ev) {
		free(ws);
		return;
	}
	ev->u.waitset = ws;
	HASH_ADD(hh, l->waitsets, id, sizeof(ws->id), ws);
}

static void rec_tstate(struct dlog *l, const struct rec *r)
{
	struct db_rec_tstate t;
	struct waitset *ws;

	if (!fixed(l, r, &t, sizeof(t), "TSTATE"))
		return;
	ws = find_waitset(l, t.waitset);
	if (!ws) {
		log_warn(l, r->num, "TSTATE of unknown waitset %llu",
			 (unsigned long long)t.waitset);
		return;
	}
	struct wthread *v = realloc(ws->threads, (ws->n + 1) * sizeof(*v));
	if (!v) {
		tool_oom = true;
		return;
	}
	ws->threads = v;
	v[ws->n++] = (struct wthread){
		.tid = t.tid, .wait_kind = t.wait_kind, .wait_id = t.wait_id,
		.wait_addr = t.wait_addr, .wait_mode = t.wait_mode,
		.stack = ref_stack(l, r->num, t.stack, "TSTATE"),
	};
}

static void rec_theld(struct dlog *l, const struct rec *r)
{
	struct db_rec_theld h;
	struct waitset *ws;
	struct wthread *w = NULL;

	if (!fixed(l, r, &h, sizeof(h), "THELD"))
		return;
	ws = find_waitset(l, h.waitset);
	/* the lock belongs to the latest TSTATE of that thread in the set */
	for (size_t i = ws ? ws->n : 0; i-- > 0 && !w;)
		if (ws->threads[i].tid == h.tid)
			w = &ws->threads[i];
	if (!w) {
		if (ws)
			log_warn(l, r->num, "THELD of thread T%u, which waitset %llu does "
				 "not have", h.tid, (unsigned long long)h.waitset);
		else
			log_warn(l, r->num, "THELD of unknown waitset %llu",
				 (unsigned long long)h.waitset);
		return;
	}
	struct wheld *v = realloc(w->held, (w->nheld + 1) * sizeof(*v));
	if (!v) {
		tool_oom = true;
		return;
	}
	w->held = v;
	v[w->nheld++] = (struct wheld){
		.mode = h.mode, .uid = h.uid, .addr = h.addr,
		.stack = ref_stack(l, r->num, h.stack, "THELD"),
	};
}

static void rec_misuse(struct dlog *l, const struct rec *r)
{
	struct db_rec_misuse m;
	struct event *ev;

	if (!fixed(l, r, &m, sizeof(m), "MISUSE"))
		return;
	ev = new_event(l, DB_REC_MISUSE, r->num);
	if (!ev)
		return;
	ev->u.misuse.kind = m.kind;
	ev->u.misuse.tid = m.tid;
	ev->u.misuse.other_tid = m.other_tid;
	ev->u.misuse.lock_kind = m.lock_kind;
	ev->u.misuse.addr = m.addr;
	ev->u.misuse.uid = m.uid;
	ev->u.misuse.other_addr = m.other_addr;
	ev->u.misuse.stack = ref_stack(l, r->num, m.stack, "MISUSE");
	ev->u.misuse.other_stack = ref_stack(l, r->num, m.other_stack, "MISUSE");
}

static void rec_thread_join(struct dlog *l, const struct rec *r, bool detach)
{
	struct db_rec_thread_join j;
	struct thread *t;

	/* THREAD_DETACH is the same size and starts with the tid */
	if (!fixed(l, r, &j, sizeof(j), detach ? "THREAD_DETACH" : "THREAD_JOIN"))
		return;
	t = log_thread(l, j.tid);
	if (!t)
		log_warn(l, r->num, "%s of unknown thread T%u", detach ? "detach" : "join",
			 j.tid);
	else if (detach)
		t->detached = true;
	else
		t->joined = true;
}

static void rec_thread_leak(struct dlog *l, const struct rec *r)
{
	struct db_rec_thread_leak t;
	struct event *ev;

	if (!fixed(l, r, &t, sizeof(t), "THREAD_LEAK"))
		return;
	ev = new_event(l, DB_REC_THREAD_LEAK, r->num);
	if (!ev)
		return;
	ev->u.thread_leak.tid = t.tid;
	ev->u.thread_leak.stack = ref_stack(l, r->num, t.stack, "THREAD_LEAK");
}

static void rec_fd_leak(struct dlog *l, const struct rec *r)
{
	struct db_rec_fd_leak d;
	struct event *ev;

	if (!fixed(l, r, &d, sizeof(d), "FD_LEAK") ||
	    !tail_fits(l, r, sizeof(d), d.path_len, "FD_LEAK"))
		return;
	ev = new_event(l, DB_REC_FD_LEAK, r->num);
	if (!ev)
		return;
	ev->u.fd_leak.fd = d.fd;
	ev->u.fd_leak.tid = d.tid;
	ev->u.fd_leak.stack = ref_stack(l, r->num, d.stack, "FD_LEAK");
	ev->u.fd_leak.what = d.path_len ?
		xstrndup((const char *)r->p + sizeof(d), d.path_len) : NULL;
}

static void rec_leak(struct dlog *l, const struct rec *r)
{
	struct db_rec_leak k;
	struct event *ev;

	if (!fixed(l, r, &k, sizeof(k), "LEAK"))
		return;
	ev = new_event(l, DB_REC_LEAK, r->num);
	if (!ev)
		return;
	ev->u.leak.kind = k.kind;
	ev->u.leak.tid = k.tid;
	ev->u.leak.stack = ref_stack(l, r->num, k.stack, "LEAK");
	ev->u.leak.bytes = k.bytes;
	ev->u.leak.blocks = k.blocks;
}

static void rec_leak_summary(struct dlog *l, const struct rec *r)
{
	struct db_rec_leak_summary k;

	if (!fixed(l, r, &k, sizeof(k), "LEAK_SUMMARY"))
		return;
	l->has_leak_summary = true;
	l->leaks = (struct leak_summary){
		.definite_bytes = k.definite_bytes, .definite_blocks = k.definite_blocks,
		.indirect_bytes = k.indirect_bytes, .indirect_blocks = k.indirect_blocks,
		.reachable_bytes = k.reachable_bytes, .reachable_blocks = k.reachable_blocks,
		.suppressed_bytes = k.suppressed_bytes,
		.suppressed_blocks = k.suppressed_blocks, .scan_ms = k.scan_ms,
	};
}

/* ---- data races ------------------------------------------------------------ */

const char *race_loc_name(uint32_t loc)
{
	switch (loc) {
	case DB_RACE_LOC_GLOBAL:
		return "global";
	case DB_RACE_LOC_WORD:
		return "word";
	case DB_RACE_LOC_HEAP:
		return "heap";
	case DB_RACE_LOC_OTHER:
		return "other";
	case DB_RACE_LOC_CODE:
		return "code";
	case DB_RACE_LOC_STACK:
		return "stack";
	default:
		return "unknown";
	}
}

const char *race_state_name(uint32_t state)
{
	return state == DB_RACE_STATE_ON ? "on" : state == DB_RACE_STATE_OFF ? "off" :
	       state == DB_RACE_STATE_UNAVAILABLE ? "unavailable" : "unknown";
}

/* A stack of pc alone, bound to the module loaded there now: a race
 * access without a usable stack record (its site is still pc - 1), or a
 * sampled instruction (exact: pc itself). */
static struct stack *pc_stack(struct dlog *l, uint64_t pc, bool exact)
{
	struct stack *st = xcalloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->npc = 1;
	st->pc = xcalloc(1, sizeof(*st->pc));
	st->mod = xcalloc(1, sizeof(*st->mod));
	if (!st->pc || !st->mod) {
		free(st->pc);
		free(st->mod);
		free(st);
		return NULL;
	}
	st->pc[0] = pc;
	st->flags = exact ? DB_STACKF_EXACT0 : 0;
	st->mod[0] = module_at(l, exact ? pc : pc - 1);
	return st;
}

static void free_stack(struct stack *s)
{
	free(s->pc);
	free(s->mod);
	free(s->frames);
	free(s);
}

static void free_race(struct race *rc)
{
	if (!rc)
		return;
	for (int i = 0; i < 2; i++)
		if (rc->a[i].own)
			free_stack(rc->a[i].own);
	free(rc);
}

static bool race_access(struct dlog *l, unsigned rec, const struct db_race_access *in,
			struct race_access *out)
{
	out->tid = in->tid;
	out->flags = in->flags;
	out->pc = in->pc;
	out->time_ns = in->time_ns;
	out->nlocks = in->nlocks;
	out->mode_bits = in->mode_bits;
	out->nnamed = in->nlocks < DB_RACE_MAX_LOCKS ? in->nlocks : DB_RACE_MAX_LOCKS;
	memcpy(out->locks, in->locks, sizeof(out->locks));
	out->stack = ref_stack(l, rec, in->stack, "RACE");
	/* the site is frame 0, pc: when the stack does not start there, pc alone */
	if (out->stack && out->stack->npc && out->stack->pc[0] == in->pc) {
		out->site = out->stack;
	} else if (in->pc) {
		out->own = pc_stack(l, in->pc, false);
		if (!out->own)
			return false;
		out->site = out->own;
		if (!out->stack)
			out->stack = out->own;
	}
	return true;
}

static void rec_race(struct dlog *l, const struct rec *r)
{
	struct db_rec_race d;
	struct race *rc;
	struct event *ev;

	if (!fixed(l, r, &d, sizeof(d), "RACE"))
		return;
	if (d.size == 0) {
		log_warn(l, r->num, "RACE record of a 0-byte location; skipped");
		return;
	}
	rc = xcalloc(1, sizeof(*rc));
	if (!rc)
		return;
	rc->addr = d.addr;
	rc->size = d.size;
	rc->evidence = d.evidence;
	if (d.evidence != DB_RACE_UNORDERED && d.evidence != DB_RACE_WITNESSED) {
		log_warn(l, r->num, "RACE record of unknown evidence %u; taken as unordered",
			 d.evidence);
		rc->evidence = DB_RACE_UNORDERED;
	}
	rc->loc = d.loc;
	rc->owner = d.owner;
	rc->object = d.object;
	rc->object_size = d.object_size;
	if (d.loc != DB_RACE_LOC_HEAP)
		rc->mod = module_at(l, d.addr);
	else
		rc->block_stack = ref_stack(l, r->num, d.block_stack, "RACE");
	if (!race_access(l, r->num, &d.a[0], &rc->a[0]) ||
	    !race_access(l, r->num, &d.a[1], &rc->a[1])) {
		free_race(rc);
		return;
	}
	ev = new_event(l, DB_REC_RACE, r->num);
	if (!ev) {
		free_race(rc);
		return;
	}
	ev->u.race = rc;
}

static void rec_race_atomic(struct dlog *l, const struct rec *r)
{
	struct db_rec_race_atomic a = { 0 };
	struct race_info *ri = &l->race;

	/* older runtimes wrote it without flags */
	if (!fixed(l, r, &a, r->size >= sizeof(a) ? sizeof(a) : offsetof(struct db_rec_race_atomic, flags),
		   "RACE_ATOMIC"))
		return;
	if (ri->natomic == ri->atomic_cap) {
		size_t cap = ri->atomic_cap ? 2 * ri->atomic_cap : 16;
		struct race_atomic *v = realloc(ri->atomic, cap * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return;
		}
		ri->atomic = v;
		ri->atomic_cap = cap;
	}
	/* a 0-byte atomic location still marks its address */
	uint64_t size = a.size ? a.size : 1;
	ri->atomic[ri->natomic++] = (struct race_atomic){ .addr = a.addr, .size = size,
							  .sync = a.flags & DB_RACE_ATOMIC_SYNC };
	if (size > ri->atomic_max)
		ri->atomic_max = size;
}

static int cmp_atomic(const void *a, const void *b)
{
	uint64_t x = ((const struct race_atomic *)a)->addr;
	uint64_t y = ((const struct race_atomic *)b)->addr;

	return x < y ? -1 : x > y;
}

/* The first atomic location (sorted by address) that starts at or after
 * from. */
static size_t atomic_from(const struct race_info *ri, uint64_t from)
{
	size_t lo = 0, hi = ri->natomic;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ri->atomic[mid].addr < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool log_race_atomic(const struct dlog *l, uint64_t addr, uint64_t size)
{
	const struct race_info *ri = &l->race;
	uint64_t end = addr + size < addr ? UINT64_MAX : addr + size;

	/* none that starts more than the largest size below addr reaches it */
	for (size_t i = atomic_from(ri, addr > ri->atomic_max ? addr - ri->atomic_max : 0);
	     i < ri->natomic && ri->atomic[i].addr < end; i++)
		if (ri->atomic[i].addr + ri->atomic[i].size > addr ||
		    ri->atomic[i].addr + ri->atomic[i].size < ri->atomic[i].addr)
			return true;
	return false;
}

/* Does [lo, hi) hold a word that a compare-exchange or exchange touched? */
bool log_race_sync_in(const struct dlog *l, uint64_t lo, uint64_t hi)
{
	const struct race_info *ri = &l->race;

	for (size_t i = atomic_from(ri, lo); i < ri->natomic && ri->atomic[i].addr < hi; i++)
		if (ri->atomic[i].sync)
			return true;
	return false;
}

static void rec_race_status(struct dlog *l, const struct rec *r)
{
	struct db_rec_race_status st;
	struct race_info *ri = &l->race;

	if (!fixed(l, r, &st, sizeof(st), "RACE_STATUS") ||
	    !tail_fits(l, r, sizeof(st), st.len, "RACE_STATUS"))
		return;
	if (st.state < DB_RACE_STATE_ON || st.state > DB_RACE_STATE_UNAVAILABLE) {
		log_warn(l, r->num, "RACE_STATUS of unknown state %u; skipped", st.state);
		return;
	}
	/* the latest status holds: detection can be given up while running */
	free(ri->reason);
	ri->reason = st.len ? xstrndup((const char *)r->p + sizeof(st), st.len) : NULL;
	if (ri->reason && !ri->reason[0]) {
		free(ri->reason);
		ri->reason = NULL;
	}
	ri->has_status = true;
	ri->state = st.state;
	ri->err = st.err;
}

static void rec_race_watch(struct dlog *l, const struct rec *r)
{
	struct db_rec_race_watch w;
	struct race_info *ri = &l->race;

	if (!fixed(l, r, &w, sizeof(w), "RACE_WATCH"))
		return;
	if (ri->nwatch == ri->watch_cap) {
		size_t cap = ri->watch_cap ? 2 * ri->watch_cap : 16;
		struct race_watch *v = realloc(ri->watch, cap * sizeof(*v));
		if (!v) {
			tool_oom = true;
			return;
		}
		ri->watch = v;
		ri->watch_cap = cap;
	}
	struct race_watch *rw = &ri->watch[ri->nwatch];
	*rw = (struct race_watch){
		.addr = w.addr, .size = w.size, .loc = w.loc, .watched_us = w.watched_us,
		.traps = w.traps, .threads = w.threads,
		.mod = w.loc == DB_RACE_LOC_HEAP ? NULL : module_at(l, w.addr),
	};
	if (w.loc == DB_RACE_LOC_CODE && w.addr && !(rw->code = pc_stack(l, w.addr, true)))
		return;
	ri->nwatch++;
}

static void rec_race_summary(struct dlog *l, const struct rec *r)
{
	struct db_rec_race_summary k = { 0 };
	struct race_info *ri = &l->race;

	/* older logs end before the module counts */
	if (!fixed(l, r, &k, offsetof(struct db_rec_race_summary, modules), "RACE_SUMMARY"))
		return;
	memcpy(&k, r->p, r->size < sizeof(k) ? r->size : sizeof(k));
	ri->has_summary = true;
	ri->candidates = k.candidates;
	ri->globals = k.globals;
	ri->heap = k.heap;
	ri->watched = k.watched;
	ri->windows = k.windows;
	ri->window_us = k.window_us;
	ri->watched_us = k.watched_us;
	ri->traps = k.traps;
	ri->dropped = k.dropped;
	ri->slots = k.slots;
	ri->watch_records = k.watch_records;
	ri->modules = k.modules;
	ri->modules_cached = k.modules_cached;
}

static void read_record(struct dlog *l, uint32_t type, const struct rec *r)
{
	switch (type) {
	case DB_REC_PROCESS:
		rec_process(l, r);
		break;
	case DB_REC_MODULE:
		rec_module(l, r);
		break;
	case DB_REC_MODULE_UNLOAD:
		rec_module_unload(l, r);
		break;
	case DB_REC_STACK:
		rec_stack(l, r);
		break;
	case DB_REC_THREAD:
		rec_thread(l, r);
		break;
	case DB_REC_THREAD_EXIT:
		rec_thread_exit(l, r);
		break;
	case DB_REC_LOCK:
		rec_lock(l, r);
		break;
	case DB_REC_EDGE:
		rec_edge(l, r);
		break;
	case DB_REC_CYCLE:
		rec_cycle(l, r);
		break;
	case DB_REC_NOTE:
		rec_note(l, r);
		break;
	case DB_REC_EXIT:
		rec_exit(l, r);
		break;
	case DB_REC_OPTIONS:
		rec_options(l, r);
		break;
	case DB_REC_WAITSET:
		rec_waitset(l, r);
		break;
	case DB_REC_TSTATE:
		rec_tstate(l, r);
		break;
	case DB_REC_THELD:
		rec_theld(l, r);
		break;
	case DB_REC_MISUSE:
		rec_misuse(l, r);
		break;
	case DB_REC_THREAD_JOIN:
		rec_thread_join(l, r, false);
		break;
	case DB_REC_THREAD_DETACH:
		rec_thread_join(l, r, true);
		break;
	case DB_REC_THREAD_LEAK:
		rec_thread_leak(l, r);
		break;
	case DB_REC_FD_LEAK:
		rec_fd_leak(l, r);
		break;
	case DB_REC_LEAK:
		rec_leak(l, r);
		break;
	case DB_REC_LEAK_SUMMARY:
		rec_leak_summary(l, r);
		break;
	case DB_REC_RACE:
		rec_race(l, r);
		break;
	case DB_REC_RACE_ATOMIC:
		rec_race_atomic(l, r);
		break;
	case DB_REC_RACE_STATUS:
		rec_race_status(l, r);
		break;
	case DB_REC_RACE_WATCH:
		rec_race_watch(l, r);
		break;
	case DB_REC_RACE_SUMMARY:
		rec_race_summary(l, r);
		break;
	default:
		break;		/* a newer runtime's record: size says how far */
	}
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	struct stat st;
	unsigned char *b = NULL;
	size_t cap, n = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* the log may still grow (a live process): read to EOF, not to st_size */
	cap = st.st_size > 0 && (uint64_t)st.st_size < MAX_LOG_SIZE ?
	      (size_t)st.st_size + 1 : 4096;
	b = malloc(cap);
	if (!b)
		goto fail;
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_LOG_SIZE) {
				errno = EFBIG;
				goto fail;
			}
			unsigned char *nb = realloc(b, 2 * cap);
			if (!nb)
				goto fail;
			b = nb;
			cap *= 2;
		}
		ssize_t k = read(fd, b + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto fail;
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
fail:
	err = errno ? errno : EIO;
	free(b);
	close(fd);
	return -err;
}

static int check_header(const char *path, const unsigned char *buf, size_t len,
			struct db_log_header *h)
{
	if (len == 0) {
		fprintf(stderr, "deadbolt: error: %s: empty log (the process ended "
			"before its header was written)\n", path);
		return -EINVAL;
	}
	if (len < 8 || memcmp(buf, DB_LOG_MAGIC, 8)) {
		fprintf(stderr, "deadbolt: error: %s: not a deadbolt log\n", path);
		return -EINVAL;
	}
	if (len < sizeof(*h)) {
		fprintf(stderr, "deadbolt: error: %s: truncated header (%zu bytes)\n",
			path, len);
		return -EINVAL;
	}
	memcpy(h, buf, sizeof(*h));
	if (h->endian != DB_LOG_ENDIAN) {
		fprintf(stderr, "deadbolt: error: %s: %s\n", path,
			h->endian == __builtin_bswap32(DB_LOG_ENDIAN) ?
			"written with the other byte order; read it on a machine like "
			"the one that wrote it" : "corrupt header (byte-order mark)");
		return -EINVAL;
	}
	if (h->version != DB_LOG_VERSION) {
		fprintf(stderr, "deadbolt: error: %s: log format version %u; this "
			"deadbolt (%s) reads version %d\n", path, h->version,
			DB_VERSION, DB_LOG_VERSION);
		return -EINVAL;
	}
	if (h->ptr_size != 4 && h->ptr_size != 8) {
		fprintf(stderr, "deadbolt: error: %s: corrupt header (pointer size %u)\n",
			path, h->ptr_size);
		return -EINVAL;
	}
	if (h->header_size < sizeof(*h) || h->header_size % 8 || h->header_size > len) {
		fprintf(stderr, "deadbolt: error: %s: corrupt header (header size %u)\n",
			path, h->header_size);
		return -EINVAL;
	}
	return 0;
}

int log_read(const char *path, struct dlog **out)
{
	struct db_log_header h;
	unsigned char *buf = NULL;
	struct dlog *l;
	size_t len = 0, off;
	unsigned num = 0;
	int err;

	*out = NULL;
	err = read_file(path, &buf, &len);
	if (err) {
		fprintf(stderr, "deadbolt: error: %s: %s\n", path, strerror(-err));
		return err;
	}
	err = check_header(path, buf, len, &h);
	if (err) {
		free(buf);
		return err;
	}
	l = xcalloc(1, sizeof(*l));
	if (!l || !(l->path = xstrdup(path))) {
		free(l);
		free(buf);
		return -ENOMEM;
	}
	l->pid = h.pid;
	l->ppid = h.ppid;
	l->start_ns = h.start_ns;
	l->flags = h.flags;

	off = h.header_size;
	while (off < len) {
		struct db_rec rh;
		size_t left = len - off;

		num++;
		if (left < sizeof(rh)) {
			log_damage(l, num, "truncated record header (only %zu bytes left); "
				   "report is partial", left);
			break;
		}
		memcpy(&rh, buf + off, sizeof(rh));
		if (rh.size < sizeof(rh) || rh.size % 8) {
			log_damage(l, num, "corrupt record (type %u, size %u); report is "
				   "partial", rh.type, rh.size);
			break;
		}
		if (rh.size > left) {
			log_damage(l, num, "truncated record (size %u, only %zu bytes left); "
				   "report is partial", rh.size, left);
			break;
		}
		struct rec r = { .p = buf + off, .size = rh.size, .num = num };
		read_record(l, rh.type, &r);
		off += rh.size;
	}
	free(buf);
	if (l->race.natomic)
		qsort(l->race.atomic, l->race.natomic, sizeof(*l->race.atomic), cmp_atomic);
	free(l->loaded);	/* only needed while reading */
	free(l->unloaded);
	l->loaded = l->unloaded = NULL;
	l->nloaded = l->loaded_cap = l->nunloaded = 0;
	if (tool_oom) {
		log_free(l);
		fprintf(stderr, "deadbolt: error: %s: out of memory\n", path);
		return -ENOMEM;
	}
	*out = l;
	return 0;
}

void log_free(struct dlog *l)
{
	struct module *m, *mt;
	struct stack *s, *st;
	struct thread *t, *tt;
	struct lock *k, *kt;
	struct edge *e, *et;
	struct waitset *w, *wt;

	if (!l)
		return;
	HASH_ITER(hh, l->modules, m, mt) {
		HASH_DEL(l->modules, m);
		free(m->path);
		free(m->build_id);
		free(m);
	}
	HASH_ITER(hh, l->stacks, s, st) {
		HASH_DEL(l->stacks, s);
		free_stack(s);
	}
	HASH_ITER(hh, l->threads, t, tt) {
		HASH_DEL(l->threads, t);
		free(t);
	}
	HASH_ITER(hh, l->locks, k, kt) {
		HASH_DEL(l->locks, k);
		free(k);
	}
	HASH_ITER(hh, l->edges, e, et) {
		HASH_DEL(l->edges, e);
		free(e);
	}
	for (size_t i = 0; i < l->nevents; i++) {
		if (l->events[i].type == DB_REC_CYCLE)
			free(l->events[i].u.cycle.edges);
		else if (l->events[i].type == DB_REC_FD_LEAK)
			free(l->events[i].u.fd_leak.what);
		else if (l->events[i].type == DB_REC_RACE)
			free_race(l->events[i].u.race);
	}
	free(l->events);
	HASH_ITER(hh, l->waitsets, w, wt) {
		HASH_DEL(l->waitsets, w);
		for (size_t i = 0; i < w->n; i++)
			free(w->threads[i].held);
		free(w->threads);
		free(w);
	}
	for (size_t i = 0; i < l->nnotes; i++)
		free(l->notes[i].text);
	free(l->notes);
	free(l->race.reason);
	for (size_t i = 0; i < l->race.nwatch; i++)
		if (l->race.watch[i].code)
			free_stack(l->race.watch[i].code);
	free(l->race.watch);
	free(l->race.atomic);
	for (size_t i = 0; i < l->argc; i++)
		free(l->argv[i]);
	free(l->argv);
	free(l->loaded);
	free(l->unloaded);
	free(l->exe);
	free(l->options);
	free(l->path);
	free(l);
}

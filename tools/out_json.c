/* out_json.c - the JSON report (schema 1; tests and CI read it, so field
 * names are a contract, see doc/deadbolt.1) and the small JSON writer that
 * out_sarif.c uses too.
 *
 * The writer escapes quotes, backslashes and control characters, and
 * replaces bytes that are not valid UTF-8 with U+FFFD (paths and argv come
 * from the system, not from us).  It indents for people, except inside
 * "compact" objects (frames), which stay on one line.
 */
#include <errno.h>
#include <string.h>

#include "tool.h"

#define MAX_DEPTH 63

void jw_init(struct jw *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

static bool compact(const struct jw *w)
{
	return w->compact_from && w->depth >= w->compact_from;
}

/* Before a key or a value: the comma and the line break it needs. */
static void sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first[w->depth])
		fputs(compact(w) ? ", " : ",", w->f);
	w->first[w->depth] = false;
	if (!compact(w))
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
}

static void open_c(struct jw *w, char c, bool comp)
{
	sep(w);
	fputc(c, w->f);
	if (w->depth < MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
	if (comp && !w->compact_from)
		w->compact_from = w->depth;
}

static void close_c(struct jw *w, char c)
{
	bool empty = w->first[w->depth], comp = compact(w);

	if (w->compact_from == w->depth)
		w->compact_from = 0;
	if (w->depth > 0)
		w->depth--;
	if (!empty && !comp)
		fprintf(w->f, "\n%*s", 2 * w->depth, "");
	fputc(c, w->f);
}

void jw_obj(struct jw *w)
{
	open_c(w, '{', false);
}

void jw_obj_compact(struct jw *w)
{
	open_c(w, '{', true);
}

void jw_obj_end(struct jw *w)
{
	close_c(w, '}');
}

void jw_arr(struct jw *w)
{
	open_c(w, '[', false);
}

void jw_arr_end(struct jw *w)
{
	close_c(w, ']');
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid:
 * no overlong forms, surrogates or code points past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static void put_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				fputs("\\n", f);
				break;
			case '\t':
				fputs("\\t", f);
				break;
			case '\r':
				fputs("\\r", f);
				break;
			default:
				fprintf(f, "\\u%04x", c);
				break;
			}
			i++;
		} else if (c < 0x80) {
			fputc((int)c, f);
			i++;
		} else {
			size_t len = utf8_len(s + i, n - i);
			if (len) {
				fwrite(s + i, 1, len, f);
				i += len;
			} else {
				fputs("\\ufffd", f);
				i++;
			}
		}
	}
	fputc('"', f);
}

void jw_key(struct jw *w, const char *k)
{
	sep(w);
	put_string(w->f, k, strlen(k));
	fputs(": ", w->f);
	w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	sep(w);
	put_string(w->f, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	jw_strn(w, s, strlen(s));
}

void jw_u64(struct jw *w, uint64_t v)
{
	sep(w);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void jw_i64(struct jw *w, int64_t v)
{
	sep(w);
	fprintf(w->f, "%lld", (long long)v);
}

void jw_bool(struct jw *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->f);
}

void jw_null(struct jw *w)
{
	sep(w);
	fputs("null", w->f);
}

void jw_hex(struct jw *w, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	jw_str(w, buf);
}

void jw_field_u64(struct jw *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_u64(w, v);
}

void jw_field_str(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void jw_field_bool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* A value, or null when it is not known. */
static void u64_or_null(struct jw *w, bool known, uint64_t v)
{
	if (known)
		jw_u64(w, v);
	else
		jw_null(w);
}

static void i64_or_null(struct jw *w, bool known, int64_t v)
{
	if (known)
		jw_i64(w, v);
	else
		jw_null(w);
}

static void hex_or_null(struct jw *w, bool known, uint64_t v)
{
	if (known)
		jw_hex(w, v);
	else
		jw_null(w);
}

void jw_end(struct jw *w)
{
	fputc('\n', w->f);
}

/* ---- the report ----------------------------------------------------------- */

void json_frames(struct jw *w, const struct stack *s)
{
	jw_arr(w);
	for (size_t i = 0; s && i < s->nframes; i++) {
		const struct frame *f = &s->frames[i];
		jw_obj_compact(w);
		jw_key(w, "pc");
		jw_hex(w, f->pc);
		jw_field_str(w, "module", f->mod ? f->mod->path : NULL);
		jw_key(w, "offset");
		hex_or_null(w, f->mod, f->offset);
		jw_field_str(w, "function", f->function);
		jw_field_str(w, "file", f->file);
		jw_key(w, "line");
		u64_or_null(w, f->line, f->line);
		jw_field_bool(w, "inlined", f->inlined);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* processes[].race: what the race detector said about itself; members
 * that were never logged are left out (a killed process has no totals). */
static void race_info(struct jw *w, const struct race_info *ri)
{
	if (!ri->has_status && !ri->has_summary && !ri->nwatch) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	if (ri->has_status) {
		jw_field_str(w, "state", race_state_name(ri->state));
		jw_field_str(w, "reason", ri->reason);
		jw_key(w, "errno");
		i64_or_null(w, ri->err, ri->err);
	}
	if (ri->has_summary) {
		static const struct {
			const char *key;
			size_t off;
		} totals[] = {
			{ "candidates", offsetof(struct race_info, candidates) },
			{ "globals", offsetof(struct race_info, globals) },
			{ "heap", offsetof(struct race_info, heap) },
			{ "watched", offsetof(struct race_info, watched) },
			{ "windows", offsetof(struct race_info, windows) },
			{ "window_us", offsetof(struct race_info, window_us) },
			{ "watched_us", offsetof(struct race_info, watched_us) },
			{ "traps", offsetof(struct race_info, traps) },
			{ "dropped", offsetof(struct race_info, dropped) },
			{ "withheld", offsetof(struct race_info, withheld) },
		};
		for (size_t i = 0; i < ARRAY_SIZE(totals); i++) {
			jw_key(w, totals[i].key);
			jw_u64(w, *(const uint64_t *)((const char *)ri + totals[i].off));
		}
		jw_field_u64(w, "slots", ri->slots);
		jw_field_u64(w, "modules", ri->modules);
		jw_field_u64(w, "modules_cached", ri->modules_cached);
	}
	if (ri->has_summary || ri->nwatch) {
		jw_key(w, "locations");
		jw_arr(w);
		for (size_t i = 0; i < ri->nwatch; i++) {
			const struct race_watch *rw = &ri->watch[i];
			jw_obj_compact(w);
			jw_key(w, "address");
			jw_hex(w, rw->addr);
			jw_field_u64(w, "size", rw->size);
			jw_field_str(w, "kind", race_loc_name(rw->loc));
			jw_field_str(w, "symbol", rw->symbol);
			jw_key(w, "offset");
			u64_or_null(w, rw->has_offset, rw->offset);
			jw_field_str(w, "file", rw->file);
			jw_key(w, "line");
			u64_or_null(w, rw->line, rw->line);
			jw_field_u64(w, "watched_us", rw->watched_us);
			jw_field_u64(w, "traps", rw->traps);
			jw_field_u64(w, "threads", rw->threads);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void process(struct jw *w, const struct dlog *l)
{
	jw_obj(w);
	jw_field_u64(w, "pid", l->pid);
	jw_field_u64(w, "ppid", l->ppid);
	jw_key(w, "argv");
	jw_arr(w);
	for (size_t i = 0; i < l->argc; i++)
		jw_str(w, l->argv[i]);
	jw_arr_end(w);
	jw_field_str(w, "exe", l->exe);
	jw_key(w, "exit");
	i64_or_null(w, l->has_exit, l->exit_status);
	jw_key(w, "signal");
	i64_or_null(w, l->signal, l->signal);
	jw_field_str(w, "log", l->path);
	jw_field_str(w, "options", l->options);
	jw_field_bool(w, "partial", l->partial);
	jw_key(w, "leaks");
	if (l->has_leak_summary) {
		const struct leak_summary *k = &l->leaks;
		jw_obj_compact(w);
		jw_field_u64(w, "definite_bytes", k->definite_bytes);
		jw_field_u64(w, "definite_blocks", k->definite_blocks);
		jw_field_u64(w, "indirect_bytes", k->indirect_bytes);
		jw_field_u64(w, "indirect_blocks", k->indirect_blocks);
		jw_field_u64(w, "reachable_bytes", k->reachable_bytes);
		jw_field_u64(w, "reachable_blocks", k->reachable_blocks);
		jw_field_u64(w, "suppressed_bytes", k->suppressed_bytes);
		jw_field_u64(w, "suppressed_blocks", k->suppressed_blocks);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "race");
	race_info(w, &l->race);
	jw_obj_end(w);
}

static const char *mode_name(uint32_t m)
{
	return m == DB_MODE_READ ? "read" : m == DB_MODE_WRITE ? "write" : NULL;
}

static const char *site_name(uint32_t s)
{
	return s == DB_SITE_INIT ? "init" : s == DB_SITE_FIRST_USE ? "first-use" : NULL;
}

/* A lock of a finding: its LOCK record, else what the finding's record
 * said about it. */
static void lock_obj(struct jw *w, const struct finding *f, const struct flk *k)
{
	uint32_t kind = k->lk ? k->lk->kind : k->kind;
	uint64_t addr = k->lk ? k->lk->addr : k->addr;

	jw_obj(w);
	jw_field_str(w, "id", k->name);
	jw_key(w, "address");
	hex_or_null(w, addr, addr);
	jw_field_str(w, "type", lock_kind_name(kind));
	jw_field_str(w, "site", k->lk ? site_name(k->lk->site) : NULL);
	if (f->kind == K_LOCK_ORDER && f->u.cycle.is_class) {
		jw_field_u64(w, "class_id", k->uid);
	}
	jw_key(w, "site_stack");
	json_frames(w, k->lk ? k->lk->site_stack : NULL);
	jw_obj_end(w);
}

static void locks(struct jw *w, const struct finding *f)
{
	jw_key(w, "locks");
	jw_arr(w);
	for (size_t i = 0; i < f->nlocks; i++)
		lock_obj(w, f, &f->locks[i]);
	jw_arr_end(w);
}

/* The members every thread object has. */
static void thread_fields(struct jw *w, const struct fthread *t)
{
	jw_field_u64(w, "thread", t->tid);
	jw_key(w, "os_tid");
	u64_or_null(w, t->t, t->t ? t->t->os_tid : 0);
	jw_key(w, "parent");
	u64_or_null(w, t->t && t->t->parent != UINT32_MAX, t->t ? t->t->parent : 0);
	jw_key(w, "created_at");
	json_frames(w, t->t ? t->t->created : NULL);
}

static void threads(struct jw *w, const struct finding *f)
{
	jw_key(w, "threads");
	jw_arr(w);
	for (size_t i = 0; i < f->nthreads; i++) {
		jw_obj(w);
		thread_fields(w, &f->threads[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void lock_ref(struct jw *w, const struct finding *f, uint64_t uid, uint64_t addr)
{
	size_t i = finding_lock(f, uid, addr);

	jw_str(w, i == SIZE_MAX ? NULL : f->locks[i].name);
}

static void tid_or_null(struct jw *w, uint32_t tid)
{
	u64_or_null(w, tid != UINT32_MAX, tid);
}

static void cycle(struct jw *w, const struct finding *f)
{
	jw_field_bool(w, "class", f->u.cycle.is_class);
	locks(w, f);
	jw_key(w, "edges");
	jw_arr(w);
	for (size_t i = 0; i < f->u.cycle.nedges; i++) {
		const struct fedge *e = &f->u.cycle.edges[i];
		jw_obj(w);
		jw_field_str(w, "from", f->locks[e->from].name);
		jw_field_str(w, "to", f->locks[e->to].name);
		jw_field_u64(w, "thread", e->e->tid);
		jw_field_str(w, "from_mode", mode_name(e->e->from_mode));
		jw_field_str(w, "to_mode", mode_name(e->e->to_mode));
		jw_key(w, "stack");
		json_frames(w, e->e->to_stack);
		jw_key(w, "from_stack");
		json_frames(w, e->e->from_stack);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	threads(w, f);
}

/* A deadlock, hang or stall: each thread with what it waits for, where,
 * and what it holds. */
static void waitset(struct jw *w, const struct finding *f)
{
	const struct waitset *ws = f->ev->u.waitset;

	if (f->kind == K_STALL) {
		jw_field_u64(w, "waited_ms", ws->waited_ms);
	}
	locks(w, f);
	jw_key(w, "threads");
	jw_arr(w);
	/* f->threads are the set's threads, in its order */
	for (size_t i = 0; i < f->nthreads && i < ws->n; i++) {
		const struct wthread *wt = &ws->threads[i];
		jw_obj(w);
		thread_fields(w, &f->threads[i]);
		/* waits_for: {"lock": "M1", "mode"}, {"thread": N} or {} (running) */
		jw_key(w, "waits_for");
		jw_obj_compact(w);
		if (wt->wait_kind == DB_WAIT_LOCK) {
			jw_key(w, "lock");
			lock_ref(w, f, wt->wait_id, wt->wait_addr);
			jw_field_str(w, "mode", mode_name(wt->wait_mode));
		} else if (wt->wait_kind == DB_WAIT_JOIN) {
			jw_key(w, "thread");
			u64_or_null(w, wt->wait_id < UINT32_MAX, wt->wait_id);
		}
		jw_obj_end(w);
		jw_key(w, "stack");
		json_frames(w, wt->stack);
		jw_key(w, "holds");
		jw_arr(w);
		for (size_t j = 0; j < wt->nheld; j++) {
			jw_obj(w);
			jw_key(w, "lock");
			lock_ref(w, f, wt->held[j].uid, wt->held[j].addr);
			jw_field_str(w, "mode", mode_name(wt->held[j].mode));
			jw_key(w, "stack");
			json_frames(w, wt->held[j].stack);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void misuse(struct jw *w, const struct finding *f)
{
	const struct event *ev = f->ev;

	jw_field_str(w, "misuse", misuse_name(ev->u.misuse.kind));
	jw_key(w, "thread");
	tid_or_null(w, ev->u.misuse.tid);
	jw_key(w, "stack");
	json_frames(w, ev->u.misuse.stack);
	jw_key(w, "other_thread");
	tid_or_null(w, ev->u.misuse.other_tid);
	jw_key(w, "other_stack");
	json_frames(w, ev->u.misuse.other_stack);
	jw_key(w, "address");
	hex_or_null(w, ev->u.misuse.addr, ev->u.misuse.addr);
	jw_key(w, "other_address");
	hex_or_null(w, ev->u.misuse.other_addr, ev->u.misuse.other_addr);
	jw_key(w, "lock");
	if (ev->u.misuse.lock_kind)
		lock_ref(w, f, ev->u.misuse.uid, ev->u.misuse.addr);
	else
		jw_null(w);
	locks(w, f);
	threads(w, f);
}

static void leaks(struct jw *w, const struct finding *f)
{
	const struct event *ev = f->ev;

	switch (f->kind) {
	case K_THREAD_LEAK:
		jw_field_u64(w, "thread", ev->u.thread_leak.tid);
		jw_key(w, "stack");
		json_frames(w, ev->u.thread_leak.stack);
		break;
	case K_FD_LEAK:
		jw_key(w, "fd");
		jw_i64(w, ev->u.fd_leak.fd);
		jw_field_str(w, "what", ev->u.fd_leak.what);
		jw_field_u64(w, "thread", ev->u.fd_leak.tid);
		jw_key(w, "stack");
		json_frames(w, ev->u.fd_leak.stack);
		break;
	default:
		jw_field_str(w, "leak_kind", finding_leak_kind(f));
		jw_field_u64(w, "bytes", f->u.leak.bytes);
		jw_field_u64(w, "blocks", f->u.leak.blocks);
		jw_field_u64(w, "thread", ev->u.leak.tid);
		jw_key(w, "stack");
		json_frames(w, ev->u.leak.stack);
		break;
	}
	threads(w, f);
}

/* A data race: where, how sure, and both accesses (the earlier first)
 * with the locks each thread held. */
static void race(struct jw *w, const struct finding *f)
{
	const struct race *rc = f->ev->u.race;
	bool heap = rc->loc == DB_RACE_LOC_HEAP;

	jw_field_str(w, "evidence", race_evidence_name(f->u.race.evidence));
	jw_field_u64(w, "count", f->u.race.count);
	if (!heap) {
		jw_field_str(w, "symbol", f->u.race.symbol);
	}
	jw_key(w, "location");
	jw_obj(w);
	jw_field_str(w, "kind", race_loc_name(rc->loc));
	if (rc->loc == DB_RACE_LOC_STACK)
		jw_field_u64(w, "thread", rc->owner);
	jw_key(w, "address");
	jw_hex(w, rc->addr);
	jw_field_u64(w, "size", rc->size);
	jw_field_str(w, "symbol", f->u.race.symbol);
	jw_key(w, "offset");
	u64_or_null(w, f->u.race.has_offset, f->u.race.offset);
	jw_field_str(w, "module", !heap && rc->mod ? rc->mod->path : NULL);
	jw_key(w, "module_offset");
	hex_or_null(w, !heap && rc->mod, rc->mod ? rc->addr - rc->mod->bias : 0);
	if (heap) {
		jw_key(w, "block");
		jw_obj(w);
		jw_key(w, "address");
		jw_hex(w, rc->object);
		jw_field_u64(w, "size", rc->object_size);
		jw_key(w, "offset");
		u64_or_null(w, f->u.race.has_offset, f->u.race.offset);
		jw_key(w, "stack");
		json_frames(w, rc->block_stack);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	jw_key(w, "accesses");
	jw_arr(w);
	for (int i = 0; i < 2; i++) {
		const struct race_access *a = &rc->a[i];
		jw_obj(w);
		jw_field_u64(w, "thread", a->tid);
		jw_field_bool(w, "write", a->flags & DB_RACEF_WRITE);
		jw_field_bool(w, "atomic", a->flags & DB_RACEF_ATOMIC);
		jw_key(w, "stack");
		json_frames(w, a->stack);
		jw_field_u64(w, "locks_held", a->nlocks);
		jw_key(w, "locks");
		jw_arr(w);
		for (size_t j = 0; j < a->nnamed; j++) {
			const struct db_race_lock *k = &a->locks[j];
			size_t li = finding_lock(f, k->uid, k->addr);
			const struct lock *lk = li == SIZE_MAX ? NULL : f->locks[li].lk;
			jw_obj(w);
			jw_field_str(w, "id", li == SIZE_MAX ? NULL : f->locks[li].name);
			jw_key(w, "address");
			jw_hex(w, k->addr);
			jw_key(w, "uid");
			u64_or_null(w, k->uid, k->uid);
			jw_field_str(w, "mode", a->mode_bits & 1u << j ? "read" : "write");
			if (lk) {
				jw_key(w, "site");
				json_frames(w, lk->site_stack);
			}
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	locks(w, f);
	threads(w, f);
}

static void finding(struct jw *w, const struct finding *f)
{
	jw_obj(w);
	jw_field_str(w, "kind", kind_names[f->kind]);
	jw_field_u64(w, "pid", f->pid);
	jw_key(w, "pids");
	jw_arr(w);
	for (size_t i = 0; i < f->npids; i++)
		jw_u64(w, f->pids[i]);
	jw_arr_end(w);
	jw_field_str(w, "summary", f->summary);
	switch (f->kind) {
	case K_LOCK_ORDER:
		cycle(w, f);
		break;
	case K_DEADLOCK:
	case K_HANG:
	case K_STALL:
		waitset(w, f);
		break;
	case K_MISUSE:
		misuse(w, f);
		break;
	case K_THREAD_LEAK:
	case K_FD_LEAK:
	case K_LEAK:
		leaks(w, f);
		break;
	case K_DATA_RACE:
		race(w, f);
		break;
	default:
		break;
	}
	jw_obj_end(w);
}

static const char *level_name(enum note_level l)
{
	return l == NOTE_INFO ? "info" : l == NOTE_INTERNAL ? "internal" : "warning";
}

int out_json(const struct report *r, FILE *f)
{
	struct jw w;

	jw_init(&w, f);
	jw_obj(&w);
	jw_key(&w, "tool");
	jw_str(&w, "deadbolt");
	jw_key(&w, "version");
	jw_str(&w, DB_VERSION);
	jw_key(&w, "schema");
	jw_u64(&w, DB_JSON_SCHEMA);
	jw_key(&w, "processes");
	jw_arr(&w);
	for (size_t i = 0; i < r->nlogs; i++)
		process(&w, r->logs[i]);
	jw_arr_end(&w);
	jw_key(&w, "findings");
	jw_arr(&w);
	for (size_t i = 0; i < r->nfindings; i++)
		finding(&w, r->findings[i]);
	jw_arr_end(&w);
	jw_key(&w, "reachable");
	jw_arr(&w);
	for (size_t i = 0; i < r->nreachable; i++)
		finding(&w, r->reachable[i]);
	jw_arr_end(&w);
	jw_key(&w, "counts");
	jw_obj(&w);
	for (int k = 0; k < K_NKINDS; k++) {
		if (!r->counts[k])
			continue;
		jw_key(&w, kind_names[k]);
		jw_u64(&w, r->counts[k]);
	}
	jw_obj_end(&w);
	jw_key(&w, "suppressed");
	jw_u64(&w, r->nsuppressed);
	jw_key(&w, "notes");
	jw_arr(&w);
	for (size_t i = 0; i < r->nnotes; i++) {
		jw_obj_compact(&w);
		jw_key(&w, "pid");
		if (r->notes[i].pid)
			jw_u64(&w, r->notes[i].pid);
		else
			jw_null(&w);
		jw_key(&w, "level");
		jw_str(&w, level_name(r->notes[i].level));
		jw_key(&w, "text");
		jw_str(&w, r->notes[i].text);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	jw_end(&w);
	return ferror(f) ? -EIO : 0;
}

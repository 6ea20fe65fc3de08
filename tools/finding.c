/* finding.c - the finding model: one struct finding per finding record of a
 * log (an event, logread.c), with the locks and threads it names, its
 * summary sentence and its dedup key.
 *
 * A finding points into its log (stacks, locks, threads, the event), never
 * copies it; every stack it shows is symbolized when it is made, since the
 * key and the summary are made of symbolized frames.  The dedup key is
 * built from function, file and line of the top KEY_FRAMES frames of the
 * stacks that define the finding (module+offset where there is no symbol),
 * never from addresses, pids or ids: the same bug in ten processes of a test
 * suite has one key.  A data race's key is its location (data symbol, else
 * module+offset; for the heap, the allocation stack and the offset in the
 * block) and the unordered pair of its two access sites.
 *
 * Adding a kind: a builder below, its stacks in finding_stacks(), its case
 * in finding_make(), and its part in each writer (out_*.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

#define KEY_FRAMES	4	/* top frames of a stack that make a dedup key */

static const char *const misuse_names[] = {
	[DB_MISUSE_UNLOCK_NOT_OWNER] = "unlock-not-owner",
	[DB_MISUSE_UNLOCK_UNLOCKED] = "unlock-unlocked",
	[DB_MISUSE_DOUBLE_LOCK] = "double-lock",
	[DB_MISUSE_DESTROY_LOCKED] = "destroy-locked",
	[DB_MISUSE_USE_AFTER_DESTROY] = "use-after-destroy",
	[DB_MISUSE_FREE_LOCKED] = "free-locked",
	[DB_MISUSE_EXIT_HOLDING] = "exit-holding",
	[DB_MISUSE_COND_NOT_HELD] = "cond-not-held",
	[DB_MISUSE_COND_TWO_MUTEXES] = "cond-two-mutexes",
	[DB_MISUSE_FORK_HELD] = "fork-held",
	[DB_MISUSE_JOIN_DETACHED] = "join-detached",
	[DB_MISUSE_JOIN_JOINED] = "join-joined",
	[DB_MISUSE_DOUBLE_FREE] = "double-free",
	[DB_MISUSE_FREE_UNKNOWN] = "free-unknown",
};

const char *misuse_name(uint32_t kind)
{
	if (kind < ARRAY_SIZE(misuse_names) && misuse_names[kind])
		return misuse_names[kind];
	return "unknown";
}

/* ---- stacks --------------------------------------------------------------- */

void finding_stacks(const struct finding *f,
		    void (*fn)(const struct stack *s, void *arg), void *arg)
{
	const struct event *ev = f->ev;

#define S(s) do { if (s) fn((s), arg); } while (0)
	switch (f->kind) {
	case K_LOCK_ORDER:
		for (size_t i = 0; i < f->u.cycle.nedges; i++) {
			S(f->u.cycle.edges[i].e->to_stack);
			S(f->u.cycle.edges[i].e->from_stack);
		}
		break;
	case K_DEADLOCK:
	case K_HANG:
	case K_STALL:
		for (size_t i = 0; i < ev->u.waitset->n; i++) {
			const struct wthread *w = &ev->u.waitset->threads[i];
			S(w->stack);
			for (size_t j = 0; j < w->nheld; j++)
				S(w->held[j].stack);
		}
		break;
	case K_MISUSE:
		S(ev->u.misuse.stack);
		S(ev->u.misuse.other_stack);
		break;
	case K_THREAD_LEAK:
		S(ev->u.thread_leak.stack);
		break;
	case K_FD_LEAK:
		S(ev->u.fd_leak.stack);
		break;
	case K_LEAK:
		S(ev->u.leak.stack);
		break;
	case K_DATA_RACE:
		for (int i = 1; i >= 0; i--) {
			const struct race_access *a = &ev->u.race->a[i];
			S(a->stack);
			S(a->site != a->stack ? a->site : NULL);
		}
		S(ev->u.race->block_stack);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < f->nlocks; i++)
		S(f->locks[i].lk ? f->locks[i].lk->site_stack : NULL);
	for (size_t i = 0; i < f->nthreads; i++)
		S(f->threads[i].t ? f->threads[i].t->created : NULL);
#undef S
}

/* The stack that says where the finding is: the first of its kind. */
const struct stack *finding_main_stack(const struct finding *f)
{
	const struct event *ev = f->ev;

	switch (f->kind) {
	case K_LOCK_ORDER:
		return f->u.cycle.edges[0].e->to_stack;
	case K_DEADLOCK:
	case K_HANG:
	case K_STALL:
		return ev->u.waitset->n ? ev->u.waitset->threads[0].stack : NULL;
	case K_MISUSE:
		return ev->u.misuse.stack;
	case K_THREAD_LEAK:
		return ev->u.thread_leak.stack ? ev->u.thread_leak.stack :
		       f->nthreads && f->threads[0].t ? f->threads[0].t->created : NULL;
	case K_FD_LEAK:
		return ev->u.fd_leak.stack;
	case K_LEAK:
		return ev->u.leak.stack;
	case K_DATA_RACE:
		return ev->u.race->a[1].stack;
	default:
		return NULL;
	}
}

/* The function a stack is "in" for a summary: its first frame in the
 * program's own code, else its first named frame. */
const char *stack_function(const struct stack *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nframes; i++)
		if (sym_user_frame(&s->frames[i]) && s->frames[i].function)
			return s->frames[i].function;
	/* no frame of the program has a name: a library's, but not the signal
	 * trampoline a hang dump starts with */
	for (size_t i = 0; i < s->nframes; i++)
		if (s->frames[i].function && strcmp(s->frames[i].function, "__restore_rt"))
			return s->frames[i].function;
	return NULL;
}

/* ---- building ------------------------------------------------------------- */

void finding_free(struct finding *f)
{
	if (!f)
		return;
	if (f->kind == K_LOCK_ORDER)
		free(f->u.cycle.edges);
	free(f->locks);
	free(f->threads);
	free(f->pids);
	free(f->summary);
	free(f->key);
	free(f);
}

static struct finding *new_finding(enum kind kind, struct dlog *l, const struct event *ev,
				   size_t max_locks, size_t max_threads)
{
	struct finding *f = xcalloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->kind = kind;
	f->log = l;
	f->ev = ev;
	f->pid = l->pid;
	f->pids = xcalloc(1, sizeof(*f->pids));
	f->locks = xcalloc(max_locks + 1, sizeof(*f->locks));
	f->threads = xcalloc(max_threads + 1, sizeof(*f->threads));
	if (!f->pids || !f->locks || !f->threads) {
		finding_free(f);
		return NULL;
	}
	f->pids[0] = l->pid;
	f->npids = 1;
	return f;
}

size_t finding_lock(const struct finding *f, uint64_t uid, uint64_t addr)
{
	for (size_t i = 0; i < f->nlocks; i++) {
		const struct flk *k = &f->locks[i];
		if (uid ? k->uid == uid : (!k->uid && k->addr == addr))
			return i;
	}
	return SIZE_MAX;
}

/* The lock's index, added (named M<n>) if new; the arrays were sized by
 * new_finding().  A uid without a LOCK record is a warning, except for
 * classes, which need none. */
static size_t add_lock(struct finding *f, struct dlog *l, unsigned record, uint64_t uid,
		       uint64_t addr, uint32_t kind, bool is_class)
{
	size_t i = finding_lock(f, uid, addr);

	if (i != SIZE_MAX)
		return i;
	i = f->nlocks++;
	struct flk *k = &f->locks[i];
	k->uid = uid;
	k->addr = addr;
	k->kind = kind;
	k->lk = uid ? log_lock(l, uid) : NULL;
	snprintf(k->name, sizeof(k->name), "M%zu", i + 1);
	/* checked here, not at the EDGE: the whole log has been read by now */
	if (uid && !k->lk && !is_class)
		log_warn(l, record, "lock %llu has no LOCK record", (unsigned long long)uid);
	return i;
}

static void add_thread(struct finding *f, struct dlog *l, uint32_t tid)
{
	if (tid == UINT32_MAX)
		return;
	for (size_t i = 0; i < f->nthreads; i++)
		if (f->threads[i].tid == tid)
			return;
	f->threads[f->nthreads].tid = tid;
	f->threads[f->nthreads].t = log_thread(l, tid);
	f->nthreads++;
}

static void sym_one(const struct stack *s, void *arg)
{
	sym_stack(arg, (struct stack *)s);
}

/* "a", "a and b", "a, b and c" into a fresh string. */
static char *join_and(const char *const *v, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 5;
	s = xcalloc(len, 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, i == n - 1 ? " and " : ", ");
		strcat(s, v[i]);
	}
	return s;
}

/* "in f and g" from the stacks' functions, duplicates once; NULL if none. */
static char *in_functions(const struct stack *const *stacks, size_t n)
{
	const char *names[64];
	size_t nn = 0;

	for (size_t i = 0; i < n && nn < ARRAY_SIZE(names); i++) {
		const char *fn = stack_function(stacks[i]);
		bool dup = false;
		for (size_t j = 0; j < nn && fn; j++)
			dup = dup || !strcmp(names[j], fn);
		if (fn && !dup)
			names[nn++] = fn;
	}
	if (!nn)
		return NULL;
	char *j = join_and(names, nn);
	char *s = j ? xasprintf(" in %s", j) : NULL;
	free(j);
	return s;
}

/* "2 mutexes", "1 rwlock", "3 locks" (mixed or unknown kinds). */
static char *count_locks(const struct finding *f, const char *noun_class)
{
	uint32_t kind = 0;
	bool mixed = false;

	for (size_t i = 0; i < f->nlocks; i++) {
		uint32_t k = f->locks[i].lk ? f->locks[i].lk->kind : f->locks[i].kind;
		if (i == 0)
			kind = k;
		else if (k != kind)
			mixed = true;
	}
	const char *what = mixed || !lock_kind_name(kind) ? "lock" : lock_kind_name(kind);
	if (noun_class)
		return xasprintf("%zu %s %s%s", f->nlocks, what, noun_class,
				 f->nlocks == 1 ? "" : "es");
	return xasprintf("%zu %s%s", f->nlocks, what, f->nlocks == 1 ? "" :
			 !strcmp(what, "mutex") ? "es" : "s");
}

/* "f@file:line;g@file:line" of the top KEY_FRAMES frames. */
static char *stack_key(const struct stack *s)
{
	char *key = xstrdup("");

	for (size_t i = 0; s && key && i < s->nframes && i < KEY_FRAMES; i++) {
		char *fk = sym_frame_key(&s->frames[i]);
		char *nk = fk ? xasprintf("%s%s;", key, fk) : NULL;
		free(fk);
		free(key);
		key = nk;
	}
	return key;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* prefix + the parts joined; rotated so the smallest comes first (a
 * cycle entered elsewhere is the same cycle), or sorted (a set).  Frees
 * the parts. */
static char *join_key(const char *prefix, char **k, size_t n, bool sort)
{
	size_t best = 0, len = strlen(prefix) + 2;
	char *key = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!k[i])
			goto out;
		len += strlen(k[i]) + 2;
	}
	if (sort && n)
		qsort(k, n, sizeof(*k), cmp_str);
	for (size_t r = 1; r < n && !sort; r++) {
		for (size_t i = 0; i < n; i++) {
			int c = strcmp(k[(r + i) % n], k[(best + i) % n]);
			if (c < 0)
				best = r;
			if (c)
				break;
		}
	}
	key = xcalloc(len, 1);
	if (!key)
		goto out;
	strcpy(key, prefix);
	for (size_t i = 0; i < n; i++) {
		strcat(key, "|");
		strcat(key, k[(best + i) % n]);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(k[i]);
	return key;
}

/* ---- lock-order inversion ------------------------------------------------- */

static char *edge_key(const struct edge *e)
{
	char *to = stack_key(e->to_stack), *from = stack_key(e->from_stack);
	char *k = to && from ? xasprintf("to[%s]from[%s]m%u%u", to, from,
					 e->from_mode, e->to_mode) : NULL;

	free(to);
	free(from);
	return k;
}

static struct finding *cycle_finding(struct dlog *l, const struct event *ev)
{
	size_t n = ev->u.cycle.nedges;
	struct finding *f = new_finding(K_LOCK_ORDER, l, ev, n + 1, n);
	const struct stack **st;
	char **keys;

	if (!f)
		return NULL;
	f->u.cycle.is_class = ev->u.cycle.flags & DB_EDGEF_CLASS;
	f->u.cycle.edges = xcalloc(n, sizeof(*f->u.cycle.edges));
	if (!f->u.cycle.edges) {
		finding_free(f);
		return NULL;
	}
	/* locks in cycle order: L0 (from of e0), then each edge's `to`; a
	 * class edge names class ids, shown by a lock of that uid if any */
	f->u.cycle.nedges = n;
	for (size_t i = 0; i < n; i++) {
		const struct edge *e = ev->u.cycle.edges[i];
		struct fedge *fe = &f->u.cycle.edges[i];
		fe->e = e;
		fe->from = add_lock(f, l, ev->record, e->from, 0, 0, f->u.cycle.is_class);
		fe->to = add_lock(f, l, ev->record, e->to, 0, 0, f->u.cycle.is_class);
		if (i + 1 < n && e->to != ev->u.cycle.edges[i + 1]->from)
			log_warn(l, ev->record, "CYCLE: edge %llu does not end where edge "
				 "%llu starts", (unsigned long long)e->id,
				 (unsigned long long)ev->u.cycle.edges[i + 1]->id);
		add_thread(f, l, e->tid);
	}
	finding_stacks(f, sym_one, l);

	st = xcalloc(n, sizeof(*st));
	keys = xcalloc(n, sizeof(*keys));
	if (st && keys) {
		for (size_t i = 0; i < n; i++) {
			st[i] = ev->u.cycle.edges[i]->to_stack;
			keys[i] = edge_key(ev->u.cycle.edges[i]);
		}
		char *in = in_functions(st, n);
		char *what = count_locks(f, f->u.cycle.is_class ? "class" : NULL);
		if (what)
			f->summary = xasprintf("lock-order inversion (potential deadlock) "
					       "between %s%s", what, in ? in : "");
		free(in);
		free(what);
		f->key = join_key(f->u.cycle.is_class ? "lock-order-inversion class" :
				  "lock-order-inversion", keys, n, false);
	}
	free(st);
	free(keys);
	return f;
}

/* ---- deadlocks, hangs, stalls ---------------------------------------------- */

static char *wthread_key(const struct wthread *w)
{
	char *k = stack_key(w->stack);

	for (size_t j = 0; k && j < w->nheld; j++) {
		char *h = stack_key(w->held[j].stack);
		char *nk = h ? xasprintf("%s held[%s]", k, h) : NULL;
		free(h);
		free(k);
		k = nk;
	}
	if (!k)
		return NULL;
	char *r = xasprintf("w%u:%s", w->wait_kind, k);
	free(k);
	return r;
}

static struct finding *waitset_finding(struct dlog *l, const struct event *ev)
{
	const struct waitset *ws = ev->u.waitset;
	enum kind kind = ws->kind == DB_WS_HANG ? K_HANG : ws->kind == DB_WS_STALL ?
			 K_STALL : K_DEADLOCK;
	size_t maxl = 0;
	struct finding *f;

	for (size_t i = 0; i < ws->n; i++)
		maxl += 1 + ws->threads[i].nheld;
	f = new_finding(kind, l, ev, maxl, ws->n);
	if (!f)
		return NULL;
	/* threads: the set's own, in its order (out_json.c relies on it) */
	for (size_t i = 0; i < ws->n; i++) {
		f->threads[i].tid = ws->threads[i].tid;
		f->threads[i].t = log_thread(l, ws->threads[i].tid);
	}
	f->nthreads = ws->n;
	/* what they wait for first (the cycle's locks in order), then the rest */
	for (size_t i = 0; i < ws->n; i++) {
		const struct wthread *w = &ws->threads[i];
		if (w->wait_kind == DB_WAIT_LOCK)
			add_lock(f, l, ev->record, w->wait_id, w->wait_addr, 0, false);
	}
	for (size_t i = 0; i < ws->n; i++)
		for (size_t j = 0; j < ws->threads[i].nheld; j++)
			add_lock(f, l, ev->record, ws->threads[i].held[j].uid,
				 ws->threads[i].held[j].addr, 0, false);
	finding_stacks(f, sym_one, l);

	char **keys = xcalloc(ws->n + 1, sizeof(*keys));
	const struct stack **st = xcalloc(ws->n + 1, sizeof(*st));
	if (!keys || !st) {
		free(keys);
		free(st);
		finding_free(f);
		return NULL;
	}
	for (size_t i = 0; i < ws->n; i++) {
		keys[i] = wthread_key(&ws->threads[i]);
		st[i] = ws->threads[i].stack;
	}
	char *in = in_functions(st, ws->n);
	const char *at = in ? in : "";
	if (kind == K_DEADLOCK && ws->n == 1 && ws->threads[0].wait_kind == DB_WAIT_LOCK)
		f->summary = xasprintf("deadlock: thread T%u waits for a lock it holds "
				       "itself%s", ws->threads[0].tid, at);
	else if (kind == K_DEADLOCK && ws->n == 1)
		f->summary = xasprintf("deadlock: thread T%u waits forever%s",
				       ws->threads[0].tid, at);
	else if (kind == K_DEADLOCK)
		f->summary = xasprintf("deadlock: %zu threads wait for each other%s",
				       ws->n, at);
	else if (kind == K_HANG)
		f->summary = xasprintf("hang: %zu thread%s still running or waiting when "
				       "the time ran out%s", ws->n, ws->n == 1 ? "" : "s", at);
	else if (ws->n >= 2)
		f->summary = xasprintf("stall: thread T%u waited %llu ms for a lock held "
				       "by thread T%u%s", ws->threads[0].tid,
				       (unsigned long long)ws->waited_ms, ws->threads[1].tid, at);
	else
		f->summary = xasprintf("stall: thread T%u waited %llu ms for a lock%s",
				       ws->n ? ws->threads[0].tid : 0,
				       (unsigned long long)ws->waited_ms, at);
	free(in);
	free(st);
	/* a deadlock is a cycle: rotate; a hang is a set; a stall is ordered */
	f->key = join_key(kind_names[kind], keys, ws->n, kind == K_HANG);
	free(keys);
	return f;
}

/* ---- misuse ------------------------------------------------------------------ */

static const char *misuse_text(uint32_t kind)
{
	switch (kind) {
	case DB_MISUSE_UNLOCK_NOT_OWNER:
		return "unlock of a lock another thread holds";
	case DB_MISUSE_UNLOCK_UNLOCKED:
		return "unlock of a lock that no thread holds";
	case DB_MISUSE_DOUBLE_LOCK:
		return "lock of a non-recursive lock the thread already holds";
	case DB_MISUSE_DESTROY_LOCKED:
		return "destroy of a lock that is held or waited for";
	case DB_MISUSE_USE_AFTER_DESTROY:
		return "use of a destroyed lock";
	case DB_MISUSE_FREE_LOCKED:
		return "free of memory holding a lock that is held";
	case DB_MISUSE_EXIT_HOLDING:
		return "thread ended while holding a lock";
	case DB_MISUSE_COND_NOT_HELD:
		return "condition wait with a mutex the thread does not hold";
	case DB_MISUSE_COND_TWO_MUTEXES:
		return "condition variable used with two mutexes at once";
	case DB_MISUSE_FORK_HELD:
		return "fork while another thread held a lock the child then waits for";
	case DB_MISUSE_JOIN_DETACHED:
		return "join of a detached thread";
	case DB_MISUSE_JOIN_JOINED:
		return "join of a thread already joined";
	case DB_MISUSE_DOUBLE_FREE:
		return "double free";
	case DB_MISUSE_FREE_UNKNOWN:
		return "free of a pointer malloc did not return";
	default:
		return "misuse";
	}
}

static struct finding *misuse_finding(struct dlog *l, const struct event *ev)
{
	struct finding *f = new_finding(K_MISUSE, l, ev, 2, 2);
	char *keys[1];

	if (!f)
		return NULL;
	add_thread(f, l, ev->u.misuse.tid);
	add_thread(f, l, ev->u.misuse.other_tid);
	if (ev->u.misuse.lock_kind) {
		add_lock(f, l, ev->record, ev->u.misuse.uid, ev->u.misuse.addr,
			 ev->u.misuse.lock_kind, false);
		if (ev->u.misuse.other_addr)
			add_lock(f, l, ev->record, 0, ev->u.misuse.other_addr,
				 ev->u.misuse.lock_kind, false);
	}
	finding_stacks(f, sym_one, l);
	const struct stack *st = ev->u.misuse.stack;
	bool taken = ev->u.misuse.kind == DB_MISUSE_EXIT_HOLDING && ev->u.misuse.other_stack;
	if (taken)	/* where the lock was taken says more than where the thread ended */
		st = ev->u.misuse.other_stack;
	char *in = in_functions(&st, 1);
	f->summary = xasprintf("pthread misuse: %s%s%s", misuse_text(ev->u.misuse.kind),
			       in && taken ? " taken" : "", in ? in : "");
	free(in);
	char *a = stack_key(ev->u.misuse.stack), *b = stack_key(ev->u.misuse.other_stack);
	keys[0] = a && b ? xasprintf("%s[%s][%s]", misuse_name(ev->u.misuse.kind), a, b) : NULL;
	free(a);
	free(b);
	f->key = join_key("misuse", keys, 1, false);
	return f;
}

/* ---- leaks ------------------------------------------------------------------- */

static struct finding *thread_leak_finding(struct dlog *l, const struct event *ev)
{
	struct finding *f = new_finding(K_THREAD_LEAK, l, ev, 0, 1);
	char *keys[1];

	if (!f)
		return NULL;
	add_thread(f, l, ev->u.thread_leak.tid);
	finding_stacks(f, sym_one, l);
	const struct stack *created = f->threads[0].t ? f->threads[0].t->created : NULL;
	const char *fn = stack_function(created);
	f->summary = xasprintf("thread leak: thread T%u%s%s was neither joined nor "
			       "detached and was still running at exit",
			       ev->u.thread_leak.tid, fn ? " created in " : "", fn ? fn : "");
	char *a = stack_key(created), *b = stack_key(ev->u.thread_leak.stack);
	keys[0] = a && b ? xasprintf("created[%s]runs[%s]", a, b) : NULL;
	free(a);
	free(b);
	f->key = join_key("thread-leak", keys, 1, false);
	return f;
}

static struct finding *fd_leak_finding(struct dlog *l, const struct event *ev)
{
	struct finding *f = new_finding(K_FD_LEAK, l, ev, 0, 1);
	char *keys[1];

	if (!f)
		return NULL;
	add_thread(f, l, ev->u.fd_leak.tid);
	finding_stacks(f, sym_one, l);
	const struct stack *st = ev->u.fd_leak.stack;
	char *in = in_functions(&st, 1);
	const char *what = ev->u.fd_leak.what;
	if (what && !what[0])
		what = NULL;
	f->summary = xasprintf("descriptor leak: descriptor %d%s%s%s%s%s was never closed",
			       ev->u.fd_leak.fd, what ? " (" : "", what ? what : "",
			       what ? ")" : "", in ? " opened" : "", in ? in : "");
	free(in);
	char *a = stack_key(st);
	/* what was opened tells apart several opens on one line */
	keys[0] = a ? xasprintf("%s[%s]", what ? what : "", a) : NULL;
	free(a);
	f->key = join_key("fd-leak", keys, 1, false);
	return f;
}

static const char *leak_kind_name(uint32_t kind)
{
	return kind == DB_LEAK_INDIRECT ? "indirect" : kind == DB_LEAK_REACHABLE ?
	       "reachable" : "definite";
}

static char *leak_summary(const struct finding *f)
{
	const struct event *ev = f->ev;
	const struct stack *st = ev->u.leak.stack;
	char *in = in_functions(&st, 1);
	char *sum = xasprintf("%s leak: %llu byte%s in %llu block%s%s%s",
			      ev->u.leak.kind == DB_LEAK_INDIRECT ? "indirect" :
			      ev->u.leak.kind == DB_LEAK_REACHABLE ? "still reachable, no" :
			      "definite",
			      (unsigned long long)f->u.leak.bytes,
			      f->u.leak.bytes == 1 ? "" : "s",
			      (unsigned long long)f->u.leak.blocks,
			      f->u.leak.blocks == 1 ? "" : "s", in ? ", allocated" : "",
			      in ? in : "");
	free(in);
	return sum;
}

int finding_leak_merge(struct finding *f, const struct finding *more)
{
	f->u.leak.bytes += more->u.leak.bytes;
	f->u.leak.blocks += more->u.leak.blocks;
	char *sum = leak_summary(f);
	if (!sum)
		return -ENOMEM;
	free(f->summary);
	f->summary = sum;
	return 0;
}

static struct finding *leak_finding(struct dlog *l, const struct event *ev)
{
	struct finding *f = new_finding(K_LEAK, l, ev, 0, 1);
	char *keys[1];

	if (!f)
		return NULL;
	add_thread(f, l, ev->u.leak.tid);
	finding_stacks(f, sym_one, l);
	const struct stack *st = ev->u.leak.stack;
	f->u.leak.bytes = ev->u.leak.bytes;
	f->u.leak.blocks = ev->u.leak.blocks;
	f->summary = leak_summary(f);
	char *a = stack_key(st);
	keys[0] = a ? xasprintf("%s[%s]", leak_kind_name(ev->u.leak.kind), a) : NULL;
	free(a);
	f->key = join_key("leak", keys, 1, false);
	return f;
}

const char *finding_leak_kind(const struct finding *f)
{
	return leak_kind_name(f->ev->u.leak.kind);
}

/* ---- data races --------------------------------------------------------------- */

const char *race_access_name(const struct race_access *a)
{
	bool write = a->flags & DB_RACEF_WRITE;

	if (a->flags & DB_RACEF_ATOMIC)
		return write ? "atomic write" : "atomic read";
	return write ? "write" : "read";
}

const char *race_evidence_name(uint32_t evidence)
{
	return evidence == DB_RACE_WITNESSED ? "witnessed" : "unordered";
}

/* Not a finding: a location that locked read-modify-writes use (their
 * plain loads and stores are the atomics' own), or two atomic accesses. */
static bool race_dropped(const struct dlog *l, const struct race *rc)
{
	return log_race_atomic(l, rc->addr, rc->size) ||
	       ((rc->a[0].flags & DB_RACEF_ATOMIC) && (rc->a[1].flags & DB_RACEF_ATOMIC));
}

/* Withheld: a pair that only the lack of happens-before makes a race,
 * where a lock the program builds of atomics (Rust's Mutex, Qt's QMutex,
 * a spinlock of its own), which deadbolt does not follow, may order it:
 * the code of either access compare-exchanges or exchanges memory (the
 * lock's fast paths, inlined), or the object (heap block, data symbol)
 * holds a word that a compare-exchange or exchange touched (the lock in
 * the object it guards).  A witnessed pair is reported all the same. */
static bool race_withheld(struct dlog *l, const struct race *rc)
{
	const char *sym;
	uint64_t off, size;

	if (rc->evidence != DB_RACE_UNORDERED)
		return false;
	if ((rc->a[0].flags | rc->a[1].flags) & DB_RACEF_SYNC_NEAR)
		return true;
	if (rc->loc == DB_RACE_LOC_HEAP)
		return rc->object_size && rc->object + rc->object_size > rc->object &&
		       log_race_sync_in(l, rc->object, rc->object + rc->object_size);
	if (sym_data(l, rc->mod, rc->addr, &sym, &off, &size) && size && off <= rc->addr &&
	    rc->addr - off + size > rc->addr - off)
		return log_race_sync_in(l, rc->addr - off, rc->addr - off + size);
	return false;
}

/* The access site: function, file and line of pc - 1 (the innermost of
 * its inlined calls), else module+offset. */
static char *site_key(const struct stack *s)
{
	const struct frame *f = s && s->nframes ? &s->frames[0] : NULL;

	if (!f)
		return xstrdup("?");
	if (f->function || f->file)
		return xasprintf("%s@%s:%u", f->function ? f->function : "?",
				 f->file ? f->file : "?", f->line);
	return sym_frame_key(f);
}

/* "f (file.c:12)": where a stack is, for a summary; NULL if unnamed. */
static char *stack_where(const struct stack *s)
{
	const char *fn = stack_function(s);
	const struct frame *f = NULL;

	if (!fn)
		return NULL;
	for (size_t i = 0; i < s->nframes && !f; i++)
		if (s->frames[i].function == fn)
			f = &s->frames[i];
	if (f && f->file && f->line)
		return xasprintf("%s (%s:%u)", fn, sym_base_name(f->file), f->line);
	if (f && f->file)
		return xasprintf("%s (%s)", fn, sym_base_name(f->file));
	return xstrdup(fn);
}

/* The location, as the summary says it and as the key has it. */
static void race_location(struct finding *f, const struct race *rc, char **text, char **key)
{
	uint64_t off = rc->addr - rc->object;

	if (rc->loc == DB_RACE_LOC_HEAP) {
		char *where = stack_where(rc->block_stack);
		char *sk = stack_key(rc->block_stack);
		char at[32] = "";
		/* an address below its block is a damaged record: no offset */
		f->u.race.has_offset = rc->addr >= rc->object;
		f->u.race.offset = off;
		if (f->u.race.has_offset)
			snprintf(at, sizeof(at), "+%llu, ", (unsigned long long)off);
		*text = xasprintf("heap block of %llu byte%s (%s%u byte%s)%s%s",
				  (unsigned long long)rc->object_size,
				  rc->object_size == 1 ? "" : "s", at,
				  rc->size, rc->size == 1 ? "" : "s",
				  where ? " allocated at " : "", where ? where : "");
		*key = sk ? xasprintf("heap[%s]+%llu", sk, (unsigned long long)off) : NULL;
		free(where);
		free(sk);
		return;
	}
	if (rc->loc == DB_RACE_LOC_STACK) {
		/* its address says nothing in another run, the sites say it all */
		*text = xasprintf("the stack of thread T%u (%u byte%s)", rc->owner, rc->size,
				  rc->size == 1 ? "" : "s");
		*key = xstrdup("stack");
		return;
	}
	const char *sym = NULL;
	uint64_t soff = 0;
	const char *mod = rc->mod ? sym_base_name(rc->mod->path) : NULL;
	if (sym_data(f->log, rc->mod, rc->addr, &sym, &soff, NULL)) {
		f->u.race.symbol = sym;
		f->u.race.has_offset = true;
		f->u.race.offset = soff;
		*text = xasprintf("'%s' (+%llu, %u byte%s)", sym, (unsigned long long)soff,
				  rc->size, rc->size == 1 ? "" : "s");
		*key = xasprintf("sym[%s:%s]", mod, sym);
		return;
	}
	/* the runtime named a symbol this tool cannot read: its extent still
	 * gives the offset */
	if (rc->loc == DB_RACE_LOC_GLOBAL && rc->addr >= rc->object &&
	    off < rc->object_size) {
		f->u.race.has_offset = true;
		f->u.race.offset = off;
	}
	if (mod) {
		uint64_t moff = rc->addr - rc->mod->bias;
		*text = xasprintf("%s+0x%llx (%u byte%s)", mod, (unsigned long long)moff,
				  rc->size, rc->size == 1 ? "" : "s");
		*key = xasprintf("mod[%s+0x%llx]", mod, (unsigned long long)moff);
	} else {
		/* an anonymous mapping, say: its address says nothing in
		 * another run, the two sites say it all */
		*text = xasprintf("memory at 0x%llx (%u byte%s)", (unsigned long long)rc->addr,
				  rc->size, rc->size == 1 ? "" : "s");
		*key = xstrdup("other");
	}
}

static struct finding *race_finding(struct dlog *l, const struct event *ev)
{
	const struct race *rc = ev->u.race;
	struct finding *f = new_finding(K_DATA_RACE, l, ev, 2 * DB_RACE_MAX_LOCKS, 3);
	char *loc = NULL, *lkey = NULL, *s0 = NULL, *s1 = NULL;

	if (!f)
		return NULL;
	f->u.race.evidence = rc->evidence;
	f->u.race.count = 1;
	if (rc->loc == DB_RACE_LOC_STACK)
		add_thread(f, l, rc->owner);
	for (int i = 0; i < 2; i++) {
		const struct race_access *a = &rc->a[i];
		add_thread(f, l, a->tid);
		for (size_t j = 0; j < a->nnamed; j++)
			add_lock(f, l, ev->record, a->locks[j].uid, a->locks[j].addr, 0,
				 false);
	}
	finding_stacks(f, sym_one, l);
	race_location(f, rc, &loc, &lkey);
	s0 = site_key(rc->a[0].site);
	s1 = site_key(rc->a[1].site);
	if (loc)
		f->summary = xasprintf("data race on %s: %s by thread T%u vs %s by thread "
				       "T%u [%s]", loc, race_access_name(&rc->a[1]),
				       rc->a[1].tid, race_access_name(&rc->a[0]), rc->a[0].tid,
				       race_evidence_name(rc->evidence));
	if (lkey && s0 && s1) {
		bool swap = strcmp(s0, s1) > 0;	/* the pair is unordered */
		f->key = xasprintf("data-race|%s|%s|%s", lkey, swap ? s1 : s0, swap ? s0 : s1);
	}
	free(loc);
	free(lkey);
	free(s0);
	free(s1);
	return f;
}

int finding_race_merge(struct finding *f, struct finding *more)
{
	uint64_t count = f->u.race.count + more->u.race.count;
	int err = 0;

	for (size_t i = 0; i < more->npids && !err; i++)
		err = finding_add_pid(f, more->pids[i]);
	if (more->u.race.evidence > f->u.race.evidence) {
		/* show the stronger record; f keeps its key (the dedup table
		 * points to it), pids and place in the report */
		struct finding t = *f;
		f->log = more->log;
		f->ev = more->ev;
		f->pid = more->pid;
		f->summary = more->summary;
		f->nlocks = more->nlocks;
		f->nthreads = more->nthreads;
		f->locks = more->locks;
		f->threads = more->threads;
		f->u = more->u;
		more->log = t.log;
		more->ev = t.ev;
		more->pid = t.pid;
		more->summary = t.summary;
		more->nlocks = t.nlocks;
		more->nthreads = t.nthreads;
		more->locks = t.locks;
		more->threads = t.threads;
		more->u = t.u;
	}
	f->u.race.count = count;
	return err;
}

/* ---- the one entry point --------------------------------------------------------- */

int finding_make(struct dlog *l, const struct event *ev, struct finding **out)
{
	struct finding *f;

	*out = NULL;
	switch (ev->type) {
	case DB_REC_CYCLE:
		f = cycle_finding(l, ev);
		break;
	case DB_REC_WAITSET:
		f = waitset_finding(l, ev);
		break;
	case DB_REC_MISUSE:
		f = misuse_finding(l, ev);
		break;
	case DB_REC_THREAD_LEAK:
		f = thread_leak_finding(l, ev);
		break;
	case DB_REC_FD_LEAK:
		f = fd_leak_finding(l, ev);
		break;
	case DB_REC_LEAK:
		f = leak_finding(l, ev);
		break;
	case DB_REC_RACE:
		if (race_dropped(l, ev->u.race))
			return 0;
		if (race_withheld(l, ev->u.race)) {
			l->race.withheld++;
			return 0;
		}
		f = race_finding(l, ev);
		break;
	default:
		return 0;
	}
	if (!f || !f->summary || !f->key || tool_oom) {
		finding_free(f);
		return -ENOMEM;
	}
	*out = f;
	return 0;
}

int finding_add_pid(struct finding *f, uint64_t pid)
{
	for (size_t i = 0; i < f->npids; i++)
		if (f->pids[i] == pid)
			return 0;
	uint64_t *v = realloc(f->pids, (f->npids + 1) * sizeof(*v));
	if (!v) {
		tool_oom = true;
		return -ENOMEM;
	}
	f->pids = v;
	f->pids[f->npids++] = pid;
	return 0;
}

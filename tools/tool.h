/* tool.h - every cross-file declaration of the `deadbolt` command, grouped by
 * the file that owns it.  Only tools/ includes this.
 *
 * Data flow: logread.c turns each raw log (lib/logfmt.h) into a struct dlog
 * (modules, stacks, threads, locks, edges, notes, and the records that are
 * findings); report.c turns those into struct finding (symbolized through
 * symbolize.c, deduplicated, filtered by suppress.c) and hands them to the
 * out_*.c writers.  Everything a finding points to is owned by a dlog, and
 * every dlog lives until the report is written.
 *
 * Errors: functions return 0 or a negative errno and print their own
 * `deadbolt: error: ...` line; only main() exits.  The tool is single
 * threaded.
 */
#ifndef DEADBOLT_TOOL_H
#define DEADBOLT_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* uthash calls this instead of exit() when malloc fails: the table is left
 * without the new item and tool_oom tells report.c to fail with -ENOMEM. */
extern bool tool_oom;
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (tool_oom = true)
#include <uthash.h>

#include "logfmt.h"

#define DB_VERSION	"0.1.0"
#define DB_JSON_SCHEMA	1

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- main.c ------------------------------------------------------------- */
enum rt_type { RT_BOOL, RT_INT, RT_STR, RT_ENUM };

/* One runtime option of lib/options.inc, as a `deadbolt run` flag. */
struct rt_opt {
	const char *key;		/* lock_classes */
	enum rt_type type;
	long def, lo, hi;		/* RT_ENUM: def is an index into names */
	const char *sdef;		/* RT_STR: default; RT_ENUM: "a|b|c" */
	const char *help;
};
extern const struct rt_opt rt_opts[];
extern const size_t rt_nopts;
const struct rt_opt *rt_opt_find(const char *key);
/* The i-th name of an RT_ENUM's "a|b|c" into buf; index of a name, or -1. */
const char *rt_enum_name(const struct rt_opt *o, long i, char *buf, size_t n);
long rt_enum_index(const struct rt_opt *o, const char *name);

void usage_run(FILE *f);
void usage_report(FILE *f);
/* argv[*i] is --NAME, --NAME=VALUE or SHORT?  1: yes (*val set when a
 * value is needed, taking the next argument if not given with `=`; when
 * needs is false, *val is the `=` part or NULL), 0: no, -EINVAL: a value is
 * missing (said on stderr). */
int opt_match(int argc, char **argv, int *i, const char *name, const char *shrt,
	      bool needs, const char **val);
int parse_int(const char *s, long lo, long hi, long *out);
/* Allocation that cannot fail quietly: NULL sets tool_oom as well. */
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string (NULL on failure, tool_oom set). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- logread.c ---------------------------------------------------------- */
enum note_level { NOTE_INFO = 1, NOTE_WARN, NOTE_INTERNAL };

struct sym_file;

struct module {			/* one MODULE record */
	UT_hash_handle hh;	/* in dlog.modules, by id */
	uint64_t id;
	uint64_t bias, lo, hi;
	unsigned char *build_id;
	size_t build_id_len;
	char *path;
	bool own;		/* libdeadbolt.so itself: its frames are dropped */
	bool resolved;		/* file looked up (file may still be NULL) */
	struct sym_file *file;	/* symbolize.c; NULL: show module+offset */
};

/* One symbolized frame; an inlined call expands into several. */
struct frame {
	uint64_t pc;		/* as recorded (a return address, mostly) */
	const struct module *mod;	/* NULL: in no known module */
	uint64_t offset;	/* pc - bias */
	const char *function;	/* NULL: unknown; demangled */
	const char *file;	/* NULL: unknown; as in DWARF */
	unsigned line;		/* 0: unknown */
	unsigned column;	/* 0: unknown; only tells apart calls on one line */
	bool inlined;		/* inlined into the next frame */
};

struct stack {
	UT_hash_handle hh;	/* in dlog.stacks, by id */
	uint64_t id;
	uint32_t flags;		/* DB_STACKF_* */
	size_t npc;
	uint64_t *pc;
	struct module **mod;	/* module of each pc when the record was read */
	bool symbolized;
	size_t nframes;
	struct frame *frames;	/* symbolized, own frames dropped */
};

struct thread {
	UT_hash_handle hh;	/* by tid */
	uint32_t tid;
	uint32_t parent;	/* UINT32_MAX: none */
	uint64_t os_tid;
	struct stack *created;	/* NULL: none */
	bool exited, joined, detached;
};

struct lock {
	UT_hash_handle hh;	/* by uid */
	uint64_t uid, addr;
	uint32_t kind;		/* enum db_lock_kind */
	uint32_t site;		/* enum db_lock_site */
	struct stack *site_stack;
	uint64_t class_id;
};

struct edge {
	UT_hash_handle hh;	/* by id */
	uint64_t id;
	uint64_t from, to;	/* lock uids, or class ids (DB_EDGEF_CLASS) */
	struct stack *to_stack, *from_stack;
	uint32_t tid, from_mode, to_mode, flags;
};

/* A waitset (deadlock, hang, stall): its threads as TSTATE and THELD
 * records described them. */
struct wheld {
	uint32_t mode;
	uint64_t uid, addr;
	struct stack *stack;	/* where it was taken */
};

struct wthread {
	uint32_t tid;
	uint32_t wait_kind;	/* enum db_wait_kind */
	uint64_t wait_id;	/* lock uid or tid */
	uint64_t wait_addr;
	uint32_t wait_mode;
	struct stack *stack;	/* where it waits (runs, in a hang) */
	size_t nheld;
	struct wheld *held;
};

struct waitset {
	UT_hash_handle hh;	/* in dlog.waitsets, by id */
	uint64_t id;
	uint32_t kind;		/* enum db_waitset_kind */
	uint32_t nthreads;	/* announced; threads has what came */
	uint64_t waited_ms;
	size_t n;
	struct wthread *threads;
};

/* One of the two accesses of a RACE record. */
struct race_access {
	uint32_t tid;
	uint32_t flags;		/* DB_RACEF_* */
	uint64_t pc;		/* after the accessing instruction */
	uint64_t time_ns;
	struct stack *stack;	/* NULL only when pc is 0 too */
	struct stack *site;	/* its frame 0 is pc: stack, or a stack of pc alone */
	struct stack *own;	/* made by logread.c for site: freed with the log */
	uint32_t nlocks;	/* locks held, all of them */
	uint32_t mode_bits;	/* bit i: locks[i] held for reading */
	size_t nnamed;		/* locks[] given: at most DB_RACE_MAX_LOCKS */
	struct db_race_lock locks[DB_RACE_MAX_LOCKS];
};

/* A RACE record. */
struct race {
	uint64_t addr;
	uint32_t size;
	uint32_t evidence;	/* enum db_race_evidence */
	uint32_t loc;		/* enum db_race_loc */
	uint32_t owner;		/* DB_RACE_LOC_STACK: the thread whose stack */
	uint64_t object, object_size;
	struct module *mod;	/* the module holding addr when logged, or NULL */
	struct stack *block_stack;	/* heap: allocation stack */
	struct race_access a[2];	/* a[0] the earlier */
};

/* A record that is a finding, in log order; report.c turns each into a
 * struct finding.  New finding records add a member and a case there. */
struct event {
	uint32_t type;		/* DB_REC_* */
	uint32_t record;	/* record number in the log, for messages */
	union {
		struct {
			uint32_t flags;
			size_t nedges;
			struct edge **edges;
		} cycle;
		struct waitset *waitset;
		struct {
			uint32_t kind;		/* enum db_misuse_kind */
			uint32_t tid, other_tid, lock_kind;
			uint64_t addr, uid, other_addr;
			struct stack *stack, *other_stack;
		} misuse;
		struct {
			uint32_t tid;
			struct stack *stack;
		} thread_leak;
		struct {
			int32_t fd;
			uint32_t tid;
			struct stack *stack;
			char *what;
		} fd_leak;
		struct {
			uint32_t kind;		/* enum db_leak_kind */
			uint32_t tid;
			struct stack *stack;
			uint64_t bytes, blocks;
		} leak;
		struct race *race;
	} u;
};

struct leak_summary {
	uint64_t definite_bytes, definite_blocks;
	uint64_t indirect_bytes, indirect_blocks;
	uint64_t reachable_bytes, reachable_blocks;
	uint64_t suppressed_bytes, suppressed_blocks;
	uint64_t scan_ms;
};

/* At exit: one location the race sampler watched (RACE_WATCH): an
 * instruction it sampled (DB_RACE_LOC_CODE), or a data location. */
struct race_watch {
	uint64_t addr;
	uint32_t size;
	uint32_t loc;		/* enum db_race_loc */
	uint64_t watched_us;
	uint32_t traps, threads;
	struct module *mod;	/* the module holding addr when logged, or NULL */
	struct stack *code;	/* DB_RACE_LOC_CODE: the instruction alone (owned) */
	/* set by report.c: the function (code) or data symbol, or NULL */
	const char *symbol;
	bool has_offset;	/* data: offset in symbol */
	uint64_t offset;
	const char *file;	/* code: source position, or NULL */
	unsigned line;
};

/* A location a locked read-modify-write touched (RACE_ATOMIC). */
struct race_atomic {
	uint64_t addr;
	uint64_t size;
	bool sync;		/* DB_RACE_ATOMIC_SYNC: a lock word of the program's own */
};

/* What the race detector of one process image said about itself. */
struct race_info {
	bool has_status;	/* from the last RACE_STATUS record */
	uint32_t state;		/* enum db_race_state */
	int32_t err;
	char *reason;		/* NULL: none given */
	bool has_summary;	/* RACE_SUMMARY, written at exit */
	uint64_t candidates, globals, heap, watched, windows, window_us;
	uint64_t watched_us, traps, dropped;
	uint64_t withheld;	/* unordered pairs not reported: code with a lock of its own */
	uint32_t slots, watch_records;
	uint32_t modules, modules_cached;	/* sampled; of them, sites from the cache */
	struct race_watch *watch;
	size_t nwatch, watch_cap;
	struct race_atomic *atomic;	/* sorted by addr once the log is read */
	size_t natomic, atomic_cap;
	uint64_t atomic_max;	/* the largest atomic size */
};

struct note {
	uint64_t pid;
	enum note_level level;
	bool shown;		/* already printed on stderr when it was made */
	char *text;
};

struct dlog {
	char *path;
	uint64_t pid, ppid, start_ns, flags;
	bool has_process;
	size_t argc;
	char **argv;
	char *exe;		/* NULL: unknown */
	char *options;		/* NULL: no OPTIONS record */
	bool has_exit;
	int exit_status;
	int signal;		/* 0: none known */
	bool core_dumped;
	bool partial;		/* damaged: records after the damage are lost */
	unsigned nwarnings;

	struct module *modules;	/* every MODULE record, by id */
	struct module **loaded;	/* currently loaded, while reading */
	size_t nloaded, loaded_cap;
	struct module **unloaded;	/* in unload order, while reading */
	size_t nunloaded;
	struct stack *stacks;
	struct thread *threads;
	struct lock *locks;
	struct edge *edges;
	struct waitset *waitsets;
	struct event *events;
	size_t nevents, events_cap;
	bool has_leak_summary;
	struct leak_summary leaks;
	struct race_info race;
	struct note *notes;	/* from the runtime and about this log */
	size_t nnotes, notes_cap;
};

/* Read one log.  0, or a negative errno after printing why (not a log, a
 * version this tool does not read, I/O error); damage after the header
 * makes a partial log, not an error. */
int log_read(const char *path, struct dlog **out);
void log_free(struct dlog *l);
/* A warning about record `record` of this log (0: the log as a whole): on
 * stderr (capped per log) and as a note of the report. */
void log_warn(struct dlog *l, unsigned record, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A note about this log that is not printed now (the report shows it). */
void log_note(struct dlog *l, enum note_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct stack *log_stack(struct dlog *l, uint64_t id);
struct lock *log_lock(struct dlog *l, uint64_t uid);
struct thread *log_thread(struct dlog *l, uint32_t tid);
/* Does [addr, addr + size) overlap a location that a locked
 * read-modify-write of this process image touched? */
bool log_race_atomic(const struct dlog *l, uint64_t addr, uint64_t size);
/* Does [lo, hi) hold a lock word of the program's own (DB_RACE_ATOMIC_SYNC)? */
bool log_race_sync_in(const struct dlog *l, uint64_t lo, uint64_t hi);
const char *race_loc_name(uint32_t loc);
const char *race_state_name(uint32_t state);

/* ---- symbolize.c -------------------------------------------------------- */
/* Fill s->frames (once): inlined frames expanded, deadbolt's own dropped. */
int sym_stack(struct dlog *l, struct stack *s);
/* Key of a frame for deduplication: function, file, line and column;
 * else module base name + offset.  Never a raw address. */
char *sym_frame_key(const struct frame *f);
/* A frame in the program itself rather than in a system library. */
bool sym_user_frame(const struct frame *f);
/* The data symbol of module m that holds addr (an address of the
 * process): its demangled name (owned by the cache until sym_cleanup) and
 * addr's offset in it, and (size not NULL) its size, 0 if unknown.  false:
 * none (no symbol table, or between symbols). */
bool sym_data(struct dlog *l, struct module *m, uint64_t addr, const char **name,
	      uint64_t *offset, uint64_t *size);
/* demangle.c: a Rust v0 name ("_R...") made readable; NULL: not one it can read. */
char *rust_demangle_v0(const char *sym);
const char *sym_base_name(const char *path);
void sym_cleanup(void);

/* ---- report.c ----------------------------------------------------------- */
enum kind {
	K_LOCK_ORDER,
	K_DEADLOCK,
	K_DATA_RACE,
	K_LEAK,
	K_MISUSE,
	K_STALL,
	K_HANG,
	K_THREAD_LEAK,
	K_FD_LEAK,
	K_NKINDS
};
extern const char *const kind_names[K_NKINDS];

enum out_format { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_DOT };

struct flk {			/* a lock taking part in a finding */
	char name[24];		/* M1, M2... in cycle order */
	const struct lock *lk;	/* NULL: no LOCK record (unknown, or a class) */
	uint64_t uid;		/* uid, or class id of a class cycle; 0: unknown */
	uint64_t addr;		/* when lk is NULL: the address the record gave */
	uint32_t kind;		/* enum db_lock_kind when lk is NULL, 0: unknown */
};

struct fedge {
	size_t from, to;	/* indexes into the finding's locks */
	const struct edge *e;
};

struct fthread {
	uint32_t tid;
	const struct thread *t;	/* NULL: no THREAD record */
};

struct finding {
	enum kind kind;
	struct dlog *log;	/* the first log it was found in */
	const struct event *ev;	/* the record it was made from */
	uint64_t pid;
	uint64_t *pids;		/* every process it was found in, sorted */
	size_t npids;
	char *summary;
	char *key;		/* dedup key */
	/* the locks and threads it names: M1.. in order of appearance */
	size_t nlocks, nthreads;
	struct flk *locks;
	struct fthread *threads;
	union {
		struct {	/* K_LOCK_ORDER */
			bool is_class;
			size_t nedges;
			struct fedge *edges;
		} cycle;
		struct {	/* K_LEAK: summed over the records it merges */
			uint64_t bytes, blocks;
		} leak;
		struct {	/* K_DATA_RACE */
			uint32_t evidence;	/* of the record shown: the strongest seen */
			uint64_t count;		/* RACE records merged into it */
			const char *symbol;	/* not heap: its data symbol, or NULL */
			bool has_offset;	/* offset is known */
			uint64_t offset;	/* in the symbol or heap block */
		} race;
	} u;
};

/* ---- finding.c ---------------------------------------------------------- */
/* The finding an event of l makes, symbolized, with summary and key; *out
 * is NULL for an event that is not a finding.  0 or -ENOMEM. */
int finding_make(struct dlog *l, const struct event *ev, struct finding **out);
void finding_free(struct finding *f);
int finding_add_pid(struct finding *f, uint64_t pid);
/* Another leak record of f's process whose stack symbolizes the same (say,
 * two return addresses on one line): its bytes and blocks count too. */
int finding_leak_merge(struct finding *f, const struct finding *more);
/* Another record of the same data race (one location, the same two access
 * sites): counted, and f shows whichever has the stronger evidence. */
int finding_race_merge(struct finding *f, struct finding *more);
/* "write", "read", "atomic write", "atomic read" */
const char *race_access_name(const struct race_access *a);
const char *race_evidence_name(uint32_t evidence);
/* Every stack of a finding (suppressions, locations): fn on each. */
void finding_stacks(const struct finding *f,
		    void (*fn)(const struct stack *s, void *arg), void *arg);
/* The stack that locates the finding (SARIF's location). */
const struct stack *finding_main_stack(const struct finding *f);
/* The function a stack is "in": its first frame in the program's code. */
const char *stack_function(const struct stack *s);
/* Index into f->locks of a lock (uid, or address when uid is 0), or
 * SIZE_MAX. */
size_t finding_lock(const struct finding *f, uint64_t uid, uint64_t addr);
const char *misuse_name(uint32_t kind);
const char *finding_leak_kind(const struct finding *f);


/* The output flags `run` and `report` share, as given. */
struct out_flags {
	enum out_format format;
	const char *out_path;		/* -o */
	const char *json_path, *sarif_path, *dot_path;
	const char **supp;		/* --suppressions, in order */
	size_t nsupp;
	bool quiet;
};
/* Consume an output flag at argv[*i]: 1 consumed, 0 not one, < 0 error.
 * bare: `--json` alone selects the format (report) instead of taking a
 * file (run). */
int out_flag(struct out_flags *of, int argc, char **argv, int *i, bool bare);
void out_flags_free(struct out_flags *of);

struct report_opts {
	enum out_format format;		/* of the main report */
	FILE *out;			/* main report: stderr, stdout or -o */
	FILE *json, *sarif, *dot;	/* extra files, or NULL */
	struct suppressions *supp;	/* NULL: none */
	bool quiet;
	const char *log_dir;		/* for the summary line; NULL: none */
	bool logs_kept;
};

struct report {
	struct dlog **logs;
	size_t nlogs;
	struct finding **findings;	/* not suppressed, in report order */
	size_t nfindings;
	struct finding **reachable;	/* still-reachable blocks: not findings */
	size_t nreachable;
	size_t nsuppressed;
	size_t counts[K_NKINDS];
	struct note *notes;		/* runtime notes + the tool's own */
	size_t nnotes, notes_cap;
	const char *log_dir;
	bool logs_kept;
};

/* A note of the report as a whole (pid 0: about no process in particular). */
void report_note(struct report *r, uint64_t pid, enum note_level level,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read every *.log of dir, sorted; ignore names listed in skip. */
int report_add_dir(struct report *r, const char *dir, char *const *skip, size_t nskip);
int report_add_file(struct report *r, const char *path);
/* Findings from every log, dedup, suppress, write the outputs.  Returns
 * the number of findings (>= 0) or a negative errno. */
int report_build_and_write(struct report *r, const struct report_opts *o);
void report_free(struct report *r);
/* Open the outputs of of and load its suppressions (before running
 * anything: a bad path fails early); def is where the main report goes
 * without -o. */
int report_open(const struct out_flags *of, FILE *def, struct report_opts *o);
/* Close them (a write error is an error) and free the suppressions. */
int report_close(const struct out_flags *of, struct report_opts *o);
int cmd_report(int argc, char **argv);
/* Shown path: relative to the cwd when below it. */
const char *report_path(const char *path);
const char *signal_name(int sig, char *buf, size_t n);
const char *lock_kind_name(uint32_t kind);
/* The process's name for messages: argv[0], else exe, else "?". */
const char *process_name(const struct dlog *l);

/* ---- run.c -------------------------------------------------------------- */
int cmd_run(int argc, char **argv);

/* ---- suppress.c --------------------------------------------------------- */
struct suppressions;
/* Load the files (KIND:PATTERN lines); errors name FILE:LINE. */
int supp_load(const char *const *paths, size_t n, struct suppressions **out);
bool supp_match(const struct suppressions *s, const struct finding *f);
void supp_free(struct suppressions *s);

/* ---- out_json.c --------------------------------------------------------- */
/* A small JSON writer: escapes, invalid UTF-8 as U+FFFD, optional
 * pretty-printing where compact is not asked for. */
struct jw {
	FILE *f;
	int depth;
	int compact_from;	/* depth at which output goes on one line; 0: never */
	bool after_key;		/* the next value follows a key: no separator */
	bool first[64];		/* per depth: nothing written in it yet */
};
void jw_init(struct jw *w, FILE *f);
void jw_obj(struct jw *w);
/* An object whose members go on one line. */
void jw_obj_compact(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);	/* NULL: null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_hex(struct jw *w, uint64_t v);		/* "0x..." */
/* A member: its key, then its value. */
void jw_field_u64(struct jw *w, const char *k, uint64_t v);
void jw_field_str(struct jw *w, const char *k, const char *s);	/* NULL: null */
void jw_field_bool(struct jw *w, const char *k, bool v);
void jw_end(struct jw *w);			/* final newline */
void json_frames(struct jw *w, const struct stack *s);
int out_json(const struct report *r, FILE *f);

/* ---- out_text.c --------------------------------------------------------- */
int out_text(const struct report *r, const struct report_opts *o, FILE *f);

/* ---- out_sarif.c -------------------------------------------------------- */
int out_sarif(const struct report *r, FILE *f);

/* ---- out_dot.c ---------------------------------------------------------- */
int out_dot(const struct report *r, FILE *f);

#endif /* DEADBOLT_TOOL_H */

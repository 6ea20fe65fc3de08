/* logfmt.h - the raw log: the single definition shared by lib/ and tools/.
 *
 * A log is one file per process image, DIR/deadbolt.<pid>.log (an exec'd image
 * of the same pid gets deadbolt.<pid>.<n>.log).  It starts with a struct
 * db_log_header, then records, each a struct db_rec header followed by its body,
 * appended with one write(2) each, as things happen, so that everything before
 * a crash or SIGKILL is on disk.  All integers are the writer's native byte
 * order (the tool refuses a log whose header says otherwise); every record is
 * padded to a multiple of 8 bytes.
 *
 * Compatibility: a reader skips record types it does not know (size tells how
 * far), so new record types do not bump the version; changing the layout of an
 * existing record does.
 *
 * Ids: stack ids, lock uids, edge ids and thread ids are numbers local to one
 * log.  Stack id 0 means "no stack".  A record refers only to ids whose records
 * came earlier in the same log.
 */
#ifndef DEADBOLT_LOGFMT_H
#define DEADBOLT_LOGFMT_H

#include <stdint.h>

#define DB_LOG_MAGIC	"DBLTLOG\n"	/* 8 bytes, no NUL */
#define DB_LOG_VERSION	1
#define DB_LOG_ENDIAN	0x01020304u	/* as written by the producer */

struct db_log_header {
	char magic[8];
	uint32_t version;
	uint32_t endian;		/* DB_LOG_ENDIAN */
	uint32_t header_size;		/* sizeof(struct db_log_header) */
	uint32_t ptr_size;		/* sizeof(void *) */
	uint64_t pid;
	uint64_t ppid;
	uint64_t start_ns;		/* CLOCK_REALTIME */
	uint64_t flags;			/* DB_LOGF_* */
};

#define DB_LOGF_FORKED	1ull	/* image created by fork() of a traced process */
#define DB_LOGF_EXECED	2ull	/* pid already had a log: this image came by exec */

struct db_rec {
	uint32_t type;			/* enum db_rec_type */
	uint32_t size;			/* bytes including this header, multiple of 8 */
};

enum db_rec_type {
	DB_REC_PROCESS = 1,	/* struct db_rec_process + argv strings */
	DB_REC_MODULE,		/* struct db_rec_module + build-id + path */
	DB_REC_MODULE_UNLOAD,	/* struct db_rec_module_unload */
	DB_REC_STACK,		/* struct db_rec_stack + pcs */
	DB_REC_THREAD,		/* struct db_rec_thread */
	DB_REC_THREAD_EXIT,	/* struct db_rec_thread_exit */
	DB_REC_LOCK,		/* struct db_rec_lock */
	DB_REC_EDGE,		/* struct db_rec_edge */
	DB_REC_CYCLE,		/* struct db_rec_cycle + edge ids */
	DB_REC_NOTE,		/* struct db_rec_note + text */
	DB_REC_EXIT,		/* struct db_rec_exit */
	DB_REC_OPTIONS,		/* struct db_rec_options + "key=value:..." text */
	DB_REC_WAITSET,		/* struct db_rec_waitset: a deadlock, hang or stall */
	DB_REC_TSTATE,		/* struct db_rec_tstate: one thread of a waitset */
	DB_REC_THELD,		/* struct db_rec_theld: one lock that thread holds */
	DB_REC_MISUSE,		/* struct db_rec_misuse */
	DB_REC_THREAD_JOIN,	/* struct db_rec_thread_join */
	DB_REC_THREAD_DETACH,	/* struct db_rec_thread_detach */
	DB_REC_THREAD_LEAK,	/* struct db_rec_thread_leak */
	DB_REC_FD_LEAK,		/* struct db_rec_fd_leak */
	DB_REC_LEAK,		/* struct db_rec_leak */
	DB_REC_LEAK_SUMMARY,	/* struct db_rec_leak_summary */
	DB_REC_RACE,		/* struct db_rec_race */
	DB_REC_RACE_ATOMIC,	/* struct db_rec_race_atomic */
	DB_REC_RACE_STATUS,	/* struct db_rec_race_status + reason text */
	DB_REC_RACE_WATCH,	/* struct db_rec_race_watch */
	DB_REC_RACE_SUMMARY,	/* struct db_rec_race_summary */
};

/* The command line and executable of this image. */
struct db_rec_process {
	struct db_rec h;
	uint64_t pid;
	uint64_t ppid;
	uint32_t argc;
	uint32_t exe_len;		/* bytes of exe path after the argv strings */
	uint32_t argv_len;		/* bytes of argv: argc NUL-terminated strings */
	uint32_t pad;
	/* char argv[argv_len]; char exe[exe_len]; (no NUL) */
};

/* A loaded ELF object.  bias is l_addr (pc - bias = address in the file's
 * own vaddr space); [lo, hi) covers its PT_LOAD segments in memory. */
struct db_rec_module {
	struct db_rec h;
	uint64_t id;			/* 1.., unique in this log */
	uint64_t bias;
	uint64_t lo, hi;
	uint32_t build_id_len;		/* 0: none */
	uint32_t path_len;
	/* uint8_t build_id[build_id_len]; char path[path_len]; (no NUL) */
};

struct db_rec_module_unload {
	struct db_rec h;
	uint64_t id;
};

/* A unique call stack, innermost first.  Frames are return addresses (look
 * up pc - 1) unless DB_STACKF_EXACT0 says frame 0 is the exact pc. */
struct db_rec_stack {
	struct db_rec h;
	uint64_t id;			/* 1.. */
	uint32_t nframes;
	uint32_t flags;			/* DB_STACKF_* */
	/* uint64_t pc[nframes]; */
};

#define DB_STACKF_EXACT0	1u	/* frame 0 is an exact pc, not a return address */
#define DB_STACKF_TRUNCATED	2u	/* deeper than the depth limit */
#define DB_STACKF_SPLICED	4u	/* frames 1.. reconstructed from a later stack */

struct db_rec_thread {
	struct db_rec h;
	uint32_t tid;			/* small, 0 = main thread of this image */
	uint32_t parent;		/* tid of the creator, or UINT32_MAX */
	uint64_t os_tid;
	uint64_t create_stack;		/* stack id of the pthread_create call, 0 = none */
};

struct db_rec_thread_exit {
	struct db_rec h;
	uint32_t tid;
	uint32_t pad;
};

enum db_lock_kind {
	DB_LOCK_MUTEX = 1,
	DB_LOCK_RWLOCK,
	DB_LOCK_SPIN,
	DB_LOCK_CUSTOM,		/* annotated through include/deadbolt.h */
};

enum db_lock_site {
	DB_SITE_INIT = 1,	/* site_pc called pthread_*_init */
	DB_SITE_FIRST_USE,	/* statically initialised: site_pc first locked it */
};

/* A lock identity (address + generation), logged the first time it takes
 * part in an edge.  site_stack names where it was created or first used. */
struct db_rec_lock {
	struct db_rec h;
	uint64_t uid;			/* 1.., never reused in this log */
	uint64_t addr;
	uint32_t kind;			/* enum db_lock_kind */
	uint32_t site;			/* enum db_lock_site */
	uint64_t site_stack;		/* stack id (often a single frame) */
	uint64_t class_id;		/* lock class, see lock_classes option */
};

#define DB_MODE_READ	1u
#define DB_MODE_WRITE	2u

/* from -> to: thread tid acquired (or waited for) `to` while holding `from`.
 * to_stack: where `to` was taken; from_stack: where `from` was taken. */
struct db_rec_edge {
	struct db_rec h;
	uint64_t id;			/* 1.. */
	uint64_t from, to;		/* lock uids, or class ids for class edges */
	uint64_t to_stack, from_stack;
	uint32_t tid;
	uint32_t from_mode;		/* DB_MODE_* */
	uint32_t to_mode;
	uint32_t flags;			/* DB_EDGEF_* */
};

#define DB_EDGEF_CLASS	1u	/* an edge of the lock-class graph */

/* A lock-order cycle, reported once: edges e[0]: L0->L1, e[1]: L1->L2, ...,
 * e[n-1]: L(n-1)->L0, rotated so that the smallest uid comes first. */
struct db_rec_cycle {
	struct db_rec h;
	uint32_t nedges;
	uint32_t flags;			/* DB_EDGEF_CLASS: a cycle of lock classes */
	/* uint64_t edge[nedges]; */
};

enum db_note_level {
	DB_NOTE_INFO = 1,
	DB_NOTE_WARN,		/* results partial: a limit was hit, a feature off */
	DB_NOTE_INTERNAL,	/* an internal check failed; that feature was disabled */
};

struct db_rec_note {
	struct db_rec h;
	uint32_t level;			/* enum db_note_level */
	uint32_t len;
	/* char text[len]; (no NUL) */
};

/* Written by exit()/_exit() when the program ends through them. */
struct db_rec_exit {
	struct db_rec h;
	int32_t status;
	uint32_t tid;			/* thread that called exit */
};

struct db_rec_options {
	struct db_rec h;
	uint32_t len;
	uint32_t pad;
	/* char text[len]; "key=value:key=value" as in effect */
};

/* ---- actual deadlocks, hangs, stalls ------------------------------------ */
/* A waitset is one finding about threads that wait: a WAITSET record, then
 * nthreads TSTATE records, each followed by its nheld THELD records, all
 * carrying the waitset id (records of other threads may come in between).
 * Locks are referred to by uid; their LOCK records come first. */
enum db_waitset_kind {
	DB_WS_DEADLOCK = 1,	/* a cycle of waiting threads: tstates in cycle order */
	DB_WS_HANG,		/* `deadbolt run --timeout`: every thread, as it was */
	DB_WS_STALL,		/* one thread waited stall_ms for a lock: the waiter, the holder */
};

/* `deadbolt run --timeout` asks each process of the tree for a hang dump
 * with this signal (runtime option hang_dump=1 installs the handler). */
#define DB_HANG_SIGNAL_BELOW_MAX	3	/* the signal is SIGRTMAX - 3 */

enum db_wait_kind {
	DB_WAIT_NONE = 0,	/* running (hang dumps) */
	DB_WAIT_LOCK,		/* wait_id: lock uid */
	DB_WAIT_JOIN,		/* wait_id: tid of the thread being joined */
};

struct db_rec_waitset {
	struct db_rec h;
	uint64_t id;			/* 1.., unique in this log */
	uint32_t kind;			/* enum db_waitset_kind */
	uint32_t nthreads;
	uint64_t waited_ms;		/* stall: how long the waiter waited */
};

struct db_rec_tstate {
	struct db_rec h;
	uint64_t waitset;
	uint32_t tid;
	uint32_t wait_kind;		/* enum db_wait_kind */
	uint64_t wait_id;		/* lock uid or tid, per wait_kind */
	uint64_t wait_addr;		/* the lock's address */
	uint32_t wait_mode;		/* DB_MODE_* */
	uint32_t nheld;			/* THELD records that follow for this thread */
	uint64_t stack;			/* where it waits (or runs, for a hang); 0: unknown */
};

struct db_rec_theld {
	struct db_rec h;
	uint64_t waitset;
	uint32_t tid;
	uint32_t mode;			/* DB_MODE_* */
	uint64_t uid;			/* lock uid */
	uint64_t addr;
	uint64_t stack;			/* where it was taken (often spliced) */
};

/* ---- pthread misuse ------------------------------------------------------- */
enum db_misuse_kind {
	DB_MISUSE_UNLOCK_NOT_OWNER = 1,	/* unlock of a lock another thread holds */
	DB_MISUSE_UNLOCK_UNLOCKED,	/* unlock of a lock nobody holds */
	DB_MISUSE_DOUBLE_LOCK,		/* relock of a non-recursive lock by its owner */
	DB_MISUSE_DESTROY_LOCKED,	/* destroy of a held lock (or one with waiters) */
	DB_MISUSE_USE_AFTER_DESTROY,	/* lock/unlock of a destroyed lock */
	DB_MISUSE_FREE_LOCKED,		/* free() of memory that holds a held lock */
	DB_MISUSE_EXIT_HOLDING,		/* a thread ended while holding locks */
	DB_MISUSE_COND_NOT_HELD,	/* cond wait with a mutex the thread does not hold */
	DB_MISUSE_COND_TWO_MUTEXES,	/* one cond used with two mutexes at once */
	DB_MISUSE_FORK_HELD,		/* fork while another thread held a lock the child takes */
	DB_MISUSE_JOIN_DETACHED,	/* join of a detached thread */
	DB_MISUSE_JOIN_JOINED,		/* join of a thread already joined */
	DB_MISUSE_DOUBLE_FREE,		/* free of a block already freed */
	DB_MISUSE_FREE_UNKNOWN,		/* free of a pointer malloc never returned */
};

/* uid/addr: the object (lock uid, or 0 for memory and threads); other_*:
 * the second party (the owner, the first free, the other mutex...). */
struct db_rec_misuse {
	struct db_rec h;
	uint32_t kind;			/* enum db_misuse_kind */
	uint32_t tid;
	uint64_t addr;
	uint64_t uid;
	uint64_t stack;			/* where it happened */
	uint64_t other_stack;		/* the other side, 0: none */
	uint32_t other_tid;		/* UINT32_MAX: none */
	uint32_t lock_kind;		/* enum db_lock_kind, 0: not a lock */
	uint64_t other_addr;		/* e.g. the first mutex of a cond */
};

struct db_rec_thread_join {
	struct db_rec h;
	uint32_t tid;			/* the thread joined */
	uint32_t joiner;
};

struct db_rec_thread_detach {
	struct db_rec h;
	uint32_t tid;
	uint32_t pad;
};

/* At exit: a thread still running that was neither joined nor detached. */
struct db_rec_thread_leak {
	struct db_rec h;
	uint32_t tid;
	uint32_t pad;
	uint64_t stack;			/* where it runs, 0: unknown */
};

/* At exit (track_fds=1): a descriptor opened and never closed. */
struct db_rec_fd_leak {
	struct db_rec h;
	int32_t fd;
	uint32_t tid;			/* the thread that opened it */
	uint64_t stack;			/* where it was opened */
	uint32_t path_len;
	uint32_t pad;
	/* char what[path_len]: "socket", "pipe", or the path, if known */
};

/* ---- leaks ----------------------------------------------------------------- */
enum db_leak_kind {
	DB_LEAK_DEFINITE = 1,	/* no pointer to it from anything reachable */
	DB_LEAK_INDIRECT,	/* pointed to only by leaked blocks */
	DB_LEAK_REACHABLE,	/* still reachable (report_reachable=1 only) */
};

/* Blocks left at exit, per allocation stack and kind. */
struct db_rec_leak {
	struct db_rec h;
	uint32_t kind;			/* enum db_leak_kind */
	uint32_t tid;			/* thread that allocated the first of them */
	uint64_t stack;			/* allocation stack */
	uint64_t bytes;
	uint64_t blocks;
};

struct db_rec_leak_summary {
	struct db_rec h;
	uint64_t definite_bytes, definite_blocks;
	uint64_t indirect_bytes, indirect_blocks;
	uint64_t reachable_bytes, reachable_blocks;
	uint64_t suppressed_bytes, suppressed_blocks;	/* deadbolt_ignore_leak */
	uint64_t scan_ms;
};

/* ---- data races (sampled accesses) ------------------------------------------ */
/* Sampled accesses to a location; a RACE record is two of them from
 * different threads, at least one a write, not ordered by happens-before and
 * not under a common lock.  pc is one byte into the accessing instruction
 * (look up pc - 1, like a return address), which is also frame 0 of stack. */
enum db_race_evidence {
	DB_RACE_UNORDERED = 1,	/* no happens-before between them (sampled apart) */
	DB_RACE_WITNESSED,	/* the second came while the first thread was paused
				 * at its access: they were simultaneous */
};

enum db_race_loc {
	DB_RACE_LOC_GLOBAL = 1,	/* a symbol of a module's writable data */
	DB_RACE_LOC_WORD,	/* a word of a module's writable segment (no symbols);
				 * not written by this runtime (module data is
				 * GLOBAL, named or not), still read */
	DB_RACE_LOC_HEAP,	/* inside a heap block (object, object_size, block_stack) */
	DB_RACE_LOC_OTHER,	/* other memory (anonymous mappings) */
	DB_RACE_LOC_CODE,	/* RACE_WATCH only: addr is a sampled instruction */
	DB_RACE_LOC_STACK,	/* a thread's stack (owner: the thread) */
};

#define DB_RACEF_WRITE	1u	/* the access wrote */
#define DB_RACEF_ATOMIC	2u	/* a locked read-modify-write or xchg */
/* its function also compare-exchanges or exchanges memory: a lock of the
 * program's own, which deadbolt does not follow, may order the pair (an
 * "unordered" race is then not reported) */
#define DB_RACEF_SYNC_NEAR	4u

#define DB_RACE_MAX_LOCKS	4	/* locks named per access (the innermost) */

struct db_race_lock {
	uint64_t uid;			/* LOCK record logged before, 0: unknown now */
	uint64_t addr;
};

struct db_race_access {
	uint32_t tid;
	uint32_t flags;			/* DB_RACEF_* */
	uint64_t pc;
	uint64_t stack;			/* stack id (frame 0 = pc), 0: none */
	uint64_t time_ns;		/* CLOCK_MONOTONIC */
	uint32_t nlocks;		/* locks held (all of them) */
	uint32_t mode_bits;		/* bit i: lock i was held for reading */
	struct db_race_lock locks[DB_RACE_MAX_LOCKS];
};

struct db_rec_race {
	struct db_rec h;
	uint64_t addr;			/* the watched location */
	uint32_t size;			/* its bytes (1, 2, 4 or 8) */
	uint32_t evidence;		/* enum db_race_evidence */
	uint32_t loc;			/* enum db_race_loc */
	uint32_t owner;			/* DB_RACE_LOC_STACK: the thread whose stack */
	uint64_t object;		/* start of the symbol or heap block, else addr */
	uint64_t object_size;
	uint64_t block_stack;		/* heap: allocation stack id */
	struct db_race_access a[2];	/* a[0] the earlier access, a[1] the later */
};

/* A locked read-modify-write or xchg touched [addr, addr + size): the
 * location is atomic, races on it are not reported (the tool drops them,
 * whichever came first). */
struct db_rec_race_atomic {
	struct db_rec h;
	uint64_t addr;
	uint32_t size;
	uint32_t tid;
	uint64_t pc;
	uint32_t flags;			/* DB_RACE_ATOMIC_* (absent in older logs: 0) */
	uint32_t pad;
};

/* a compare-exchange or exchange touched it: the word of a lock the
 * program builds of atomics, most likely; an "unordered" race inside the
 * same object is not reported (that lock, not followed, may order it) */
#define DB_RACE_ATOMIC_SYNC	1u

enum db_race_state {
	DB_RACE_STATE_ON = 1,
	DB_RACE_STATE_OFF,		/* race=0 */
	DB_RACE_STATE_UNAVAILABLE,	/* the system refused; reason says why */
};

/* Whether race detection runs in this image, and why not. */
struct db_rec_race_status {
	struct db_rec h;
	uint32_t state;			/* enum db_race_state */
	int32_t err;			/* errno of the refusal, 0: none */
	uint32_t len;
	uint32_t pad;
	/* char reason[len]; (no NUL) */
};

/* At exit: one sampled instruction (loc DB_RACE_LOC_CODE, size its length)
 * and how long it was armed. */
struct db_rec_race_watch {
	struct db_rec h;
	uint64_t addr;
	uint32_t size;
	uint32_t loc;			/* enum db_race_loc */
	uint64_t watched_us;
	uint32_t traps;
	uint32_t threads;		/* distinct threads that touched it */
};

/* At exit: the coverage of the sampler. */
struct db_rec_race_summary {
	struct db_rec h;
	uint64_t candidates;		/* instructions that access memory, found so far */
	uint64_t globals;		/* accesses caught to modules' data */
	uint64_t heap;			/* accesses caught to heap blocks */
	uint64_t watched;		/* instructions armed at least once */
	uint64_t windows;		/* sampling windows */
	uint64_t window_us;		/* length of a window */
	uint64_t watched_us;		/* sum of armed time over instructions */
	uint64_t traps;			/* accesses caught */
	uint64_t dropped;		/* caught but not used (stack, inside deadbolt) */
	uint32_t slots;			/* instructions armed per window */
	uint32_t watch_records;		/* RACE_WATCH records written (capped) */
	/* from here on: not in logs of deadbolt 0.x before the site cache
	 * (a shorter record reads as 0s) */
	uint32_t modules;		/* modules whose code is sampled */
	uint32_t modules_cached;	/* of them: sites read from the site cache */
};

#endif /* DEADBOLT_LOGFMT_H */

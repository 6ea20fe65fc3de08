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

#endif /* DEADBOLT_LOGFMT_H */

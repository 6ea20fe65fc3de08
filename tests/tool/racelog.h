/* racelog.h - writes synthetic raw logs (lib/logfmt.h) for the tests of the
 * tool's data-race reports, which must not depend on the hardware (or the
 * container) granting watchpoints.  A log describes the calling program
 * itself: its MODULE record is the real executable (path, load bias,
 * segments, build-id), so pcs and data addresses taken in the test
 * symbolize to its own functions, lines and globals.
 *
 * Any failure to write prints why and exits with status 3.
 */
#ifndef DEADBOLT_TESTS_RACELOG_H
#define DEADBOLT_TESTS_RACELOG_H

#include <stddef.h>
#include <stdint.h>

#include "logfmt.h"

struct racelog {
	int fd;
	uint64_t next_stack;	/* stack ids handed out: 1.. */
};

/* DIR/deadbolt.<pid>.log with its header, PROCESS, MODULE (this program)
 * and THREAD T0 (the main thread) records. */
void rl_open(struct racelog *rl, const char *dir, uint64_t pid);
/* rl_open, race detection on, and threads T1 and T2 (created by T0): the
 * start of most race logs. */
void rl_open_two_threads(struct racelog *rl, const char *dir, uint64_t pid);
/* One record: rec begins with a struct db_rec whose type is set; its size
 * is set here to size + tail_len, padded to 8 bytes. */
void rl_put(struct racelog *rl, void *rec, size_t size, const void *tail, size_t tail_len);
/* Raw bytes (a record cut short, say). */
void rl_raw(struct racelog *rl, const void *p, size_t n);
/* A STACK record of n pcs, innermost first: its id. */
uint64_t rl_stack(struct racelog *rl, const uint64_t *pcs, uint32_t n);
void rl_thread(struct racelog *rl, uint32_t tid, uint32_t parent, uint64_t create_stack);
void rl_lock(struct racelog *rl, uint64_t uid, uint64_t addr, uint64_t site_stack);
void rl_status(struct racelog *rl, uint32_t state, int err, const char *reason);
void rl_atomic(struct racelog *rl, uint64_t addr, uint32_t size);
void rl_exit(struct racelog *rl, int status);
void rl_close(struct racelog *rl);

/* An access with no locks held; stack 0 means a one-frame stack of pc is
 * logged for it. */
struct db_race_access rl_access(struct racelog *rl, uint32_t tid, uint32_t flags,
				uint64_t pc, uint64_t caller);
/* A RACE record (heap: object, object_size, block_stack as given). */
void rl_race(struct racelog *rl, uint32_t evidence, uint32_t loc, uint64_t addr,
	     uint32_t size, uint64_t object, uint64_t object_size, uint64_t block_stack,
	     const struct db_race_access *earlier, const struct db_race_access *later);

/* The address its call returns to: a pc inside the caller, on the line of
 * the call (what a stack frame of the caller would hold). */
uint64_t rl_here(void);

#endif /* DEADBOLT_TESTS_RACELOG_H */

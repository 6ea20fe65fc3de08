/* db_uthash.h - the only way lib/ includes uthash: its memory comes from
 * mem.c (never the program's malloc) and running out of it disables the
 * analysis instead of calling exit(). */
#ifndef DEADBOLT_DB_UTHASH_H
#define DEADBOLT_DB_UTHASH_H

#include "internal.h"

#define uthash_malloc(sz)	db_mem_alloc(sz)
#define uthash_free(p, sz)	db_mem_free((p), (sz))
#define uthash_fatal(msg)	db_check_failed("uthash: " msg, __FILE__, __LINE__)
#define HASH_NONFATAL_OOM	1

#include <uthash.h>

#endif /* DEADBOLT_DB_UTHASH_H */

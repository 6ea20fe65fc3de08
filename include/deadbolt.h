/* deadbolt.h - the public API of deadbolt: annotations for locks deadbolt
 * cannot see on its own (locks built on futexes or atomics, lock wrappers of
 * other libraries), and blocks a program leaks on purpose.
 *
 * Every entry point is a weak reference: a program built with these
 * annotations runs unchanged without deadbolt (the macros do nothing), and
 * under `deadbolt run` or LD_PRELOAD=libdeadbolt.so they reach the runtime.
 * Compiles alone as C and C++, needs only <stddef.h>.
 *
 *   DEADBOLT_LOCK_CREATED(&l);                      after initialising l
 *   DEADBOLT_LOCK_ACQUIRE(&l, 0);                   before taking it (may wait)
 *   DEADBOLT_LOCK_ACQUIRED(&l, 0);                  once it is held
 *   DEADBOLT_LOCK_ACQUIRED(&l, DEADBOLT_LOCK_TRY);  held by a try-lock
 *   DEADBOLT_LOCK_RELEASED(&l);                     before releasing it
 *   DEADBOLT_LOCK_DESTROYED(&l);                    before destroying it
 * flags: DEADBOLT_LOCK_READ for a shared (reader) hold.
 *
 *   DEADBOLT_BENIGN_RACE(p, n);                     races on [p, p + n) are intended:
 *                                                   never reported
 *   DEADBOLT_HAPPENS_BEFORE(x);                     everything before this ...
 *   DEADBOLT_HAPPENS_AFTER(x);                      ... happens before this (same x,
 *                                                   another thread): a hand-off
 *                                                   deadbolt cannot see (atomics)
 *
 *   DEADBOLT_IGNORE_LEAK(p);                        p (as malloc returned it)
 *                                                   is never reported as leaked,
 *                                                   nor what only it points to
 */
#ifndef DEADBOLT_H
#define DEADBOLT_H

#include <stddef.h>

#define DEADBOLT_API_VERSION	1

#define DEADBOLT_LOCK_READ	1	/* shared (reader) acquisition */
#define DEADBOLT_LOCK_TRY	2	/* taken by a try-lock: cannot deadlock */

#ifdef __cplusplus
extern "C" {
#endif

/* Implemented by libdeadbolt.so; null here when it is not loaded. */
extern void deadbolt_lock_created(const void *lock) __attribute__((weak));
extern void deadbolt_lock_acquire(const void *lock, int flags) __attribute__((weak));
extern void deadbolt_lock_acquired(const void *lock, int flags) __attribute__((weak));
extern void deadbolt_lock_released(const void *lock) __attribute__((weak));
extern void deadbolt_lock_destroyed(const void *lock) __attribute__((weak));
extern void deadbolt_ignore_leak(const void *block) __attribute__((weak));
extern void deadbolt_benign_race(const void *addr, size_t size) __attribute__((weak));
extern void deadbolt_happens_before(const void *sync) __attribute__((weak));
extern void deadbolt_happens_after(const void *sync) __attribute__((weak));
/* The API version of the loaded runtime (0 when not loaded). */
extern int deadbolt_api_version(void) __attribute__((weak));

#ifdef __cplusplus
}
#endif

#define DEADBOLT_CALL_(f, args)	do { if (f) f args; } while (0)
#define DEADBOLT_LOCK_CREATED(l)	DEADBOLT_CALL_(deadbolt_lock_created, (l))
#define DEADBOLT_LOCK_ACQUIRE(l, fl)	DEADBOLT_CALL_(deadbolt_lock_acquire, ((l), (fl)))
#define DEADBOLT_LOCK_ACQUIRED(l, fl)	DEADBOLT_CALL_(deadbolt_lock_acquired, ((l), (fl)))
#define DEADBOLT_LOCK_RELEASED(l)	DEADBOLT_CALL_(deadbolt_lock_released, (l))
#define DEADBOLT_LOCK_DESTROYED(l)	DEADBOLT_CALL_(deadbolt_lock_destroyed, (l))
#define DEADBOLT_IGNORE_LEAK(p)		DEADBOLT_CALL_(deadbolt_ignore_leak, (p))
#define DEADBOLT_BENIGN_RACE(p, n)	DEADBOLT_CALL_(deadbolt_benign_race, ((p), (n)))
#define DEADBOLT_HAPPENS_BEFORE(x)	DEADBOLT_CALL_(deadbolt_happens_before, (x))
#define DEADBOLT_HAPPENS_AFTER(x)	DEADBOLT_CALL_(deadbolt_happens_after, (x))
#define DEADBOLT_LOADED()		(deadbolt_api_version ? deadbolt_api_version() : 0)

#endif /* DEADBOLT_H */

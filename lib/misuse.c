/* misuse.c - pthread misuse: reported once per kind and call stack.
 *
 * The checks themselves sit where the facts are (the shims, lockgraph.h,
 * thread.c, waitfor.c); this file writes the finding and answers "who holds
 * this lock" from the other threads' held stacks.  Those stacks are read
 * without their owners' cooperation (relaxed loads under the thread list
 * lock); a misuse is reported only for what the calling thread itself did,
 * so a stale read can at worst name the wrong other party, and a destroy or
 * free of a lock another thread's stack shows held is reported only when
 * the lock's own word says it is held (lock_word_free).
 */
#include <string.h>

#include "lockgraph.h"


struct db_thread *db_holder_of(struct db_thread *t, uintptr_t addr, uint32_t *mode,
			       const struct db_held **held)
{
	for (struct db_thread *u = db_threads_first(); u; u = u->next) {
		const struct db_held *h = u != t ? db_lock_held_by(u, addr) : NULL;
		if (!h)
			continue;
		if (mode)
			*mode = h->mode;
		if (held)
			*held = h;
		return u;
	}
	return NULL;
}

void db_misuse(struct db_thread *t, unsigned kind, uintptr_t addr, unsigned lock_kind,
	       uint32_t other_tid, uint64_t other_stack, uintptr_t other_addr)
{
	struct db_frames f;

	if (!db_opt.misuse)
		return;
	db_stack_capture(&f, (int)db_opt.stack_depth);
	uint64_t stack = db_stack_put(f.pc, f.n, f.truncated ? DB_STACKF_TRUNCATED : 0);
	uint64_t key = db_hash64(((uint64_t)kind << 48) ^ stack ^ (stack ? 0 : addr));
	if (!db_once(key))
		return;

	struct db_rec_misuse r = {
		.h = { DB_REC_MISUSE, sizeof(r) },
		.kind = kind, .tid = t->tid, .addr = addr,
		.uid = lock_kind ? db_lock_log_addr(addr) : 0,
		.stack = stack, .other_stack = other_stack,
		.other_tid = other_tid, .lock_kind = lock_kind, .other_addr = other_addr,
	};
	db_stack_log(stack);
	db_stack_log(other_stack);
	db_log_write(&r);
	if (db_opt.verbosity >= 2)
		db_warn("pthread misuse (kind %u) at %p in thread T%u", kind, (void *)addr, t->tid);
}

void db_unlock_unheld(struct db_thread *t, uintptr_t addr)
{
	struct db_lock *lk = db_lock_find(addr);
	struct db_thread *u;
	uint32_t other;

	db_threads_lock();
	u = db_holder_of(t, addr, NULL, NULL);
	other = u ? u->tid : UINT32_MAX;
	db_threads_unlock();
	db_misuse(t, u ? DB_MISUSE_UNLOCK_NOT_OWNER : DB_MISUSE_UNLOCK_UNLOCKED, addr,
		  lk ? lk->kind : DB_LOCK_MUTEX, other, 0, 0);
}

/* Does the lock's own word say that nobody holds it?  Another thread's
 * held stack lags its real unlock (lockgraph.h: the entry leaves after
 * it), so a thread that took the lock after that one, released it and now
 * destroys or frees it may still find the entry there; the word is what
 * counts.  glibc's layouts: a mutex's __lock is 0 when free (its owner's
 * tid or a flag when held); an rwlock's __readers counts readers from bit
 * 3 and has bit 1 while a writer holds it; a spinlock is an int, on x86 1
 * when free (taking it decrements it), elsewhere 0. */
static bool lock_word_free(uintptr_t addr, unsigned lock_kind)
{
	switch (lock_kind) {
	case DB_LOCK_MUTEX:
		return __atomic_load_n(&((pthread_mutex_t *)addr)->__data.__lock,
				       __ATOMIC_ACQUIRE) == 0;
	case DB_LOCK_RWLOCK: {
		unsigned r = __atomic_load_n(&((pthread_rwlock_t *)addr)->__data.__readers,
					     __ATOMIC_ACQUIRE);
		return (r >> 3) == 0 && !(r & 2);
	}
	case DB_LOCK_SPIN:
#if defined(__x86_64__) || defined(__i386__)
		return __atomic_load_n((const int *)addr, __ATOMIC_ACQUIRE) > 0;
#else
		return __atomic_load_n((const int *)addr, __ATOMIC_ACQUIRE) == 0;
#endif
	default:
		return false;	/* an annotated lock: its word is unknown */
	}
}

void db_check_lock_gone(struct db_thread *t, uintptr_t addr, unsigned lock_kind,
			unsigned misuse_kind, bool mapped)
{
	const struct db_held *mine = db_lock_held(t, addr);
	struct db_thread *u = NULL;
	uint32_t other = UINT32_MAX;

	if (!mine && !(mapped && lock_word_free(addr, lock_kind))) {
		db_threads_lock();
		u = db_holder_of(t, addr, NULL, NULL);
		for (struct db_thread *v = db_threads_first(); v && !u; v = v->next)
			if (v != t && atomic_load(&v->wait_addr) == addr &&
			    atomic_load(&v->wait_kind) == DB_WAIT_LOCK)
				u = v;		/* a waiter */
		if (u)
			other = u->tid;
		db_threads_unlock();
	}
	if (mine || u)
		db_misuse(t, misuse_kind, addr, lock_kind, other, 0, 0);
}

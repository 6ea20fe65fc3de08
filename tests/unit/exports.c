/* libdeadbolt.so exports exactly the interposed libc names and the public
 * deadbolt_* API (lib/ builds with -fvisibility=hidden): anything else would
 * leak into the program's symbol namespace.  Prints the allow-list, which the
 * RUN line compares with `nm -D`.
 * EXPECT-EXIT: 0
 * RUN: nm -D --defined-only %lib | awk '{print $3}' | sort > %t/got
 * RUN: %prog | sort > %t/want && diff -u %t/want %t/got
 */
#include <stdio.h>

static const char *const allowed[] = {
	"_Exit", "__libc_start_main", "_exit", "exit",
	"deadbolt_api_version", "deadbolt_lock_acquire", "deadbolt_lock_acquired",
	"deadbolt_lock_created", "deadbolt_lock_destroyed", "deadbolt_lock_released",
	"deadbolt_ignore_leak", "deadbolt_benign_race", "deadbolt_happens_before",
	"deadbolt_happens_after",
	"sem_clockwait", "sem_post", "sem_timedwait", "sem_trywait", "sem_wait",
	"pthread_barrier_wait", "sigaction", "signal", "mprotect", "sigprocmask", "pthread_sigmask",
	"accept", "accept4", "close", "creat", "dup", "dup2", "dup3", "epoll_create1",
	"eventfd", "fclose", "fopen", "fopen64", "memfd_create", "open", "open64", "openat",
	"openat64", "pipe", "pipe2", "socket", "socketpair",
	"aligned_alloc", "calloc", "dlclose", "dlopen", "free", "malloc", "memalign",
	"posix_memalign", "pvalloc", "realloc", "reallocarray", "valloc",
	"pthread_cond_broadcast", "pthread_cond_clockwait", "pthread_cond_signal",
	"pthread_cond_timedwait", "pthread_cond_wait",
	"pthread_create", "pthread_detach", "pthread_join", "pthread_tryjoin_np",
	"pthread_timedjoin_np", "pthread_clockjoin_np", "pthread_once",
	"thrd_create", "thrd_join", "thrd_detach", "call_once",
	"mtx_init", "mtx_destroy", "mtx_lock", "mtx_timedlock", "mtx_trylock", "mtx_unlock",
	"cnd_signal", "cnd_broadcast", "cnd_wait", "cnd_timedwait",
	"__cxa_guard_acquire", "__cxa_guard_release", "__cxa_guard_abort",
	"pthread_mutex_clocklock", "pthread_mutex_destroy", "pthread_mutex_init",
	"pthread_mutex_lock", "pthread_mutex_timedlock", "pthread_mutex_trylock",
	"pthread_mutex_unlock",
	"pthread_rwlock_clockrdlock", "pthread_rwlock_clockwrlock", "pthread_rwlock_destroy",
	"pthread_rwlock_init", "pthread_rwlock_rdlock", "pthread_rwlock_timedrdlock",
	"pthread_rwlock_timedwrlock", "pthread_rwlock_tryrdlock", "pthread_rwlock_trywrlock",
	"pthread_rwlock_unlock", "pthread_rwlock_wrlock",
	"pthread_spin_destroy", "pthread_spin_init", "pthread_spin_lock",
	"pthread_spin_trylock", "pthread_spin_unlock",
	/* OpenMP, GCC's and LLVM's runtimes (lib/omp.c) */
	"GOMP_atomic_end", "GOMP_atomic_start", "GOMP_barrier", "GOMP_barrier_cancel",
	"GOMP_critical_end", "GOMP_critical_name_end", "GOMP_critical_name_start",
	"GOMP_critical_start", "GOMP_loop_end", "GOMP_loop_end_cancel", "GOMP_ordered_end",
	"GOMP_ordered_start", "GOMP_parallel", "GOMP_parallel_loop_dynamic",
	"GOMP_parallel_loop_guided", "GOMP_parallel_loop_maybe_nonmonotonic_runtime",
	"GOMP_parallel_loop_nonmonotonic_dynamic", "GOMP_parallel_loop_nonmonotonic_guided",
	"GOMP_parallel_loop_nonmonotonic_runtime", "GOMP_parallel_loop_runtime",
	"GOMP_parallel_loop_static", "GOMP_parallel_reductions", "GOMP_parallel_sections",
	"GOMP_sections_end", "GOMP_sections_end_cancel", "GOMP_single_copy_end",
	"GOMP_single_copy_start", "GOMP_task", "GOMP_taskgroup_end", "GOMP_taskwait",
	"GOMP_taskwait_depend",
	"__kmpc_barrier", "__kmpc_barrier_master", "__kmpc_barrier_master_nowait",
	"__kmpc_copyprivate", "__kmpc_critical", "__kmpc_critical_with_hint",
	"__kmpc_end_barrier_master", "__kmpc_end_critical", "__kmpc_end_ordered", "__kmpc_end_reduce",
	"__kmpc_end_reduce_nowait", "__kmpc_fork_call", "__kmpc_ordered", "__kmpc_reduce",
	"__kmpc_end_taskgroup", "__kmpc_omp_task", "__kmpc_omp_task_alloc",
	"__kmpc_omp_target_task_alloc",
	"__kmpc_omp_task_with_deps", "__kmpc_omp_taskwait", "__kmpc_omp_wait_deps",
	"__kmpc_reduce_nowait", "__kmpc_taskloop", "__kmpc_taskloop_5",
	"omp_destroy_lock", "omp_destroy_nest_lock", "omp_init_lock", "omp_init_nest_lock",
	"omp_set_lock", "omp_set_nest_lock", "omp_test_lock", "omp_test_nest_lock",
	"omp_unset_lock", "omp_unset_nest_lock",
};

int main(void)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		puts(allowed[i]);
	return 0;
}

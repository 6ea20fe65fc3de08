/* deadbolt takes and releases default mutexes and spinlocks itself, the
 * way libc does: what libc, debuggers and the program read in a lock must
 * be as libc would leave it, and libc's own entry points (not interposed)
 * must work on the same lock at the same time.  The program checks and
 * exits 1 on any difference:
 *   - while held, the owner is the holder's kernel tid and the user count
 *     1; once released, both 0;
 *   - threads taking one mutex by the interposed calls and one thread by
 *     libc's own __pthread_mutex_lock/unlock, the holder sometimes
 *     sleeping so that the others wait in the kernel and must be woken:
 *     no update is lost, nobody hangs;
 *   - a cond wait gives the mutex back held, as libc keeps it;
 *   - a timed lock of a held mutex times out, a trylock answers EBUSY;
 *   - a recursive mutex (left to libc) counts its re-entries;
 *   - in a forked child the owner is the child's tid;
 *   - a spinlock taken by the interposed calls by some threads and by
 *     libc's own by another excludes them all, and is left as libc's own
 *     init leaves it.
 * EXPECT: clean
 * EXPECT-JSON: len(j['processes']) == 2 and all(p['exit'] == 0 for p in j['processes'])
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* libc's own entry points, found at start: deadbolt does not see these
 * calls */
static int (*libc_lock)(pthread_mutex_t *m);
static int (*libc_unlock)(pthread_mutex_t *m);
static int (*libc_spin_lock)(pthread_spinlock_t *s);
static int (*libc_spin_unlock)(pthread_spinlock_t *s);

#define SHIM_THREADS	3
#define ROUNDS		60000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;		/* under m */
static pthread_spinlock_t spin;
static long spin_counter;	/* under spin */
static int ready;		/* under m */
static atomic_int failures;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		atomic_fetch_add(&failures, 1);
	}
}

static int held_by_me(const pthread_mutex_t *x)
{
	return x->__data.__lock != 0 && x->__data.__owner == gettid() &&
	       x->__data.__nusers == 1;
}

static int released(const pthread_mutex_t *x)
{
	return x->__data.__lock == 0 && x->__data.__owner == 0 && x->__data.__nusers == 0;
}

static void nap(long us)
{
	struct timespec ts = { 0, us * 1000 };

	nanosleep(&ts, NULL);
}

static void *shim_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&m);
		counter++;
		if ((i & 4095) == 0) {
			check(held_by_me(&m), "owner and users while held");
			nap(200);	/* the others wait in the kernel */
		}
		pthread_mutex_unlock(&m);
	}
	return NULL;
}

static void *libc_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		libc_lock(&m);
		if ((i & 4095) == 0)
			nap(200);
		libc_unlock(&m);
	}
	return NULL;
}

static void *spin_shim_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_spin_lock(&spin);
		spin_counter++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

static void *spin_libc_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		libc_spin_lock(&spin);
		if ((i & 4095) == 0)
			nap(100);
		libc_spin_unlock(&spin);
	}
	return NULL;
}

/* SHIM_THREADS threads running shim, one running libc, all joined. */
static void contend(void *(*shim)(void *), void *(*libc)(void *))
{
	pthread_t t[SHIM_THREADS + 1];

	for (int i = 0; i < SHIM_THREADS; i++)
		pthread_create(&t[i], NULL, shim, NULL);
	pthread_create(&t[SHIM_THREADS], NULL, libc, NULL);
	for (int i = 0; i <= SHIM_THREADS; i++)
		pthread_join(t[i], NULL);
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	while (!ready)
		pthread_cond_wait(&cv, &m);
	check(held_by_me(&m), "held again after a cond wait");
	pthread_mutex_unlock(&m);
	return NULL;
}

static void *timed_and_try(void *arg)
{
	struct timespec dl;

	(void)arg;
	check(pthread_mutex_trylock(&m) == EBUSY, "trylock of a held mutex");
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += 30 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	check(pthread_mutex_timedlock(&m, &dl) == ETIMEDOUT, "timed lock of a held mutex");
	return NULL;
}

int main(void)
{
	pthread_t t;

	*(void **)&libc_lock = dlvsym(RTLD_DEFAULT, "__pthread_mutex_lock", "GLIBC_2.2.5");
	*(void **)&libc_unlock = dlvsym(RTLD_DEFAULT, "__pthread_mutex_unlock", "GLIBC_2.2.5");
	*(void **)&libc_spin_lock = dlvsym(RTLD_DEFAULT, "pthread_spin_lock", "GLIBC_2.2.5");
	*(void **)&libc_spin_unlock = dlvsym(RTLD_DEFAULT, "pthread_spin_unlock", "GLIBC_2.2.5");
	/* under deadbolt, the default lookup finds its shims instead */
	if (!libc_lock || !libc_unlock || !libc_spin_lock || !libc_spin_unlock ||
	    (void *)libc_lock == dlsym(RTLD_DEFAULT, "pthread_mutex_lock") ||
	    (void *)libc_spin_lock == dlsym(RTLD_DEFAULT, "pthread_spin_lock")) {
		fprintf(stderr, "FAIL: libc's own mutex entry points not found\n");
		return 1;
	}

	pthread_mutex_lock(&m);
	check(held_by_me(&m), "owner and users while held (main)");
	pthread_mutex_unlock(&m);
	check(released(&m), "owner and users once released");

	contend(shim_worker, libc_worker);
	check(counter == (long)SHIM_THREADS * ROUNDS, "no update lost");
	check(released(&m), "released after the contended phase");

	pthread_create(&t, NULL, cond_waiter, NULL);
	nap(20000);
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);

	pthread_mutex_lock(&m);
	pthread_create(&t, NULL, timed_and_try, NULL);
	pthread_join(t, NULL);
	pthread_mutex_unlock(&m);
	check(released(&m), "released after the timed lock");

	pthread_mutexattr_t a;
	pthread_mutex_t r;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&r, &a);
	pthread_mutex_lock(&r);
	pthread_mutex_lock(&r);
	check(r.__data.__count == 2 && r.__data.__owner == gettid(), "recursive re-entry");
	pthread_mutex_unlock(&r);
	pthread_mutex_unlock(&r);
	check(r.__data.__count == 0 && r.__data.__owner == 0, "recursive release");
	pthread_mutex_destroy(&r);
	pthread_mutexattr_destroy(&a);

	pthread_spinlock_t fresh;
	pthread_spin_init(&fresh, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	contend(spin_shim_worker, spin_libc_worker);
	check(spin_counter == (long)SHIM_THREADS * ROUNDS, "no update lost under a spinlock");
	check(spin == fresh, "a released spinlock as libc's init leaves it");
	check(pthread_spin_trylock(&spin) == 0 && spin != fresh, "a spinlock taken");
	check(pthread_spin_trylock(&spin) == EBUSY, "trylock of a held spinlock");
	pthread_spin_unlock(&spin);
	check(spin == fresh, "a spinlock released");

	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(&m);
		int ok = held_by_me(&m);
		pthread_mutex_unlock(&m);
		_exit(ok && released(&m) ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "owner in a forked child");
	return atomic_load(&failures) ? 1 : 0;
}

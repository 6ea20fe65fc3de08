/* run.c - `deadbolt run`: runs a command with the runtime preloaded, then
 * reports from the logs it and its descendants wrote.
 *
 * Order matters: every flag, the runtime path and the log directory are
 * checked before anything runs (a typo must not cost a long test run), and
 * the outputs are opened then too.  While the child runs, SIGINT and
 * SIGQUIT are ignored here (the terminal sends them to the child, as with
 * system()) and SIGTERM/SIGHUP are passed on to it.  The child's exit
 * status or signal, which only waitpid knows for sure, is filled into its
 * log's process entry.  With --timeout, a tree still running at the
 * deadline is asked for hang dumps (the runtime's hang_dump handler, on
 * SIGRTMAX - DB_HANG_SIGNAL_BELOW_MAX), given time to write them, and
 * killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

#define DEFAULT_ERROR_EXITCODE	66
#define TIMEOUT_EXITCODE	124	/* as timeout(1): killed at --timeout, nothing found */
#define RT_STR_MAX		255	/* the runtime keeps string options in 256 bytes */

extern char **environ;

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t pending_sig;

/* SIGTERM/SIGHUP: pass it on; before the child exists, keep it for later. */
static void forward(int sig)
{
	int e = errno;

	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
	else
		pending_sig = sig;
	errno = e;
}

struct run {
	struct out_flags of;
	long error_exitcode;
	const char *log_dir_arg;	/* --log-dir as given */
	bool keep_logs;
	long timeout;			/* seconds; 0: none */
	bool timed_out;
	char *rtopts;			/* ":key=value" for each runtime flag */
	char **cmd;
	char lib[PATH_MAX];
	char dir[PATH_MAX];		/* absolute log directory */
	bool dir_is_temp;
	char **old_logs;		/* *.log already in --log-dir: not ours */
	size_t nold;
};

static bool bool_word(const char *v, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = 1, true;
		if (!strcasecmp(v, no[i]))
			return *out = 0, true;
	}
	return false;
}

static int append_rtopt(struct run *r, const char *key, const char *val)
{
	char *s = xasprintf("%s:%s=%s", r->rtopts ? r->rtopts : "", key, val);

	if (!s)
		return -ENOMEM;
	free(r->rtopts);
	r->rtopts = s;
	return 0;
}

/* A runtime option flag at argv[*i]: 1 consumed, 0 not one, < 0 error. */
static int rt_flag(struct run *r, int argc, char **argv, int *i)
{
	for (size_t k = 0; k < rt_nopts; k++) {
		const struct rt_opt *o = &rt_opts[k];
		char name[64], num[32];
		const char *v;
		size_t j;
		int m, b, err;
		long x;

		for (j = 0; o->key[j] && j + 1 < sizeof(name); j++)
			name[j] = o->key[j] == '_' ? '-' : o->key[j];
		name[j] = '\0';
		m = opt_match(argc, argv, i, name, NULL, o->type != RT_BOOL, &v);
		if (m <= 0) {
			if (m < 0)
				return m;
			continue;
		}
		switch (o->type) {
		case RT_BOOL:
			/* --flag alone is 1; --flag WORD takes WORD if it is a boolean
			 * and not the command (`run --misuse true` runs true) */
			if (!v && *i + 2 < argc && bool_word(argv[*i + 1], &b))
				v = argv[++*i];
			if (!v)
				v = "1";
			if (!bool_word(v, &b)) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for --%s (0 or 1, "
					"true or false, yes or no)\n", v, name);
				return -EINVAL;
			}
			err = append_rtopt(r, o->key, b ? "1" : "0");
			return err ? err : 1;
		case RT_INT:
			if (parse_int(v, o->lo, o->hi, &x)) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for --%s "
					"(%ld..%ld)\n", v, name, o->lo, o->hi);
				return -EINVAL;
			}
			snprintf(num, sizeof(num), "%ld", x);
			err = append_rtopt(r, o->key, num);
			return err ? err : 1;
		case RT_ENUM:
			if (rt_enum_index(o, v) < 0) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for --%s (%s)\n",
					v, name, o->sdef);
				return -EINVAL;
			}
			err = append_rtopt(r, o->key, v);
			return err ? err : 1;
		default:
			if (strchr(v, ':') || strlen(v) > RT_STR_MAX) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for --%s (at most "
					"%d bytes, no ':')\n", v, name, RT_STR_MAX);
				return -EINVAL;
			}
			err = append_rtopt(r, o->key, v);
			return err ? err : 1;
		}
	}
	return 0;
}

static int parse_args(struct run *r, int argc, char **argv)
{
	const char *v;
	int i, m;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break;		/* CMD */
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage_run(stdout);
			return 1;
		}
		if ((m = out_flag(&r->of, argc, argv, &i, false))) {
			if (m < 0)
				return m;
			continue;
		}
		if ((m = opt_match(argc, argv, &i, "error-exitcode", NULL, true, &v))) {
			if (m < 0)
				return m;
			if (parse_int(v, 0, 255, &r->error_exitcode)) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for "
					"--error-exitcode (0..255)\n", v);
				return -EINVAL;
			}
			/* the runtime exits with it too (on_deadlock=exit) */
			if (rt_opt_find("error_exitcode") &&
			    (m = append_rtopt(r, "error_exitcode", v)) < 0)
				return m;
			continue;
		}
		if ((m = opt_match(argc, argv, &i, "timeout", NULL, true, &v))) {
			if (m < 0)
				return m;
			if (parse_int(v, 1, 86400 * 365, &r->timeout)) {
				fprintf(stderr, "deadbolt: error: bad value '%s' for --timeout "
					"(seconds, at least 1)\n", v);
				return -EINVAL;
			}
			/* the runtime's hang dumps answer the signal sent at the timeout */
			if (rt_opt_find("hang_dump") && (m = append_rtopt(r, "hang_dump", "1")) < 0)
				return m;
			continue;
		}
		if ((m = opt_match(argc, argv, &i, "log-dir", NULL, true, &v))) {
			if (m < 0)
				return m;
			r->log_dir_arg = v;
			continue;
		}
		if ((m = opt_match(argc, argv, &i, "keep-logs", NULL, false, &v))) {
			if (v) {
				fprintf(stderr, "deadbolt: error: --keep-logs takes no value\n");
				return -EINVAL;
			}
			r->keep_logs = true;
			continue;
		}
		if ((m = rt_flag(r, argc, argv, &i))) {
			if (m < 0)
				return m;
			continue;
		}
		char flag[128];
		snprintf(flag, sizeof(flag), "%.*s", (int)strcspn(a, "="), a);
		fprintf(stderr, "deadbolt: error: unknown option %s\n", flag);
		return -EINVAL;
	}
	if (i >= argc) {
		fprintf(stderr, "deadbolt: error: no command given; usage: deadbolt run "
			"[options] [--] CMD [ARGS...]\n");
		return -EINVAL;
	}
	r->cmd = argv + i;
	return 0;
}

/* LD_PRELOAD splits at colons and blanks: a path with one cannot be named. */
static int preloadable(const char *lib)
{
	if (!strpbrk(lib, ": \t\n"))
		return 0;
	fprintf(stderr, "deadbolt: error: the runtime's path %s has a ':' or a blank, "
		"which LD_PRELOAD cannot carry; copy it elsewhere and set DEADBOLT_LIB\n",
		lib);
	return -EINVAL;
}

/* The runtime: $DEADBOLT_LIB, else ../lib or ../lib/deadbolt next to us. */
static int find_runtime(struct run *r)
{
	const char *env = getenv("DEADBOLT_LIB");
	char exe[PATH_MAX], try[2][PATH_MAX + 64];
	ssize_t n;

	if (env && env[0]) {
		if (!realpath(env, r->lib) || access(r->lib, R_OK) < 0) {
			int err = errno;
			fprintf(stderr, "deadbolt: error: DEADBOLT_LIB=%s: %s\n", env,
				strerror(err));
			return -err;
		}
		return preloadable(r->lib);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		n = 0;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(try[0], sizeof(try[0]), "%s/../lib/libdeadbolt.so", exe);
	snprintf(try[1], sizeof(try[1]), "%s/../lib/deadbolt/libdeadbolt.so", exe);
	for (int i = 0; i < 2; i++)
		if (realpath(try[i], r->lib) && access(r->lib, R_OK) == 0)
			return preloadable(r->lib);
	fprintf(stderr, "deadbolt: error: the runtime libdeadbolt.so was not found "
		"(tried %s and %s); set DEADBOLT_LIB\n", try[0], try[1]);
	return -ENOENT;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = c;
	}
	return 0;
}

static int list_logs(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 4 || strcmp(de->d_name + len - 4, ".log"))
			continue;
		char **v = realloc(*names, (*n + 1) * sizeof(*v));
		if (!v)
			break;
		*names = v;
		if (!(v[*n] = xstrdup(de->d_name)))
			break;
		(*n)++;
	}
	closedir(d);
	return tool_oom ? -ENOMEM : 0;
}

/* The log directory, absolute (the program may chdir), proven writable. */
static int make_log_dir(struct run *r)
{
	char probe[PATH_MAX + 32];
	int fd, err;

	if (r->log_dir_arg) {
		err = r->log_dir_arg[0] ? mkdir_p(r->log_dir_arg) : -ENOENT;
		if (!err && !realpath(r->log_dir_arg, r->dir))
			err = -errno;
		if (err) {
			fprintf(stderr, "deadbolt: error: cannot create the log directory "
				"%s: %s\n", r->log_dir_arg, strerror(-err));
			return err;
		}
	} else {
		const char *tmp = getenv("TMPDIR");
		char tmpl[PATH_MAX];
		if (!tmp || !tmp[0])
			tmp = "/tmp";
		snprintf(tmpl, sizeof(tmpl), "%s/deadbolt.XXXXXX", tmp);
		if (!mkdtemp(tmpl) || !realpath(tmpl, r->dir)) {
			err = errno;
			fprintf(stderr, "deadbolt: error: cannot create a log directory in "
				"%s: %s\n", tmp, strerror(err));
			return -err;
		}
		r->dir_is_temp = true;
	}
	if (strchr(r->dir, ':')) {
		/* ':' separates DEADBOLT_OPTIONS entries */
		fprintf(stderr, "deadbolt: error: the log directory %s has a ':' in its "
			"path; choose another with --log-dir\n", r->dir);
		return -EINVAL;
	}
	snprintf(probe, sizeof(probe), "%s/.deadbolt-probe.XXXXXX", r->dir);
	fd = mkstemp(probe);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "deadbolt: error: cannot write logs to %s: %s\n", r->dir,
			strerror(err));
		return -err;
	}
	close(fd);
	unlink(probe);
	if (!r->dir_is_temp && (err = list_logs(r->dir, &r->old_logs, &r->nold)) < 0) {
		fprintf(stderr, "deadbolt: error: cannot read the log directory %s: %s\n",
			r->dir, strerror(-err));
		return err;
	}
	return 0;
}

static void remove_log_dir(struct run *r)
{
	DIR *d;
	struct dirent *de;

	if (!r->dir_is_temp || r->keep_logs || !r->dir[0])
		return;
	d = opendir(r->dir);
	if (d) {
		while ((de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			unlinkat(dirfd(d), de->d_name, 0);
		}
		closedir(d);
	}
	if (rmdir(r->dir) < 0)
		fprintf(stderr, "deadbolt: warning: cannot remove the log directory %s: "
			"%s\n", r->dir, strerror(errno));
}

/* LD_PRELOAD: ours first, then whatever was there (without ours again). */
static char *preload_value(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *s = xstrdup(lib);

	if (!old || !s)
		return s;
	char *copy = xstrdup(old), *save = NULL;
	if (!copy) {
		free(s);
		return NULL;
	}
	for (char *tok = strtok_r(copy, ": \t", &save); tok; tok = strtok_r(NULL, ": \t", &save)) {
		if (!strcmp(tok, lib))
			continue;
		char *n = xasprintf("%s:%s", s, tok);
		free(s);
		s = n;
		if (!s)
			break;
	}
	free(copy);
	return s;
}

/* What `deadbolt run` does not trace unless --skip says otherwise: the
 * compilers, assemblers, linkers and shells a build or a test suite runs.
 * Their leaks (compilers free little before they exit, by design) are not
 * what a run of `make check` is for. */
static const char *const default_skip[] = {
	"cc", "c++", "gcc*", "g++*", "*-gcc*", "*-g++*", "cpp", "cpp-[0-9]*", "*-cpp*",
	"cc1*", "collect2", "lto1", "lto-wrapper", "as", "*-as", "ld", "ld.*", "*-ld",
	"*-ld.*", "clang", "clang-[0-9]*", "clang++*", "ar", "*-ar", "ranlib", "*-ranlib",
	"sh", "dash", "bash",
};

/* The default skip list, comma-separated */
static char *skip_default(void)
{
	char *list = xstrdup("");

	for (size_t i = 0; list && i < ARRAY_SIZE(default_skip); i++) {
		char *l = xasprintf("%s%s%s", list, list[0] ? "," : "", default_skip[i]);
		free(list);
		list = l;
	}
	return list;
}

/* The child's environment: ours with LD_PRELOAD and DEADBOLT_OPTIONS set. */
static char **child_env(struct run *r)
{
	const char *user = getenv("DEADBOLT_OPTIONS");
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) &&
		    strncmp(environ[i], "DEADBOLT_OPTIONS=", 17))
			env[k++] = environ[i];
	char *pre = preload_value(r->lib);
	/* the default skip list, unless the user's options or --skip have one */
	bool own_skip = (user && (!strncmp(user, "skip=", 5) || strstr(user, ":skip="))) ||
			(r->rtopts && strstr(r->rtopts, ":skip="));
	char *skip = own_skip ? xstrdup("") : skip_default();
	/* later keys win: the user's options, then ours, then the flags; the
	 * command itself (our child) is traced whatever the skip list */
	char *opts = skip ? xasprintf("DEADBOLT_OPTIONS=%s%slog_dir=%s:summary=0:run_pid=%ld%s%s%s",
				      user && user[0] ? user : "", user && user[0] ? ":" : "",
				      r->dir, (long)getpid(), skip[0] ? ":skip=" : "", skip,
				      r->rtopts ? r->rtopts : "") : NULL;
	free(skip);
	env[k] = pre ? xasprintf("LD_PRELOAD=%s", pre) : NULL;
	free(pre);
	env[k + 1] = opts;
	if (!env[k] || !env[k + 1]) {
		free(env[k]);
		free(env[k + 1]);
		free(env);
		return NULL;
	}
	return env;
}

static void free_env(char **env)
{
	size_t n = 0;

	if (!env)
		return;
	while (env[n])
		n++;
	/* the last two are ours, the rest are environ's */
	if (n >= 2) {
		free(env[n - 1]);
		free(env[n - 2]);
	}
	free(env);
}

struct sigsave {
	struct sigaction intr, quit, term, hup;
};

static void signals_wait(struct sigsave *s)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, fwd = { .sa_handler = forward };

	sigemptyset(&ign.sa_mask);
	sigemptyset(&fwd.sa_mask);
	sigaction(SIGINT, &ign, &s->intr);
	sigaction(SIGQUIT, &ign, &s->quit);
	sigaction(SIGTERM, NULL, &s->term);
	sigaction(SIGHUP, NULL, &s->hup);
	/* an ignored SIGTERM/SIGHUP (nohup) stays ignored, for us and the child */
	if (s->term.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &fwd, NULL);
	if (s->hup.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &fwd, NULL);
}

static void signals_restore(const struct sigsave *s)
{
	sigaction(SIGINT, &s->intr, NULL);
	sigaction(SIGQUIT, &s->quit, NULL);
	sigaction(SIGTERM, &s->term, NULL);
	sigaction(SIGHUP, &s->hup, NULL);
}

/* ---- --timeout ------------------------------------------------------------ */

#define DUMP_QUIET_MS	400	/* logs unchanged this long: the dumps are written */
#define DUMP_MAX_MS	3000	/* the runtime waits up to 1 s for its threads */
#define POLL_MS		50

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The process tree under root (root first), from /proc: every process
 * whose parent chain reaches root.  Orphans come back to us (we are their
 * subreaper), so the tree stays whole. */
static size_t tree(pid_t root, pid_t *out, size_t max)
{
	struct { pid_t pid, ppid; } *all = NULL;
	size_t n = 0, cap = 0, k = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (max)
		out[k++] = root;
	while (d && (de = readdir(d))) {
		char path[300], buf[512];
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		/* pid (comm) state ppid: comm may hold spaces and parentheses */
		char *rp = strrchr(buf, ')');
		int ppid;
		if (!rp || sscanf(rp + 1, " %*c %d", &ppid) != 1)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			void *v = realloc(all, cap * sizeof(*all));
			if (!v)
				break;
			all = v;
		}
		all[n].pid = atoi(de->d_name);
		all[n++].ppid = ppid;
	}
	if (d)
		closedir(d);
	/* breadth first from root: out[] is the queue */
	for (size_t q = 0; q < k; q++)
		for (size_t i = 0; i < n && k < max; i++)
			if (all[i].ppid == out[q] && all[i].pid != root)
				out[k++] = all[i].pid;
	free(all);
	return k;
}

/* Total size of the logs: growing means a dump is still being written. */
static long long logs_size(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	long long total = 0;
	struct stat st;

	while (d && (de = readdir(d)))
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0)
			total += st.st_size;
	if (d)
		closedir(d);
	return total;
}

/* The time is up: every process of the tree dumps its threads (the
 * runtime's hang_dump handler), then the tree is killed. */
static void expire(struct run *r, pid_t pid)
{
	pid_t procs[4096];
	size_t n = tree(pid, procs, ARRAY_SIZE(procs));
	long start = now_ms(), quiet = start;
	long long size = logs_size(r->dir);

	r->timed_out = true;
	for (size_t i = 0; i < n; i++)
		kill(procs[i], SIGRTMAX - DB_HANG_SIGNAL_BELOW_MAX);
	for (;;) {
		sleep_ms(POLL_MS);
		long long now = logs_size(r->dir);
		if (now != size) {
			size = now;
			quiet = now_ms();
		}
		if (now_ms() - quiet >= DUMP_QUIET_MS || now_ms() - start >= DUMP_MAX_MS)
			break;
	}
	/* again: the tree may have grown meanwhile */
	n = tree(pid, procs, ARRAY_SIZE(procs));
	for (size_t i = 0; i < n; i++)
		kill(procs[i], SIGKILL);
}

/* waitpid for the child, ending the tree when --timeout expires. */
static void wait_child(struct run *r, pid_t pid, int *status)
{
	long deadline = now_ms() + r->timeout * 1000;

	if (!r->timeout) {
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
		return;
	}
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			return;
		if (now_ms() >= deadline && !r->timed_out) {
			expire(r, pid);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return;
		}
		sleep_ms(POLL_MS);
	}
}

/* Run the command; *status is waitpid's.  -errno when it could not start
 * (said on stderr): *exec_err then holds exec's errno. */
static int spawn(struct run *r, char **env, pid_t *pid, int *status, int *exec_err)
{
	struct sigsave save;
	int pfd[2], e = 0;
	ssize_t k;

	*exec_err = 0;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	child_pid = 0;
	pending_sig = 0;
	/* with --timeout, orphaned descendants come to us: the tree stays whole */
	if (r->timeout)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	signals_wait(&save);
	*pid = fork();
	if (*pid < 0) {
		e = errno;
		signals_restore(&save);
		close(pfd[0]);
		close(pfd[1]);
		fprintf(stderr, "deadbolt: error: fork: %s\n", strerror(e));
		return -e;
	}
	if (*pid == 0) {
		signals_restore(&save);
		close(pfd[0]);
		execvpe(r->cmd[0], r->cmd, env);
		e = errno;
		if (write(pfd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(e == ENOENT ? 127 : 126);
	}
	child_pid = *pid;
	if (pending_sig)
		kill(*pid, pending_sig);
	close(pfd[1]);
	/* EOF: exec worked (the pipe is close-on-exec); else its errno */
	do
		k = read(pfd[0], &e, sizeof(e));
	while (k < 0 && errno == EINTR);
	close(pfd[0]);
	if (k == sizeof(e))
		r->timeout = 0;		/* nothing runs: just reap it */
	wait_child(r, *pid, status);
	child_pid = 0;
	signals_restore(&save);
	if (k == sizeof(e)) {
		*exec_err = e;
		fprintf(stderr, "deadbolt: error: cannot run %s: %s\n", r->cmd[0], strerror(e));
		return -e;
	}
	return 0;
}

/* The child's waitpid status into its log (the last image of its pid); a
 * child that wrote no log gets an entry of its own. */
static int fill_child(struct report *rep, struct run *r, pid_t pid, int status)
{
	struct dlog *l = NULL;

	for (size_t i = 0; i < rep->nlogs; i++) {
		struct dlog *x = rep->logs[i];
		if (x->pid == (uint64_t)pid && (!l || x->start_ns >= l->start_ns))
			l = x;
	}
	if (!l) {
		size_t n = 0;
		while (r->cmd[n])
			n++;
		l = xcalloc(1, sizeof(*l));
		if (!l)
			return -ENOMEM;
		l->pid = (uint64_t)pid;
		l->ppid = (uint64_t)getpid();
		l->has_process = true;
		l->argv = xcalloc(n + 1, sizeof(*l->argv));
		if (l->argv)
			for (l->argc = 0; l->argc < n; l->argc++)
				if (!(l->argv[l->argc] = xstrdup(r->cmd[l->argc])))
					break;
		struct dlog **v = realloc(rep->logs, (rep->nlogs + 1) * sizeof(*v));
		if (!v || tool_oom) {
			log_free(l);
			return -ENOMEM;
		}
		rep->logs = v;
		rep->logs[rep->nlogs++] = l;
		if (rep->nlogs == 1)
			report_note(rep, l->pid, NOTE_WARN, "no log was written: %s did not "
				    "load libdeadbolt.so (statically linked, set-uid, or "
				    "LD_PRELOAD removed?); nothing was checked", r->cmd[0]);
		else
			report_note(rep, l->pid, NOTE_WARN, "process %llu (%s) wrote no log "
				    "(statically linked or set-uid?); only its descendants "
				    "were checked", (unsigned long long)pid, r->cmd[0]);
	}
	if (WIFSIGNALED(status)) {
		l->has_exit = false;
		l->signal = WTERMSIG(status);
		l->core_dumped = WCOREDUMP(status);
	} else if (WIFEXITED(status)) {
		l->has_exit = true;
		l->exit_status = WEXITSTATUS(status);
		l->signal = 0;
	}
	return 0;
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->nold; i++)
		free(r->old_logs[i]);
	free(r->old_logs);
	free(r->rtopts);
	out_flags_free(&r->of);
}

int cmd_run(int argc, char **argv)
{
	struct run r = { .of = { .format = FMT_TEXT },
			 .error_exitcode = DEFAULT_ERROR_EXITCODE };
	struct report rep = { 0 };
	struct report_opts o;
	char **env = NULL;
	int err, status = 0, exec_err = 0, n, ret = 2;
	pid_t pid = 0;

	err = parse_args(&r, argc, argv);
	if (err) {
		run_free(&r);
		return err > 0 ? 0 : 2;
	}
	if (find_runtime(&r) || make_log_dir(&r)) {
		remove_log_dir(&r);
		run_free(&r);
		return 2;
	}
	if (report_open(&r.of, stderr, &o)) {
		remove_log_dir(&r);
		run_free(&r);
		return 2;
	}
	env = child_env(&r);
	if (!env) {
		fprintf(stderr, "deadbolt: error: out of memory\n");
		goto out;
	}
	err = spawn(&r, env, &pid, &status, &exec_err);
	if (err) {
		ret = exec_err ? (exec_err == ENOENT ? 127 : 126) : 2;
		goto out;
	}
	n = report_add_dir(&rep, r.dir, r.old_logs, r.nold);
	if (n < 0 || fill_child(&rep, &r, pid, status))
		goto out;
	if (r.timed_out)
		report_note(&rep, (uint64_t)pid, NOTE_WARN, "%s did not end within the "
			    "--timeout of %ld s: its processes were asked for their threads' "
			    "state (the hang findings) and killed", r.cmd[0], r.timeout);
	o.log_dir = r.dir;
	o.logs_kept = !r.dir_is_temp || r.keep_logs;
	n = report_build_and_write(&rep, &o);
	if (n < 0)
		goto out;
	if (n > 0)
		ret = (int)r.error_exitcode;
	else if (r.timed_out)
		ret = TIMEOUT_EXITCODE;
	else if (WIFSIGNALED(status))
		ret = 128 + WTERMSIG(status);
	else
		ret = WEXITSTATUS(status);
out:
	if (report_close(&r.of, &o))
		ret = 2;
	report_free(&rep);
	free_env(env);
	remove_log_dir(&r);
	run_free(&r);
	return ret;
}

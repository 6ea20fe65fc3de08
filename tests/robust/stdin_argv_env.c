/* A program that reads its own argv, environment and stdin: it prints every
 * argument (empty, spaces, a newline, bytes that are not UTF-8), every
 * environment entry in order except the two the runner of a preload tool
 * must add (LD_PRELOAD, DEADBOLT_OPTIONS), then copies 300 KB of random
 * stdin to stdout through a reader thread and a writer thread handing
 * chunks over under a mutex and condition variables.  Under `deadbolt run`
 * the output is byte-identical to a native run with the same arguments,
 * environment and input, and nothing is reported.
 * RUN: head -c 300000 /dev/urandom > %t/in
 * RUN: set -- '' 'two words' "$(printf 'new\nline')" "$(printf '\377\376x')" "$(printf '%02000d' 7)"
 * RUN: env ODD="$(printf 'a=b\tc\001')" EMPTY= %prog "$@" < %t/in > %t/native.out
 * RUN: env ODD="$(printf 'a=b\tc\001')" EMPTY= %deadbolt run --json %json -- %prog "$@" < %t/in > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: [ $(wc -c < %t/native.out) -gt 300000 ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

#define CHUNK 4096

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t empty = PTHREAD_COND_INITIALIZER;
static char buf[CHUNK];		/* guarded by m */
static ssize_t len = -1;	/* guarded by m: -1 empty, 0 end of input */

static void *reader(void *arg)
{
	char tmp[CHUNK];
	ssize_t n;

	do {
		n = read(0, tmp, sizeof(tmp));
		if (n < 0)
			n = 0;
		pthread_mutex_lock(&m);
		while (len >= 0)
			pthread_cond_wait(&empty, &m);
		memcpy(buf, tmp, (size_t)n);
		len = n;
		pthread_cond_signal(&full);
		pthread_mutex_unlock(&m);
	} while (n > 0);
	return arg;
}

static void *writer(void *arg)
{
	for (;;) {
		char tmp[CHUNK];
		ssize_t n;

		pthread_mutex_lock(&m);
		while (len < 0)
			pthread_cond_wait(&full, &m);
		n = len;
		memcpy(tmp, buf, (size_t)n);
		len = -1;
		pthread_cond_signal(&empty);
		pthread_mutex_unlock(&m);
		if (n == 0)
			break;
		fwrite(tmp, 1, (size_t)n, stdout);
	}
	return arg;
}

static int preload_var(const char *e)
{
	return !strncmp(e, "LD_PRELOAD=", 11) || !strncmp(e, "DEADBOLT_OPTIONS=", 17);
}

int main(int argc, char **argv)
{
	pthread_t r, w;

	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] %zu [%s]\n", i, strlen(argv[i]), argv[i]);
	for (char **e = environ; *e; e++)
		if (!preload_var(*e))
			printf("env [%s]\n", *e);
	printf("stdin:\n");
	pthread_create(&r, NULL, reader, NULL);
	pthread_create(&w, NULL, writer, NULL);
	pthread_join(r, NULL);
	pthread_join(w, NULL);
	printf("\nend\n");
	return 0;
}

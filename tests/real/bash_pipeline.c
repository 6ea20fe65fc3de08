/* bash under `deadbolt run` with a script of coreutils pipelines: seq,
 * head, paste, cut, uniq -c, md5sum, nl, fold, od, join, comm, wc, rev,
 * diff, xargs -P 2 (two children at once), process substitutions, a
 * subshell, a here document and a function; bash forks for every pipeline
 * stage and waits for them under its SIGCHLD handler; stages may end by
 * SIGPIPE when head stops reading.  Every process is traced.  Healthy
 * code: nothing is reported, and the output is byte-identical to a native
 * run.  (Debian 12's sort, tr, tail, tac, sed and grep are left out: each
 * has a small real leak at exit, which valgrind --leak-check=full reports
 * too; sort is covered, leak included, by sort_parallel.c.)
 * The program below is one of the pipeline's stages: it reads numbers on
 * stdin and prints their sum and count, summing in two threads under a
 * mutex.
 * TIMEOUT: 60
 * RUN: printf '%s\n' 'set -eu' 'f() { seq "$1" -1 1 | head -n 3 | paste -s -d" "; }' > %t/script.sh
 * RUN: printf '%s\n' 'f 5000; f 20; seq 1 3000 | paste -d, - - - | cut -d, -f2 | head -n 2' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 20000 | cut -c1-2 | uniq -c | head -n 4' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 20000 | cut -c1-2 | uniq -c | md5sum' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 100 | xargs -n 10 -P 2 echo | wc -lw' >> %t/script.sh
 * RUN: printf '%s\n' 'diff <(seq 1 50) <(seq 1 50 | cat) && echo same' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 12 | nl | fold -w 6 | od -c | md5sum' >> %t/script.sh
 * RUN: printf '%s\n' 'join <(seq 1 9) <(seq 3 9) | comm -12 - <(seq 5 9)' >> %t/script.sh
 * RUN: printf '%s\n' '( cd / && pwd ); seq 1 1000 | rev | head -n 2' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 1000 | "$1"; wc -l <<EOF' 'a' 'b' 'EOF' >> %t/script.sh
 * RUN: bash %t/script.sh %prog > %t/native.out || exit 2
 * RUN: deadbolt run --json %json -- bash %t/script.sh %prog > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: grep -qx 'sum 500500 count 1000' %t/deadbolt.out || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t in = PTHREAD_MUTEX_INITIALIZER;
static long sum, count;		/* guarded by m */

static void *summer(void *arg)
{
	for (;;) {
		long v;
		int r;

		pthread_mutex_lock(&in);
		r = scanf("%ld", &v);
		pthread_mutex_unlock(&in);
		if (r != 1)
			break;
		pthread_mutex_lock(&m);
		sum += v;
		count++;
		pthread_mutex_unlock(&m);
	}
	return arg;
}

int main(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, summer, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("sum %ld count %ld\n", sum, count);
	return 0;
}

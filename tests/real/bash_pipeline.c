/* bash under `deadbolt run` with a script of coreutils pipelines: seq,
 * sort -n/-r/-u, head, tail, tr, cut, paste, uniq -c, wc, md5sum, xargs -P2
 * (two children at once), a process substitution, a subshell, a here
 * document and a function; bash itself forks for every pipeline stage and
 * waits for them under its SIGCHLD handler.  Every process is traced.
 * Healthy code: nothing is reported, and the output is byte-identical to
 * a native run.
 * The program below is one of the pipeline's stages: it reads numbers on
 * stdin and prints their sum and count, summing in two threads under a
 * mutex.
 * TIMEOUT: 60
 * RUN: printf '%s\n' 'set -eu' 'f() { seq 1 "$1" | sort -rn | head -n 3 | tr "\n" " "; echo; }' > %t/script.sh
 * RUN: printf '%s\n' 'f 5000; f 20; seq 1 3000 | paste -d, - - - | cut -d, -f2 | tail -n 2' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 20000 | tr 0-9 a-j | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 4' >> %t/script.sh
 * RUN: printf '%s\n' 'seq 1 100 | xargs -n 10 -P 2 echo | sort | md5sum' >> %t/script.sh
 * RUN: printf '%s\n' 'diff <(seq 1 50) <(seq 1 50 | sort -n) && echo same' >> %t/script.sh
 * RUN: printf '%s\n' '( cd / && pwd ); seq 1 1000 | "$1"; wc -l <<EOF' 'a' 'b' 'EOF' >> %t/script.sh
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

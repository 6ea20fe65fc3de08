/* GNU find under `deadbolt run` over a generated tree: -printf with sizes
 * and depths, -exec CMD {} + and -exec CMD {} \; (find forks and waits for
 * each), -regex, -size, -empty, -prune, and -print0 into xargs -0 -P 2.
 * Every process is traced.  Healthy code: nothing is reported, and the
 * output is the same as a native run's (compared sorted, outside the
 * traced run: xargs -P 2 interleaves, and Debian 12's sort has a small real
 * leak at exit, covered by sort_parallel.c).
 * The program below writes the tree: ARGS directory, 8 levels deep, some
 * files empty, names with spaces.
 * TIMEOUT: 60
 * RUN: %prog %t/tree || exit 2
 * RUN: printf '%s\n' 'cd "$1"' 'find . -printf "%d %s %p\n"' > %t/script.sh
 * RUN: printf '%s\n' 'find . -name "*.txt" -size +1k -exec wc -c {} +' >> %t/script.sh
 * RUN: printf '%s\n' 'find . -empty -exec echo empty {} \;' >> %t/script.sh
 * RUN: printf '%s\n' 'find . -path ./d0/d1 -prune -o -regex ".*f[0-9] .*" -print' >> %t/script.sh
 * RUN: printf '%s\n' 'find . -type f -print0 | xargs -0 -n 4 -P 2 md5sum' >> %t/script.sh
 * RUN: sh %t/script.sh %t/tree > %t/native.raw || exit 3
 * RUN: deadbolt run --json %json -- sh %t/script.sh %t/tree > %t/deadbolt.raw; status=$?
 * RUN: LC_ALL=C sort %t/native.raw > %t/native.out && LC_ALL=C sort %t/deadbolt.raw > %t/deadbolt.out
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: [ $(wc -l < %t/native.out) -gt 100 ] || exit 1
 * RUN: exit $status
 * EXPECT: clean
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	char dir[4096], path[4200];

	if (argc < 2 || mkdir(argv[1], 0755) != 0)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[1]);
	for (int depth = 0; depth < 8; depth++) {
		size_t len = strlen(dir);

		snprintf(dir + len, sizeof(dir) - len, "/d%d", depth);
		if (mkdir(dir, 0755) != 0)
			return 3;
		for (int f = 0; f < 6; f++) {
			FILE *fp;

			snprintf(path, sizeof(path), "%s/f%d %s.txt", dir, f,
				 f % 2 ? "odd" : "even");
			if (!(fp = fopen(path, "w")))
				return 4;
			for (int l = 0; f != 5 && l < 40 * f * (depth + 1); l++)
				fprintf(fp, "%d %d %d\n", depth, f, l);
			if (fclose(fp) != 0)
				return 5;
		}
	}
	return 0;
}

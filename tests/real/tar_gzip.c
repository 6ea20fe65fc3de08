/* tar and gzip under `deadbolt run`, as a shell pipeline: `tar -cf - |
 * gzip -6` of a generated tree, then `tar -xzf` (tar starting gzip -d as
 * its own child) into a fresh directory, all from one traced shell (every
 * process is traced: LD_PRELOAD is inherited).  Healthy code but for the
 * real leaks of GNU tar 1.34 (Debian 12) when it extracts: a 56-byte block
 * allocated while parsing options (argp_parse) and a 96-byte block holding
 * a 1-byte one, never freed and no longer pointed to at exit; valgrind
 * --leak-check=full reports the same blocks as lost.  Those three are the
 * findings, all in the extracting tar; nothing else (tar creating, gzip,
 * sh).  The archive is byte-identical to a native one (--sort, --mtime and
 * owner options make it deterministic; gzip -n leaves out name and time),
 * and the extracted tree equals the original.
 * The program below writes the tree: ARGS directory, 20 directories of 15
 * files of pseudo-random text (a fixed LCG).
 * TIMEOUT: 60
 * RUN: %prog %t/tree || exit 2
 * RUN: TAROPTS="--sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner"
 * RUN: tar -C %t $TAROPTS -cf - tree | gzip -6 -n > %t/native.tgz || exit 3
 * RUN: mkdir %t/out
 * RUN: deadbolt run --json %json -- sh -c "tar -C %t $TAROPTS -cf - tree | gzip -6 -n > %t/traced.tgz && tar -C %t/out -xzf %t/traced.tgz"; status=$?
 * RUN: cmp %t/native.tgz %t/traced.tgz || exit 1
 * RUN: diff -r %t/tree %t/out/tree || exit 1
 * RUN: exit $status
 * EXPECT: leak 3
 * EXPECT-JSON: sorted((f['leak_kind'], f['bytes']) for f in F('leak')) == [('definite', 56), ('definite', 96), ('indirect', 1)]
 * EXPECT-JSON: all('-xzf' in p['argv'] for p in j['processes'] if p['pid'] in {q for f in F('leak') for q in f['pids']})
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	uint64_t x = 1234567;
	char path[4096];

	if (argc < 2 || mkdir(argv[1], 0755) != 0)
		return 2;
	for (int d = 0; d < 20; d++) {
		snprintf(path, sizeof(path), "%s/dir%02d", argv[1], d);
		if (mkdir(path, 0755) != 0)
			return 3;
		for (int f = 0; f < 15; f++) {
			FILE *fp;

			snprintf(path, sizeof(path), "%s/dir%02d/file%02d.txt", argv[1], d, f);
			if (!(fp = fopen(path, "w")))
				return 4;
			for (int l = 0; l < 50 * (f + 1); l++) {
				x = x * 6364136223846793005ull + 1442695040888963407ull;
				fprintf(fp, "line %d of %d/%d: %016llx\n", l, d, f,
					(unsigned long long)(x >> 12));
			}
			if (fclose(fp) != 0)
				return 5;
		}
	}
	return 0;
}

/* Debian's `python3 -m compileall -j 2` under `deadbolt run`: two worker
 * processes (a ProcessPoolExecutor: a thread of the parent feeds them while
 * others wait on its queues, workers forked or spawned from a threaded
 * process) compile a tree of 120 generated modules.  Healthy code: nothing
 * is reported, and the .pyc files are byte-identical to those of a native
 * run on an identical tree (-d gives both the same recorded path, and
 * unchecked-hash pycs record the source's hash, not its mtime).
 * The program below writes the tree: ARGS directory, 12 packages of 10
 * modules with classes, closures and comprehensions.
 * TIMEOUT: 60
 * RUN: %prog %t/native && %prog %t/traced || exit 2
 * RUN: /usr/bin/python3 -m compileall -q -j 2 -d /src --invalidation-mode unchecked-hash %t/native > %t/native.out || exit 3
 * RUN: deadbolt run --json %json -- /usr/bin/python3 -m compileall -q -j 2 -d /src --invalidation-mode unchecked-hash %t/traced > %t/deadbolt.out; status=$?
 * RUN: cmp %t/native.out %t/deadbolt.out || exit 1
 * RUN: (cd %t/native && find . -name '*.pyc' | sort) > %t/native.list
 * RUN: (cd %t/traced && find . -name '*.pyc' | sort) > %t/traced.list
 * RUN: [ $(wc -l < %t/native.list) -eq 132 ] && cmp %t/native.list %t/traced.list || exit 1
 * RUN: for f in $(cat %t/native.list); do cmp %t/native/$f %t/traced/$f || exit 1; done
 * RUN: exit $status
 * EXPECT: clean
 */
#include <stdio.h>
#include <sys/stat.h>

static int write_module(const char *path, int pkg, int mod)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "\"\"\"Generated module %d.%d.\"\"\"\n"
		"import functools\n\n"
		"CONST = %d\n\n\n"
		"class Thing%d:\n"
		"    def __init__(self, n):\n"
		"        self.n = n\n\n"
		"    def squares(self):\n"
		"        return [i * i for i in range(self.n) if i %% %d]\n\n\n"
		"def make_adder(k):\n"
		"    def add(x):\n"
		"        return x + k + CONST\n"
		"    return add\n\n\n"
		"@functools.lru_cache(maxsize=None)\n"
		"def fib(n):\n"
		"    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
		pkg, mod, pkg * 100 + mod, mod, mod + 2);
	return fclose(f);
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc < 2 || mkdir(argv[1], 0755) != 0)
		return 2;
	for (int p = 0; p < 12; p++) {
		snprintf(path, sizeof(path), "%s/pkg%02d", argv[1], p);
		if (mkdir(path, 0755) != 0)
			return 3;
		snprintf(path, sizeof(path), "%s/pkg%02d/__init__.py", argv[1], p);
		if (write_module(path, p, 99) != 0)
			return 4;
		for (int m = 0; m < 10; m++) {
			snprintf(path, sizeof(path), "%s/pkg%02d/mod%02d.py", argv[1], p, m);
			if (write_module(path, p, m) != 0)
				return 4;
		}
	}
	return 0;
}

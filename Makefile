# deadbolt - plain Makefile.  `make` builds lib/libdeadbolt.so and
# tools/deadbolt; `make check` runs the tests; `make demo` shows a report;
# `make bench` measures against native; `make race-stress` repeats the
# data-race tests.  Every target first makes sure the Debian packages it
# needs are installed (mk/deps.sh).

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc
CXX	?= c++
DEBUG	?= 0
PYTHON	?= python3

WARN	 = -Wall -Wextra -Werror
BASE	 = -std=c11 -D_GNU_SOURCE -g -O2 $(WARN) -Iinclude -Ilib
ifeq ($(DEBUG),1)
BASE	+= -DDB_DEBUG=1
endif
LIBFLAGS = $(BASE) -flto -fPIC -fvisibility=hidden -ftls-model=initial-exec \
	   -fno-builtin-malloc -fno-omit-frame-pointer -fno-strict-aliasing
LIBLINK	 = -flto -O2 -shared -Wl,--no-undefined -Wl,-z,nodelete -Wl,-z,now -Wl,-soname,libdeadbolt.so \
	   -lunwind -ldl -lpthread
TOOLFLAGS = $(BASE) -I/usr/include/elfutils
TOOLLINK = -ldw -lelf -lstdc++
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC	 = $(wildcard lib/*.c)
LIB_OBJ	 = $(LIB_SRC:lib/%.c=build/lib/%.o)
TOOL_SRC = $(wildcard tools/*.c)
TOOL_OBJ = $(TOOL_SRC:tools/%.c=build/tools/%.o)
ASAN_OBJ = $(TOOL_SRC:tools/%.c=build/asan/%.o)
HEADERS	 = $(wildcard include/*.h lib/*.h tools/*.h)

.PHONY: all deps check demo bench race-stress install uninstall headers clean
all: deps lib/libdeadbolt.so tools/deadbolt

deps:
	@sh mk/deps.sh

build/lib/%.o: lib/%.c $(wildcard lib/*.h lib/*.inc) | deps
	@mkdir -p $(@D)
	$(CC) $(LIBFLAGS) -c -o $@ $<

lib/libdeadbolt.so: $(LIB_OBJ)
	$(CC) -o $@ $^ $(LIBLINK)

build/tools/%.o: tools/%.c $(wildcard tools/*.h lib/logfmt.h lib/options.inc) | deps
	@mkdir -p $(@D)
	$(CC) $(TOOLFLAGS) -c -o $@ $<

tools/deadbolt: $(TOOL_OBJ)
	$(CC) -o $@ $^ $(TOOLLINK)

# The tool again with AddressSanitizer and UBSan: the test suite runs this one.
build/asan/%.o: tools/%.c $(wildcard tools/*.h lib/logfmt.h lib/options.inc) | deps
	@mkdir -p $(@D)
	$(CC) $(TOOLFLAGS) -O1 $(SANFLAGS) -c -o $@ $<

build/asan/deadbolt: $(ASAN_OBJ)
	$(CC) $(SANFLAGS) -o $@ $^ $(TOOLLINK)

# Every header compiles on its own.
headers: deps
	@mkdir -p build/headers
	@for h in $(HEADERS); do \
		echo "#include \"$$h\"" > build/headers/h.c; \
		$(CC) $(BASE) -I. -I/usr/include/elfutils -fsyntax-only build/headers/h.c || exit 1; \
	done
	@echo "#include \"include/deadbolt.h\"" > build/headers/h.cc
	@$(CXX) -std=c++11 $(WARN) -I. -fsyntax-only build/headers/h.cc
	@echo "headers: ok"

check: all build/asan/deadbolt headers
	@DEADBOLT=$(CURDIR)/build/asan/deadbolt DEADBOLT_LIB=$(CURDIR)/lib/libdeadbolt.so \
		$(PYTHON) tests/run $(TESTS)

demo: all
	@mkdir -p build/examples
	$(CC) -std=c11 -g -O1 -pthread -o build/examples/demo examples/demo.c
	@echo
	@echo '$$ tools/deadbolt run -- build/examples/demo'
	@tools/deadbolt run -- build/examples/demo; \
		echo "(deadbolt run exited with status $$?: 66 means findings)"

bench: all
	@sh bench/run.sh

# Race detection samples: one pass of a tests/race test proves little.  This
# runs them all RACE_RUNS times (each racy one must be found every time, each
# clean one never flagged) and prints each test's passes, then the first
# failure of each test that failed (and keeps the rounds' whole output, which
# names the directory); exits 1 if any run failed.  Not part of
# `make check`: it takes minutes.
RACE_RUNS ?= 20
race-stress: all
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/race-stress.XXXXXX") || exit 1; \
	out=$$dir/summary; i=1; \
	while [ $$i -le $(RACE_RUNS) ]; do \
		echo "race-stress: round $$i of $(RACE_RUNS)" >&2; \
		DEADBOLT=$(CURDIR)/tools/deadbolt DEADBOLT_LIB=$(CURDIR)/lib/libdeadbolt.so \
			$(PYTHON) tests/run tests/race/ tests/omp/ > $$dir/round$$i; \
		grep -E '^(PASS|FAIL) ' $$dir/round$$i >> $$out; \
		i=$$((i + 1)); \
	done; \
	awk '{ t = $$2; sub(/:$$/, "", t); n[t]++; if ($$1 == "PASS") p[t]++; \
		else if (!(t in why)) { why[t] = substr($$0, 1, 300); bad++ } } \
	     END { for (t in n) printf "%3d/%d %s\n", p[t], n[t], t | "sort -k2"; \
		close("sort -k2"); for (t in why) print why[t]; exit bad > 0 }' $$out; \
	st=$$?; if [ $$st = 0 ]; then rm -rf "$$dir"; \
	else echo "race-stress: each round's whole output (failures in full): $$dir" >&2; fi; \
	exit $$st

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 tools/deadbolt $(DESTDIR)$(PREFIX)/bin/deadbolt
	install -m 755 lib/libdeadbolt.so $(DESTDIR)$(PREFIX)/lib/libdeadbolt.so
	install -m 644 include/deadbolt.h $(DESTDIR)$(PREFIX)/include/deadbolt.h
	install -m 644 doc/deadbolt.1 $(DESTDIR)$(PREFIX)/share/man/man1/deadbolt.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/deadbolt $(DESTDIR)$(PREFIX)/lib/libdeadbolt.so \
		$(DESTDIR)$(PREFIX)/include/deadbolt.h $(DESTDIR)$(PREFIX)/share/man/man1/deadbolt.1

clean:
	rm -rf build lib/libdeadbolt.so tools/deadbolt

#!/bin/sh
# run.sh - deadbolt's cost, measured against native in the same run.
#
# `make bench` runs this after building lib/libdeadbolt.so.  It prints figures,
# never a speed verdict: every ratio is deadbolt/native of two medians over
# runs that alternate native and deadbolt (ABBA order, so a warm cache or a
# drifting clock favours neither side).  The real programs also get a paired
# ratio: the median, over the rounds, of each round's deadbolt/native (its
# two runs are adjacent, so a host that turns slower or faster for minutes,
# as shared VMs do, moves both sides of it).  It exits 1 only when a run failed
# or a program's output under deadbolt differed from native.
#
#   1. bench/lockbench.c: ns per lock operation, case by case
#      (+ helgrind on a scaled-down run, when valgrind is installed)
#   2. real programs from Debian: sort --parallel=2, xz -T2, zstd -T2, pigz,
#      sqlite3 with worker threads: wall time and peak RSS.  Their output must
#      be byte-identical under deadbolt; a difference is an error.  The first
#      four take only thousands of mutex locks per run (they hand out big
#      blocks), so they show the cost of being preloaded (start-up, malloc,
#      threads); sqlite3 takes ~2.5 million (its mutexes guard every
#      allocation and API call), the lock fast path in a real program.
#   3. bench/mallocbench.c: 2 threads allocating small mixed sizes, with
#      reallocs and a tail of blocks live at exit (the allocation table,
#      an allocation stack per block, the leak scan at exit): wall time and
#      peak RSS, and the same under LeakSanitizer (liblsan), heaptrack and
#      valgrind --leak-check=full when installed (memcheck on a run scaled
#      down to mc_scale of the allocations, against native at that scale).
#  3b. the real allocation-heavy program, sqlite3 of section 2 (small
#      blocks, many), under the same tools.
#   4. bench/race_bench.c: 2 threads of race-free work on watched globals
#      (private counters, a shared counter under a mutex, an atomic): ns
#      per iteration natively, under deadbolt, and under deadbolt with
#      race=0, so the cost of race detection shows apart from the rest.
#
# Environment:
#   DEADBOLT_LIB  runtime to preload (default: lib/libdeadbolt.so); set and
#                 empty, nothing is preloaded (to try the scripts alone)
#   BENCH_REPS    runs per side (default 5)
#   BENCH_LINES   lines of the generated text (default 1500000)
#   CC            compiler for the benchmark programs (default cc)
set -u
# the C locale: byte order for sort, "." in numbers for awk
LC_ALL=C
export LC_ALL

cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
. bench/lib.sh
lib=${DEADBOLT_LIB-$root/lib/libdeadbolt.so}
reps=${BENCH_REPS:-5}
lines=${BENCH_LINES:-1500000}
cc=${CC:-cc}
bin=$root/build/bench
# A run that takes longer than this (s) is not repeated: the whole bench
# should stay within a few minutes even if deadbolt is slow on one program.
slow=20
# helgrind runs the microbenchmark at this fraction of its counts: helgrind
# costs ~500x on lock calls, so this keeps it near 10 s.
hg_scale=0.03
# mallocbench: allocations per thread; memcheck gets mc_ops (~100x slower)
mb_ops=2000000
mc_ops=100000
# race_bench: iterations per thread (~0.3 s natively)
rb_iters=20000000
lsan=/usr/lib/x86_64-linux-gnu/liblsan.so.0

if [ -n "$lib" ] && [ ! -f "$lib" ]; then
	echo "bench: $lib not found: run make first" >&2
	exit 1
fi

# not named deadbolt*: test scripts clean up their logs with such globs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dbbench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
trap 'exit 1' HUP PIPE
logs=$tmp/logs

# Preload a copy: a rebuild of the runtime during the minutes this takes
# would otherwise mix two versions, or catch the linker mid-write.
libpath=$lib
if [ -n "$lib" ]; then
	cp "$lib" "$tmp/libdeadbolt.so" || exit 1
	lib=$tmp/libdeadbolt.so
fi

mkdir -p "$bin" || exit 1
cflags='-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror'
# shellcheck disable=SC2086
$cc $cflags -pthread -o "$bin/lockbench" bench/lockbench.c || exit 1
# shellcheck disable=SC2086
$cc $cflags -pthread -o "$bin/mallocbench" bench/mallocbench.c || exit 1
# shellcheck disable=SC2086
$cc $cflags -pthread -o "$bin/racebench" bench/race_bench.c || exit 1
# shellcheck disable=SC2086
$cc $cflags -o "$bin/rusage" bench/rusage.c || exit 1

progress() {
	printf '%s\n' "bench: $*" >&2
}

# side MODE TIMER CMD...: run CMD natively (MODE native) or under deadbolt
# (deadbolt; norace: with race=0), with a fresh log directory; TIMER "time"
# writes "seconds kilobytes" to $tmp/time (bench/rusage.c: milliseconds,
# where GNU time's 10 ms would move the ratio of a 0.13 s run by 8%).
# Only CMD is preloaded, not the timer, timeout or env.  A hang is cut off
# after 120 s (exit status 124).
side() {
	mode=$1
	timer=$2
	shift 2
	if [ ! -d "$tmp" ]; then
		echo "bench: $tmp was removed while running" >&2
		exit 1
	fi
	rm -rf "$logs" && mkdir "$logs" || exit 1
	if [ "$mode" = native ]; then
		set -- env -u LD_PRELOAD -u DEADBOLT_OPTIONS "$@"
	else
		dbopts=log_dir=$logs:summary=0:race_cache=$tmp/sitecache
		[ "$mode" = norace ] && dbopts=$dbopts:race=0
		set -- env LD_PRELOAD="$lib" DEADBOLT_OPTIONS="$dbopts" "$@"
	fi
	set -- timeout 120 "$@"
	if [ "$timer" = none ]; then
		"$@"
	else
		"$bin/rusage" -o "$tmp/time" "$@"
	fi
}

# preloaded MODE WHAT: after a run whose stderr is in $tmp/err, complain if
# the dynamic loader refused the runtime: the run went on natively, and its
# figures would pass for deadbolt's.  (The logs can't tell: the runtime
# writes one only once it has something to record.)
preloaded() {
	{ [ "$1" = deadbolt ] || [ "$1" = norace ]; } && [ -n "$lib" ] || return 0
	grep -q 'cannot be preloaded' "$tmp/err" || return 0
	grep -q "^error: $2: the runtime was not preloaded" "$tmp/notes" ||
		echo "error: $2: the runtime was not preloaded: $(head -n 1 "$tmp/err")" \
			>>"$tmp/notes"
}

# ratio A B: A/B as "12.34x", "-" when either is missing
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 <= 0) print "-"
		else if (a / b < 10) printf "%.2fx\n", a / b
		else if (a / b < 100) printf "%.1fx\n", a / b
		else printf "%.0fx\n", a / b
	}'
}

# num DIGITS N: N with DIGITS decimals, "-" stays
num() {
	awk -v d="$1" -v v="$2" 'BEGIN {
		if (v == "-") print v; else printf "%.*f\n", d, v
	}'
}

# order REP: the two sides in the order of repetition REP (ABBA)
order() {
	if [ $(($1 % 2)) = 1 ]; then echo native deadbolt; else echo deadbolt native; fi
}

: >"$tmp/notes"
echo "deadbolt bench: $(date '+%Y-%m-%d %H:%M'), $(uname -sr), $(nproc) cores," \
	"$(git rev-parse --short HEAD 2>/dev/null || echo 'no commit')"
if [ -n "$lib" ]; then
	echo "runtime: $libpath ($(date -r "$libpath" '+built %H:%M'))"
else
	echo "runtime: none (DEADBOLT_LIB is empty: the deadbolt column is native too)"
fi
echo "medians of $reps runs per side, alternating; ratio = deadbolt / native"
# Other work on the machine spoils figures more than anything else: show it.
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

# --- 1. lock microbenchmark ----------------------------------------------

rep=1
while [ "$rep" -le "$reps" ]; do
	progress "lockbench, run $rep of $reps"
	for mode in $(order "$rep"); do
		if side "$mode" none "$bin/lockbench" >"$tmp/out" 2>"$tmp/err"; then
			cat "$tmp/out" >>"$tmp/lock.$mode"
			preloaded "$mode" lockbench
		else
			echo "error: lockbench $mode run $rep failed (status $?):" \
				"$(head -c 300 "$tmp/err")" >>"$tmp/notes"
		fi
	done
	rep=$((rep + 1))
done

hg=
if command -v valgrind >/dev/null 2>&1; then
	progress "lockbench under helgrind (-s $hg_scale)"
	if env -u LD_PRELOAD timeout 300 valgrind --tool=helgrind -q \
		"$bin/lockbench" -s "$hg_scale" >"$tmp/lock.helgrind" 2>"$tmp/err"; then
		hg=1
	else
		echo "note: helgrind run failed (status $?): $(head -c 300 "$tmp/err")" \
			>>"$tmp/notes"
	fi
else
	echo "note: valgrind not installed: no helgrind column" >>"$tmp/notes"
fi

echo
echo "1. lock microbenchmark (bench/lockbench.c): ns per op"
fmt='%-14s %-10s %9s %9s %8s'
# shellcheck disable=SC2059
if [ -n "$hg" ]; then
	printf "$fmt %10s %9s\n" case op native deadbolt ratio helgrind "hg ratio"
else
	printf "$fmt\n" case op native deadbolt ratio
fi
# cases and their order come from the program itself
"$bin/lockbench" -l | while read -r name unit _; do
	n=$(awk -v c="$name" '$1 == c { print $3 }' "$tmp/lock.native" 2>/dev/null | median)
	d=$(awk -v c="$name" '$1 == c { print $3 }' "$tmp/lock.deadbolt" 2>/dev/null | median)
	# shellcheck disable=SC2059
	if [ -n "$hg" ]; then
		h=$(awk -v c="$name" '$1 == c { print $3 }' "$tmp/lock.helgrind" | median)
		printf "$fmt %10s %9s\n" "$name" "$unit" "$(num 1 "$n")" \
			"$(num 1 "$d")" "$(ratio "$d" "$n")" "$(num 1 "$h")" \
			"$(ratio "$h" "$n")"
	else
		printf "$fmt\n" "$name" "$unit" "$(num 1 "$n")" "$(num 1 "$d")" \
			"$(ratio "$d" "$n")"
	fi
done
echo "(pair = lock+unlock; mutex-dN: N mutexes nested in a fixed order;"
echo " contend: 2 threads, 1 mutex; roundtrip: 2 cond handoffs between 2 threads)"
if [ -n "$hg" ]; then
	echo "(helgrind: one run at $hg_scale of the counts; hg ratio = helgrind / native)"
fi

# --- 2. real programs ------------------------------------------------------

# have CMD PACKAGE: CMD is on PATH, after installing PACKAGE if root can
have() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		progress "installing $2"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
				apt-get install -y -qq --no-install-recommends "$2" \
				>/dev/null 2>&1; }
		command -v "$1" >/dev/null 2>&1 && return 0
		echo "note: $1 skipped: apt-get install $2 failed" >>"$tmp/notes"
		return 1
	fi
	echo "note: $1 skipped: not installed (apt-get install $2, as root)" >>"$tmp/notes"
	return 1
}

# timed MODE OUT CMD...: run CMD on one side, stdout to OUT; prints
# "seconds kilobytes" of its last line of figures, or "fail STATUS"
timed() {
	tmode=$1
	tout=$2
	shift 2
	side "$tmode" time "$@" >"$tout" 2>"$tmp/err"
	st=$?
	preloaded "$tmode" "$1"
	if [ "$st" != 0 ]; then
		echo "fail $st"
	else
		tail -n 1 "$tmp/time"
	fi
}

# prog ID LABEL OUTFILE CMD...: the interleaved runs of one program, after
# one untimed native run that warms the caches, and one under deadbolt that
# fills its site cache (as any earlier run of the same binaries would).  The program writes OUTFILE
# (stdout is sent there too); its checksum must be the same on every run.
prog() {
	id=$1
	label=$2
	pout=$3
	shift 3
	echo "$id $label" >>"$tmp/progs"
	progress "$label, warm-up"
	timed native "$pout" "$@" >/dev/null
	[ -n "$lib" ] && timed deadbolt "$pout" "$@" >/dev/null	# fills the site cache
	ref=
	rep=1
	while [ "$rep" -le "$reps" ]; do
		[ -d "$tmp" ] || exit 1		# side() said why
		progress "$label, run $rep of $reps"
		for mode in $(order "$rep"); do
			rm -f "$pout"
			r=$(timed "$mode" "$pout" "$@")
			case $r in
			fail*)
				echo "error: $label: $mode run $rep failed (status ${r#fail })," \
					"stderr: $(head -c 300 "$tmp/err")" >>"$tmp/notes"
				continue ;;
			esac
			echo "$r" >>"$tmp/p.$id.$mode"
			sum=$(cksum <"$pout")
			if [ -z "$ref" ]; then
				ref=$sum
			elif [ "$sum" != "$ref" ]; then
				echo "error: $label: output of $mode run $rep differs" \
					"from the first run" >>"$tmp/notes"
			fi
			if awk -v t="${r%% *}" -v s="$slow" 'BEGIN { exit !(t > s) }'; then
				echo "note: $label: a $mode run took ${r%% *} s:" \
					"not repeated" >>"$tmp/notes"
				rep=$reps
			fi
		done
		rep=$((rep + 1))
	done
}

: >"$tmp/progs"
progress "generating $lines lines of text"
# Fixed seed: the same input on every run, random enough to make sort work.
awk -v n="$lines" 'BEGIN {
	srand(1)
	for (i = 0; i < n; i++)
		printf "%08x %06d line %d\n", int(rand() * 4294967296),
			int(rand() * 1000000), i
}' >"$tmp/input" || exit 1
# the compressors get a part, to keep each run under a second natively
head -c 16000000 "$tmp/input" >"$tmp/part" || exit 1
mb() {	# mb FILE: its size for a label
	awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.0f MB\n", b / 1e6 }'
}

prog sort "sort --parallel=2 -S 64M ($(mb "$tmp/input"))" "$tmp/sorted" \
	sort --parallel=2 -S 64M -T "$tmp" -o "$tmp/sorted" "$tmp/input"
have xz xz-utils &&
	prog xz "xz -T2 -1 ($(mb "$tmp/part"))" "$tmp/out" \
		xz -T2 -1 -c "$tmp/part"
have zstd zstd &&
	prog zstd "zstd -T2 -9 ($(mb "$tmp/part"))" "$tmp/out" \
		zstd -q -T2 -9 -c "$tmp/part"
have pigz pigz &&
	prog pigz "pigz -p 2 ($(mb "$tmp/part"))" "$tmp/out" \
		pigz -p 2 -c "$tmp/part"
# An in-memory table indexed twice: the sorter of CREATE INDEX runs on
# worker threads (PRAGMA threads); keys are scrambled, not random, so the
# output is the same on every run.
cat >"$tmp/q.sql" <<'EOF'
PRAGMA threads=2;
CREATE TABLE t(a INTEGER, b TEXT);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 600000)
INSERT INTO t SELECT (i * 2654435761) % 4294967296, hex((i * 7919) % 1000003) FROM c;
CREATE INDEX ta ON t(a);
CREATE INDEX tb ON t(b);
SELECT count(*), sum(a % 1000), min(b), max(b) FROM t WHERE a < 2000000000;
EOF
have sqlite3 sqlite3 &&
	prog sqlite3 "sqlite3 threads=2 (600k rows)" "$tmp/out" \
		sqlite3 -batch :memory: ".read $tmp/q.sql"

echo
echo "2. real programs: wall time (s) and peak RSS (MB), via" \
	"bench/rusage.c; input: $lines generated lines"
pfmt='%-32s %7s %6s %8s %7s %7s %7s %8s %7s\n'
# shellcheck disable=SC2059
printf "$pfmt" program native spread deadbolt ratio paired "rss nat" "rss db" ratio
col() {	# col ID MODE FIELD: median of one field, seconds or MB
	awk -v f="$3" '{ print (f == 2 ? $2 / 1024 : $1) }' \
		"$tmp/p.$1.$2" 2>/dev/null | median
}
while read -r id label; do
	tn=$(col "$id" native 1)
	td=$(col "$id" deadbolt 1)
	mn=$(col "$id" native 2)
	md=$(col "$id" deadbolt 2)
	# spread: (slowest - fastest) / median of the native runs, how much
	# the machine itself varied, to read the ratio against
	sp=$(awk '{ print $1 }' "$tmp/p.$id.native" 2>/dev/null | sort -n |
		awk -v m="$tn" '{ v[NR] = $1 } END {
			if (NR < 2 || m + 0 <= 0) print "-"
			else printf "%.0f%%\n", 100 * (v[NR] - v[1]) / m
		}')
	# paired: round by round (a failed run leaves its round unpaired:
	# then none is)
	pr=-
	if [ -s "$tmp/p.$id.native" ] &&
	   [ "$(wc -l <"$tmp/p.$id.native")" = "$(wc -l <"$tmp/p.$id.deadbolt" 2>/dev/null)" ]; then
		pr=$(ratio "$(paste "$tmp/p.$id.deadbolt" "$tmp/p.$id.native" |
			awk '$3 > 0 { print $1 / $3 }' | median)" 1)
	fi
	# shellcheck disable=SC2059
	printf "$pfmt" "$label" "$(num 2 "$tn")" "$sp" "$(num 2 "$td")" \
		"$(ratio "$td" "$tn")" "$pr" "$(num 0 "$mn")" "$(num 0 "$md")" \
		"$(ratio "$md" "$mn")"
done <"$tmp/progs"

# --- 3. malloc microbenchmark ------------------------------------------------

# tmr CMD...: run CMD, its "seconds kilobytes" to $tmp/time
tmr() {
	"$bin/rusage" -o "$tmp/time" "$@"
}

# ltrun WORK TOOL: one timed run of WORK under TOOL (native, deadbolt, lsan,
# heaptrack, memcheck; native-mc: native at memcheck's scale); appends
# "seconds kilobytes" to $tmp/WORK.TOOL.  WORK: mb, mallocbench (memcheck
# and native-mc at mc_ops allocations); sq, sqlite3 as in section 2.  Its
# result must match the native one at the same scale: no tool may change
# the program's work.  A tool other than deadbolt that fails is noted, not
# an error of the benchmark.
ltrun() {
	work=$1
	tool=$2
	small=0
	[ -f "$tmp/failed.$work.$tool" ] && return	# said once
	case $tool in
	native | deadbolt) set -- side "$tool" time ;;
	native-mc) small=1; set -- side native time ;;
	lsan) set -- tmr timeout 120 env LD_PRELOAD="$lsan" LSAN_OPTIONS=exitcode=0 ;;
	heaptrack) set -- tmr timeout 300 env -u LD_PRELOAD heaptrack -o "$tmp/heaptrack" ;;
	memcheck) small=1
		set -- tmr timeout 600 env -u LD_PRELOAD valgrind --leak-check=full -q ;;
	esac
	if [ "$work" = mb ]; then
		name=mallocbench
		n=$mb_ops
		[ "$small" = 1 ] && n=$mc_ops
		"$@" "$bin/mallocbench" -n "$n" >"$tmp/out" 2>"$tmp/err"
		st=$?
		sum=$(grep 'allocations, checksum' "$tmp/out")
	else
		name=sqlite3
		n=0
		"$@" sqlite3 -batch :memory: ".read $tmp/q.sql" >"$tmp/out" 2>"$tmp/err"
		st=$?
		sum=$(grep -E '^[0-9]+[|]' "$tmp/out")	# the SELECT's row
	fi
	preloaded "$tool" "$name"
	rm -f "$tmp"/heaptrack*
	case $tool in
	native* | deadbolt) what=error ;;
	*) what=note ;;
	esac
	if [ "$st" != 0 ] || [ -z "$sum" ]; then
		echo "$what: $name under $tool failed (status $st):" \
			"$(head -c 300 "$tmp/err")" >>"$tmp/notes"
		[ "$what" = note ] && : >"$tmp/failed.$work.$tool"
		return
	fi
	ref=$(cat "$tmp/ref.$work.$n" 2>/dev/null)
	if [ -z "$ref" ]; then
		echo "$sum" >"$tmp/ref.$work.$n"
	elif [ "$sum" != "$ref" ]; then
		echo "$what: $name under $tool: output differs from native" >>"$tmp/notes"
	fi
	tail -n 1 "$tmp/time" >>"$tmp/$work.$tool"
}

# leak_tools WORK LABEL: the runs of WORK natively and under each leak tool
# installed: native, deadbolt and LeakSanitizer reps times (deadbolt and
# native in ABBA order), heaptrack and memcheck once.
leak_tools() {
	work=$1
	progress "$2, warm-up"
	[ "$work" = mb ] && ltrun "$work" native-mc
	ltrun "$work" native
	: >"$tmp/$work.native-mc"
	: >"$tmp/$work.native"
	rep=1
	while [ "$rep" -le "$reps" ]; do
		progress "$2, run $rep of $reps"
		for mode in $(order "$rep"); do
			ltrun "$work" "$mode"
		done
		[ -f "$lsan" ] && ltrun "$work" lsan
		rep=$((rep + 1))
	done
	if command -v heaptrack >/dev/null 2>&1; then
		progress "$2 under heaptrack"
		ltrun "$work" heaptrack
	fi
	if command -v valgrind >/dev/null 2>&1; then
		progress "$2 under memcheck"
		if [ "$work" = mb ]; then
			ltrun "$work" native-mc
			ltrun "$work" memcheck
			ltrun "$work" native-mc
		else
			ltrun "$work" memcheck
		fi
	fi
}

# leak_table WORK: the table of WORK's runs: time and peak RSS, medians,
# ratios against native (memcheck of mallocbench: against native-mc)
leak_table() {
	mfmt='%-22s %7s %7s %7s %7s\n'
	# shellcheck disable=SC2059
	printf "$mfmt" tool time ratio rss ratio
	mtn=$(mcol "$1" native 1)
	mmn=$(mcol "$1" native 2)
	for tool in native deadbolt lsan heaptrack memcheck; do
		[ -s "$tmp/$1.$tool" ] || continue
		bt=$mtn
		bm=$mmn
		label=$tool
		case $tool in
		memcheck) label=memcheck
			if [ "$1" = mb ]; then
				bt=$(mcol mb native-mc 1)
				bm=$(mcol mb native-mc 2)
				label="memcheck (-n $mc_ops)"
			fi ;;
		lsan) label="LeakSanitizer" ;;
		esac
		t=$(mcol "$1" "$tool" 1)
		m=$(mcol "$1" "$tool" 2)
		# shellcheck disable=SC2059
		printf "$mfmt" "$label" "$(num 3 "$t")" "$(ratio "$t" "$bt")" "$(num 0 "$m")" \
			"$(ratio "$m" "$bm")"
	done
}
mcol() {	# mcol WORK TOOL FIELD: median of one field, seconds or MB
	awk -v f="$3" '{ print (f == 2 ? $2 / 1024 : $1) }' "$tmp/$1.$2" 2>/dev/null | median
}

leak_tools mb mallocbench
[ -f "$lsan" ] || echo "note: $lsan not found: no LeakSanitizer column" >>"$tmp/notes"
command -v heaptrack >/dev/null 2>&1 ||
	echo "note: heaptrack not installed: no heaptrack column" >>"$tmp/notes"
command -v valgrind >/dev/null 2>&1 ||
	echo "note: valgrind not installed: no memcheck column" >>"$tmp/notes"

echo
echo "3. malloc microbenchmark (bench/mallocbench.c, 2 threads x $mb_ops allocations):"
echo "   wall time (s) and peak RSS (MB); ratio = tool / native"
leak_table mb
echo "(deadbolt and LeakSanitizer: medians of $reps runs; heaptrack: one run;"
echo " memcheck: one run against native at the same scale)"

# The real allocation-heavy program of section 2, sqlite3 (its allocations
# are small and many), under the same tools.
if have sqlite3 sqlite3; then
	leak_tools sq "sqlite3 under the leak tools"
	echo
	echo "3b. the real allocation-heavy program under the same tools: sqlite3"
	echo "   threads=2 (600k rows); wall time (s) and peak RSS (MB); ratio = tool / native"
	leak_table sq
	echo "(native, deadbolt and LeakSanitizer: medians of $reps runs; heaptrack"
	echo " and memcheck: one run each)"
fi

# --- 4. race microbenchmark --------------------------------------------------

rep=1
while [ "$rep" -le "$reps" ]; do
	progress "racebench, run $rep of $reps"
	# native and deadbolt in ABBA order as above, race=0 at either end
	if [ $((rep % 2)) = 1 ]; then
		modes="native deadbolt norace"
	else
		modes="norace deadbolt native"
	fi
	for mode in $modes; do
		if side "$mode" none "$bin/racebench" -n "$rb_iters" >"$tmp/out" 2>"$tmp/err"; then
			preloaded "$mode" racebench
			sum=$(grep '^checksum' "$tmp/out")
			ref=$(cat "$tmp/rb.ref" 2>/dev/null)
			if [ -z "$ref" ]; then
				echo "$sum" >"$tmp/rb.ref"
			elif [ "$sum" != "$ref" ]; then
				echo "error: racebench $mode run $rep: checksum differs" >>"$tmp/notes"
			fi
			awk '$1 == "race-mix" { print $3 }' "$tmp/out" >>"$tmp/race.$mode"
		else
			echo "error: racebench $mode run $rep failed (status $?):" \
				"$(head -c 300 "$tmp/err")" >>"$tmp/notes"
		fi
	done
	rep=$((rep + 1))
done

echo
echo "4. race microbenchmark (bench/race_bench.c, 2 threads x $rb_iters iterations):"
echo "   ns per iteration; ratio = side / native"
rfmt='%-22s %9s %8s\n'
# shellcheck disable=SC2059
printf "$rfmt" side ns/iter ratio
touch "$tmp/race.native" "$tmp/race.deadbolt" "$tmp/race.norace"
rn=$(median <"$tmp/race.native")
for mode in native deadbolt norace; do
	r=$(median <"$tmp/race.$mode")
	label=$mode
	[ "$mode" = norace ] && label="deadbolt race=0"
	# shellcheck disable=SC2059
	printf "$rfmt" "$label" "$(num 2 "$r")" "$(ratio "$r" "$rn")"
done
echo "(an iteration: its own global counter, and every 8th a shared counter under"
echo " a mutex or an atomic add; deadbolt: race detection on, default options)"

echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
if [ -s "$tmp/notes" ]; then
	cat "$tmp/notes"
fi
# Slow is a figure, not a failure; a run that failed or printed something
# else is.
! grep -q '^error:' "$tmp/notes"

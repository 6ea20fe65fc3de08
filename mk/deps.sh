#!/bin/sh
# deps.sh - make sure the Debian packages deadbolt builds and tests with are
# installed.  As root: install what is missing with apt-get.  Otherwise: print
# the one command to run and fail.
#
# Each line: a file whose presence proves the package, then the package.
set -u
need='
/usr/include/x86_64-linux-gnu/libunwind.h:libunwind-dev
/usr/include/uthash.h:uthash-dev
/usr/include/elfutils/libdwfl.h:libdw-dev
/usr/include/gelf.h:libelf-dev
/usr/include/zlib.h:zlib1g-dev
/usr/include/capstone/capstone.h:libcapstone-dev
/usr/bin/g++:g++
/usr/bin/gcc:gcc
/usr/bin/strace:strace
/usr/bin/ld.lld:lld
/usr/bin/clang:clang
/usr/lib/x86_64-linux-gnu/libomp5.so:libomp-dev
'
missing=
for l in $need; do
	f=${l%%:*}; p=${l#*:}
	# multiarch include dirs differ off x86-64: accept the header anywhere
	if [ ! -e "$f" ]; then
		h=$(basename "$f")
		case "$f" in
		/usr/include/*) ls /usr/include/*/"$h" >/dev/null 2>&1 && continue ;;
		esac
		missing="$missing $p"
	fi
done
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deadbolt: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
	echo "deadbolt: apt-get install failed for:$missing" >&2
	exit 1
fi
echo "deadbolt: missing build dependencies. Run:" >&2
echo "    sudo apt-get install$missing" >&2
exit 1

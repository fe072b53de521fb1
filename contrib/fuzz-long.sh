#!/bin/sh
# Long fuzzing runs: every fuzz target (or the ones named) for an hour
# each (-t seconds), up to nproc at once (-j), each growing its corpus in
# DIR/NAME outside the tree (seeded from tests/data/fuzz/NAME on the
# first run, reused and grown by the next ones) and writing its crash
# files to DIR/NAME/artifacts.  Prints per target the execs, exec/s and
# final cov and ft, then every crash file found.  Builds the fuzzing
# build (CC=clang --enable-fuzzing) in build-fuzz first if it is missing.
#
# usage: contrib/fuzz-long.sh [-t seconds] [-j jobs] [-b builddir] [-n]
#            DIR [target...]
# e.g.   contrib/fuzz-long.sh -t 3600 ~/fuzz-corpus compose config
# A finding is fixed with a regression test in tests/unit and copied to
# tests/data/fuzz/NAME/regress-WHAT as a seed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
secs=3600
jobs=$(nproc 2>/dev/null || echo 2)
build="$top/build-fuzz"
nice=""
while getopts t:j:b:n opt; do
	case $opt in
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	b) build=$OPTARG ;;
	n) nice=-n ;;
	*) echo "usage: fuzz-long.sh [-t s] [-j n] [-b builddir] [-n] DIR [target...]" >&2
	   exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: fuzz-long.sh [-t s] [-j n] [-b builddir] [-n] DIR [target...]" >&2; exit 64; }
mkdir -p "$1" || exit 73
dir=$(cd "$1" && pwd)
shift

if [ ! -f "$build/Makefile" ]; then
	echo "fuzz-long: configuring $build (CC=clang --enable-fuzzing)"
	mkdir -p "$build" &&
	    (cd "$build" && "$top/configure" CC=clang --enable-fuzzing \
	    >configure.out 2>&1) ||
	    { echo "fuzz-long: configure failed: $build/configure.out" >&2; exit 1; }
fi
grep -q '^FUZZ_LDFLAGS = -fsanitize=fuzzer' "$build/Makefile" ||
    { echo "fuzz-long: $build is not configured with --enable-fuzzing" >&2; exit 1; }
(cd "$build" && make -j"$jobs" >make.out 2>&1) ||
    { echo "fuzz-long: build failed: $build/make.out" >&2; exit 1; }
[ $# -gt 0 ] || set -- $(sed -n 's/^FUZZ_TARGETS = //p' "$build/Makefile")

echo "fuzz-long: $* for $secs s each, $jobs at once, corpora in $dir"
sh "$top/tests/fuzz/fuzz-run.sh" $nice -t "$secs" -j "$jobs" -c "$dir" \
    "$build/tests/fuzz" "$top/tests/data/fuzz" "$@"
rc=$?
for t in "$@"; do
	n=$(ls "$dir/$t" | grep -vc '^artifacts$')
	echo "corpus $t: $n inputs in $dir/$t"
	for f in "$dir/$t"/artifacts/*; do
		[ -f "$f" ] && echo "crash file $t: $f"
	done
done
exit $rc

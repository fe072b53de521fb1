#!/bin/sh
# Runs libFuzzer targets for a while each and tells, per target, whether
# it found anything: "PASS: fuzz-NAME: ..." or "FAIL: fuzz-NAME: ..."
# with its execs, exec/s and final coverage (libFuzzer's cov: and ft:),
# then "fuzz: N passed, N failed".  A crash, a leak, a timeout (over 10 s
# for one input), running out of memory (2 GB) or an exit status other
# than 0 fails the target.  make fuzz-smoke (60 s each) and
# contrib/fuzz-long.sh (hours) use it.
#
# usage: fuzz-run.sh [-t seconds] [-j jobs] [-c corpus-root] [-n]
#            bindir seeddir target...
#   bindir   the folder of the fuzz-NAME programs (build/tests/fuzz)
#   seeddir  the seed corpora, seeddir/NAME (tests/data/fuzz)
#   -t       seconds per target (60)
#   -j       targets run at once (1)
#   -c       keep each grown corpus in corpus-root/NAME and its crash
#            files in corpus-root/NAME/artifacts (default: a copy of the
#            seeds in a temporary folder, removed when nothing was found)
#   -n       run the targets under nice -n 10
set -u

secs=60
jobs=1
root=""
nice=""
while getopts t:j:c:n opt; do
	case $opt in
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	c) root=$OPTARG ;;
	n) nice="nice -n 10" ;;
	*) echo "usage: fuzz-run.sh [-t s] [-j n] [-c dir] [-n] bindir seeddir target..." >&2
	   exit 64 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || { echo "fuzz-run: bindir seeddir target..." >&2; exit 64; }
bindir=$(cd "$1" && pwd) || exit 66
seeddir=$(cd "$2" && pwd) || exit 66
shift 2

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-run.XXXXXX") || exit 73
here=$(cd "$(dirname "$0")" && pwd)
supp="$here/../lsan.supp"
[ -r "$supp" ] && LSAN_OPTIONS="suppressions=$supp:print_suppressions=0" &&
    export LSAN_OPTIONS
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export UBSAN_OPTIONS

# The value after "key: " in the last status line of a libFuzzer log.
stat_of() {
	grep -E '^#[0-9]+' "$1" | tail -1 | sed -n "s/.* $2: \([0-9]*\).*/\1/p"
}

# Runs one target; its verdict line goes to $work/NAME.result.
run_one() {
	t=$1
	bin="$bindir/fuzz-$t"
	log="$work/$t.log"
	if [ -n "$root" ]; then
		corpus="$root/$t"
		art="$root/$t/artifacts"
		mkdir -p "$corpus" "$art"
		[ -n "$(ls -A "$corpus" | grep -v '^artifacts$')" ] ||
		    cp "$seeddir/$t"/* "$corpus"/ 2>/dev/null
		extra="$seeddir/$t"
	else
		corpus="$work/$t.corpus"
		art="$work/$t.artifacts"
		mkdir -p "$corpus" "$art"
		cp "$seeddir/$t"/* "$corpus"/ 2>/dev/null
		extra=""
	fi
	before=$(ls "$art" | grep -E '^(crash|leak|timeout|oom)-' | wc -l)
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz-$t: $bin not built" >"$work/$t.result"
		return
	fi
	# shellcheck disable=SC2086
	$nice "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$art/" \
	    "$corpus" $extra </dev/null >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	found=$(ls "$art" | grep -E '^(crash|leak|timeout|oom)-' | wc -l)
	line="fuzz-$t: execs ${execs:-?}, exec/s ${rate:-?}, cov $(stat_of "$log" cov), ft $(stat_of "$log" ft), findings $found"
	# Findings of an earlier long run are listed but do not fail this one.
	if [ "$rc" -eq 0 ] && [ "$found" -eq "$before" ] && [ -n "$execs" ]; then
		echo "PASS: $line" >"$work/$t.result"
		return
	fi
	{
		echo "FAIL: $line (exit $rc)"
		grep -E 'ERROR: |runtime error|SUMMARY|Test unit written' \
		    "$log" | head -8 | sed 's/^/    /'
		for f in $(ls "$art" | grep -E '^(crash|leak|timeout|oom)-'); do
			echo "    reproduce: $bin $art/$f"
		done
		echo "    log: $log"
	} >"$work/$t.result"
}

pass=0
fail=0
keep=0
all="$*"
while [ $# -gt 0 ]; do
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		run_one "$1" &
		shift
		n=$((n + 1))
	done
	wait
done
for t in $all; do
	cat "$work/$t.result"
	if grep -q '^PASS' "$work/$t.result"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		keep=1
	fi
done
echo "fuzz: $pass passed, $fail failed"
if [ "$keep" -eq 0 ]; then
	rm -rf "$work"
else
	echo "fuzz: logs and inputs kept in $work"
fi
[ "$fail" -eq 0 ]

#!/bin/bash
# Benchmark (prints figures, never fails on timing): the cost of one
# `conductd --once` pass with nothing new, with 0, 10,000 and 100,000
# cases in the database.  The cases are seeded the fast way: a maildir of
# that many messages imported into INBOX with doveadm, then one --once
# pass (bench_seed_cases).  Then ROUNDS passes with an empty INBOX are
# timed (wall, user+sys): medians and ranges, and the ratio to 0 cases.
# Usage: top_builddir=BUILD bash tests/bench/bench-pass.sh [ROUNDS] [CASES...]
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
. "$top_srcdir/tests/bench/benchlib.sh"
rounds=${1:-5}
shift || true
sizes=${*:-0 10000 100000}

cd_setup tls
tb_ini_set "$CONF" daemon log_level warn
base=
for nc in $sizes; do
	md=${BENCH_CACHE:-$TB}/mailbox-$nc-0
	[ "$nc" = 0 ] || bench_gen "$md" "$nc" 0
	bench_seed_cases "$nc" "$md"
	: >"$TB/pass.times"
	for r in $(seq 1 "$rounds"); do
		bench_timed "$TB/pass.times" "$CONDUCTD" -f "$CONF" --once
	done
	awk '{ print $2 + $3 }' "$TB/pass.times" >"$TB/pass.cpu"
	med=$(bench_median "$TB/pass.times" 1)
	[ -n "$base" ] || base=$med
	printf 'figure: --once pass, nothing new, %6d cases: wall %s s, cpu %s s, peak RSS %s kB, %.1fx the first\n' \
	    "$nc" "$(bench_stats "$TB/pass.times" 1)" \
	    "$(bench_stats "$TB/pass.cpu" 1)" \
	    "$(bench_stats "$TB/pass.times" 4 | sed 's/\.000//g')" \
	    "$(awk -v a="$med" -v b="$base" 'BEGIN { print (b > 0 ? a / b : 0) }')"
done

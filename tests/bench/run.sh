#!/bin/bash
# Runs the benchmarks of tests/bench/ one after the other; each prints
# "figure:" lines and none fails on timing.  Sizes come from the
# environment, so a short run works while developing:
#   BENCH_SMALL=10000 BENCH_BIG=200   the mailbox: ~3 KB and ~1 MB messages
#   BENCH_ROUNDS=5                    interleaved rounds against mbsync
#   BENCH_PASS_CASES="0 10000 100000" cases for the nothing-new pass cost
#   BENCH_PASS_ROUNDS=5               timed passes at each size
#   BENCH_ACK_CASES="0 10000"         cases for the IDLE latency
#   BENCH_ACK_ROUNDS=50               reports timed at each size
#   BENCH_BIG_MB=27                   the one big mail of bench-rss.sh
#   BENCH_ONLY="mbsync pass ack rss outbox"   which to run
#   BENCH_CACHE=DIR                   keep the generated maildirs there
# Usage: top_builddir=BUILD bash tests/bench/run.sh   (or: make bench)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${BENCH_SMALL:=10000}" "${BENCH_BIG:=200}" "${BENCH_ROUNDS:=5}"
: "${BENCH_PASS_CASES:=0 10000 100000}" "${BENCH_PASS_ROUNDS:=5}"
: "${BENCH_ACK_CASES:=0 10000}" "${BENCH_ACK_ROUNDS:=50}"
: "${BENCH_BIG_MB:=27}" "${BENCH_ONLY:=mbsync pass ack rss outbox}"
st=0
for b in $BENCH_ONLY; do
	echo "== bench-$b"
	case "$b" in
	mbsync) set -- "$BENCH_SMALL" "$BENCH_BIG" "$BENCH_ROUNDS" ;;
	pass) set -- "$BENCH_PASS_ROUNDS" $BENCH_PASS_CASES ;;
	ack) set -- "$BENCH_ACK_ROUNDS" $BENCH_ACK_CASES ;;
	rss) set -- "$BENCH_SMALL" "$BENCH_BIG" "$BENCH_BIG_MB" ;;
	*) set -- ;;
	esac
	if [ ! -f "$here/bench-$b.sh" ]; then
		echo "(no tests/bench/bench-$b.sh)"
		continue
	fi
	bash "$here/bench-$b.sh" "$@" || { st=1; echo "bench-$b failed"; }
done
exit "$st"

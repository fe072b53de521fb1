#!/bin/bash
# Benchmark (prints figures, never fails on timing): arrival to
# acknowledgment under IDLE, with 0 and 10,000 cases in the database.
# Each round sends a report from a sender of its own through Postfix; the
# clock starts when Postfix has accepted it and stops when the daemon logs
# that Postfix accepted its acknowledgment.  That includes Postfix to
# Dovecot over LMTP and Dovecot's ~0.5 s IDLE notify delay.  Prints p50,
# p95 and p99 over ROUNDS (seeding as in bench-pass.sh).
# Usage: top_builddir=BUILD bash tests/bench/bench-ack.sh [ROUNDS] [CASES...]
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
. "$top_srcdir/tests/bench/benchlib.sh"
rounds=${1:-50}
shift || true
sizes=${*:-0 10000}

acks() { grep -c '(ack, case .*accepted by the server' "$TB/conductd.log" || true; }

cd_setup tls
tb_ini_set "$CONF" daemon log_level warn
for nc in $sizes; do
	md=${BENCH_CACHE:-$TB}/mailbox-$nc-0
	[ "$nc" = 0 ] || bench_gen "$md" "$nc" 0
	bench_seed_cases "$nc" "$md"
	tb_ini_set "$CONF" daemon poll_interval 3600
	tb_ini_set "$CONF" daemon log_level debug
	: >"$TB/conductd.log"
	cd_start_daemon
	TB_TIMEOUT=600 cd_wait_log "waiting for new mail (IDLE"
	: >"$TB/ack.times"
	for r in $(seq 1 "$rounds"); do
		before=$(acks)
		tb_send "idle$nc-$r@elsewhere.test" conduct@example.test \
		    --header "Subject: idle $r" --body "idle round $r"
		t0=$(date +%s.%N)
		end=$(( $(date +%s) + 60 ))
		until [ "$(acks)" -gt "$before" ]; do
			[ "$(date +%s)" -lt "$end" ] || tb_fail "no ack in 60 s"
			sleep 0.005
		done
		t1=$(date +%s.%N)
		awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$TB/ack.times"
	done
	printf 'figure: arrival to acknowledgment under IDLE, %5d cases, %d rounds: %s\n' \
	    "$nc" "$rounds" "$(bench_pct "$TB/ack.times" 50 95 99)"
	printf 'figure: daemon RSS at %d cases after %d reports: %s kB (peak %s kB)\n' \
	    "$nc" "$rounds" "$(bench_proc "$CD_PID" VmRSS)" \
	    "$(bench_proc "$CD_PID" VmHWM)"
	cd_stop_daemon TERM || true
	tb_ini_set "$CONF" daemon log_level warn
done

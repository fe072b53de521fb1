#!/bin/bash
# Benchmark (prints figures, never fails on timing): fetch-and-store rate
# for N messages of about 3 KB in one `conductd --once` pass (which also
# files each as a case and acknowledges it), then, while conductd waits
# in IDLE, the time from SMTP delivery of a report to its stored record
# and to its acknowledgment being accepted by Postfix.
# Usage: top_builddir=BUILD bash tests/bench/bench-intake.sh [N] [IDLE_ROUNDS]
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
. "$top_srcdir/tests/e2e/cdlib.sh"
n=${1:-1000}
rounds=${2:-10}

cd_setup tls
tb_ini_set "$CONF" daemon log_level warn
pad=$(head -c 2200 /dev/zero | tr '\0' 'x' | fold -w 72)
# Seed through a maildir imported in one go (fast; not what is measured).
md="$TB/seed"
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in $(seq 1 "$n"); do
	printf 'From: reporter1@example.test\r\nTo: conduct@example.test\r\nSubject: bench %s\r\nMessage-ID: <bench-%s@example.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nreport %s\r\n%s\r\n' \
	    "$i" "$i" "$i" "$pad" >"$md/cur/$i.bench:2,"
done
chown -R dovecot:dovecot "$md"
doveadm -c "$TB/dovecot.conf" import -u conduct "maildir:$md" "" all ||
    tb_fail "doveadm import"
have=$(tb_imap_count conduct INBOX)
echo "seeded $have messages"
t0=$(date +%s.%N)
cd_once
t1=$(date +%s.%N)
stored=$(cd_count)
awk -v a="$t0" -v b="$t1" -v n="$stored" 'BEGIN {
	printf "figure: fetch+store+move of %d messages: %.2f s, %.0f messages/s\n", n, b - a, n / (b - a) }'

tb_ini_set "$CONF" daemon poll_interval 3600
tb_ini_set "$CONF" daemon log_level debug
cd_start_daemon
cd_wait_log "waiting for new mail (IDLE"
total=0
base=$(cd_count)
acked() { cd_ctl cases --wide | awk 'NR > 1 && $5 ~ /T/' | wc -l; }
acktotal=0
ackbase=$(acked)
for r in $(seq 1 "$rounds"); do
	t0=$(date +%s.%N)
	tb_send "idle$r@elsewhere.test" conduct@example.test \
	    --header "Subject: idle $r" --body "idle round $r"
	cd_wait_count $((base + r))
	t1=$(date +%s.%N)
	until [ "$(acked)" -eq $((ackbase + r)) ]; do
		sleep 0.01
	done
	t2=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v r="$r" 'BEGIN { printf "idle round %d: stored after %.3f s, ack accepted after %.3f s\n", r, b - a, c - a }'
	total=$(awk -v t="$total" -v a="$t0" -v b="$t1" 'BEGIN { print t + b - a }')
	acktotal=$(awk -v t="$acktotal" -v a="$t0" -v c="$t2" 'BEGIN { print t + c - a }')
done
awk -v t="$total" -v r="$rounds" 'BEGIN {
	printf "figure: SMTP delivery to stored record under IDLE: %.3f s on average over %d rounds (includes swaks and Postfix->LMTP, and Dovecot'"'"'s ~0.5 s notify delay)\n", t / r, r }'
awk -v t="$acktotal" -v r="$rounds" 'BEGIN {
	printf "figure: SMTP delivery of a report to its acknowledgment accepted by Postfix, under IDLE: %.3f s on average over %d rounds\n", t / r, r }'
cd_stop_daemon TERM

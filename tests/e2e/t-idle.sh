#!/bin/bash
# IDLE: a report delivered while the daemon waits is fetched at once, not
# after the poll interval (an hour here); SIGTERM ends the daemon cleanly.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls
tb_ini_set "$CONF" daemon poll_interval 3600
cd_start_daemon
cd_wait_log "waiting for new mail (IDLE"

for n in 1 2 3; do
	t0=$(date +%s.%N)
	tb_send "reporter$(( (n % 2) + 1 ))@example.test" conduct@example.test \
	    --header "Subject: idle $n" --body "report number $n"
	cd_wait_count "$n"
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "figure: delivery to stored record under IDLE: %.3f s\n", b - a }'
done
tb_pass "three reports fetched while waiting in IDLE (poll interval 3600 s)"
# Acknowledged from the daemon's loop: every report (reporter2 twice).
tb_imap_wait_count reporter1 INBOX 1 20
tb_imap_wait_count reporter2 INBOX 2 20
cd_expect_eq "acks to reporter2 (one per report)" "$(tb_imap_count reporter2 INBOX)" 2
cd_expect_eq "cases" "$(cd_cases)" 3
cd_expect_eq "in Processed" "$(tb_imap_count conduct Processed)" 3

st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM" "$st" 0
grep -q 'stopping on signal' "$TB/conductd.log" || tb_fail "no clean stop logged"
tb_pass "SIGTERM stops the daemon cleanly"

#!/bin/bash
# Crash at every durable step, then restart: each message is stored once,
# moved once, never lost.  Then a real kill -9 of a busy daemon.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
total=0
for step in after-store after-move; do
	for n in 1 2 3; do
		tb_send reporter1@example.test conduct@example.test \
		    --header "Subject: $step $n" --body "crash test $step $n"
	done
	total=$((total + 3))
	tb_imap_wait_count conduct INBOX 3 20
	st=0
	CONDUCTD_CRASH_AT=$step "$CONDUCTD" -f "$CONF" --once \
	    >>"$TB/conductd.log" 2>&1 || st=$?
	cd_expect_eq "exit status of a crash at $step" "$st" 137
	cd_once || tb_fail "the pass after a crash at $step failed"
	cd_expect_eq "stored after a crash at $step" "$(cd_rows)" "$total"
	cd_expect_eq "in INBOX after a crash at $step" \
	    "$(tb_imap_count conduct INBOX)" 0
	cd_expect_eq "in Processed after a crash at $step" \
	    "$(tb_imap_count conduct Processed)" "$total"
	cd_once || tb_fail "a third pass failed"
	cd_expect_eq "stored after one more pass" "$(cd_rows)" "$total"
done
cd_ctl messages | grep -q ' stored ' &&
    tb_fail "a row is still waiting to be moved"
tb_pass "no row left half-done"

# A real SIGKILL while the daemon works through a pile of mail.
for n in $(seq 1 40); do
	printf 'From: reporter2@example.test\nTo: conduct@example.test\nSubject: pile %s\nMessage-ID: <pile-%s@example.test>\n\nreport %s of the pile\n' \
	    "$n" "$n" "$n" >"$TB/pile.eml"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$TB/pile.eml" ||
	    tb_fail "doveadm save"
done
total=$((total + 40))
cd_start_daemon
cd_wait_log "stored message $((total - 40 + 1)) "
kill -9 "$CD_PID"
wait "$CD_PID" 2>/dev/null || true
CD_PID=""
cd_once || tb_fail "the pass after kill -9 failed"
cd_expect_eq "stored after kill -9 and a restart" "$(cd_rows)" "$total"
cd_expect_eq "content rows after kill -9" "$(cd_count)" "$total"
cd_expect_eq "in Processed after kill -9" "$(tb_imap_count conduct Processed)" "$total"
cd_expect_eq "in INBOX after kill -9" "$(tb_imap_count conduct INBOX)" 0

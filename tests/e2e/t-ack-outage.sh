#!/bin/bash
# The outbox never drops an acknowledgment: Postfix down -> no ack yet
# and nothing lost; Postfix back and the backoff passed (moved clock) ->
# exactly one ack.  A crash right after the decision, or right after the
# server accepted the ack, ends with the ack delivered (at most one
# duplicate in the second case).
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"

cd_setup starttls
tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20
tb_stop_postfix
cd_once || tb_fail "a pass with Postfix down failed"
cd_expect_eq "cases with Postfix down" "$(cd_cases)" 1
code=$(cd_code 1)
cd_ctl show "$code" | grep -q ' ack .* reporter .*queued .*attempts 1' ||
    tb_fail "the ack is not queued with one failed attempt"
tb_start_postfix
cd_once || tb_fail "pass failed"
cd_expect_eq "acks before the backoff has passed" "$(tb_imap_count reporter1 INBOX)" 0
CONDUCTD_CLOCK_OFFSET=61 cd_once || tb_fail "pass after the backoff failed"
tb_imap_wait_count reporter1 INBOX 1 20
CONDUCTD_CLOCK_OFFSET=7200 cd_once || tb_fail "a later pass failed"
cd_expect_eq "acks after Postfix came back" "$(tb_imap_count reporter1 INBOX)" 1
cd_ctl cases --wide | grep "^$code " | grep -q 'T' || tb_fail "no ack time recorded"

# Killed after the decision was committed, before sending.
tb_send_file reporter2@example.test conduct@example.test "$data/korean.eml"
tb_imap_wait_count conduct INBOX 1 20
st=0
CONDUCTD_CRASH_AT=after-decide "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 || st=$?
cd_expect_eq "exit status of a crash after the decision" "$st" 137
cd_expect_eq "cases after the crash" "$(cd_cases)" 2
cd_once || tb_fail "pass after the crash failed"
tb_imap_wait_count reporter2 INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after the restart" "$(cd_cases)" 2
cd_expect_eq "acks after a crash after the decision" "$(tb_imap_count reporter2 INBOX)" 1

# Killed after the server accepted the ack, before it was marked sent.
tb_send outsider@example.test conduct@example.test --header "Subject: third" \
    --body "Location: the hallway. Someone shouted at me."
tb_imap_wait_count conduct INBOX 1 20
st=0
CONDUCTD_CRASH_AT=after-send "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 || st=$?
cd_expect_eq "exit status of a crash after sending" "$st" 137
cd_once || tb_fail "pass after the crash failed"
cd_once || tb_fail "pass failed"
tb_imap_wait_count outsider INBOX 1 20
n=$(tb_imap_count outsider INBOX)
[ "$n" -ge 1 ] && [ "$n" -le 2 ] || tb_fail "$n acks after a crash after sending"
tb_pass "a crash after sending: $n ack(s), at most one duplicate"
cd_expect_eq "cases at the end" "$(cd_cases)" 3

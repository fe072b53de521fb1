#!/bin/bash
# A busy database never causes a resend: another process (sqlite3, BEGIN
# IMMEDIATE) holds the write lock for 35 s, longer than the busy
# timeout, from the moment conductd starts sending the acknowledgment
# until well after the server took it.  The write of the outcome waits
# the lock out; every mail is delivered exactly once.  The test bed's
# Postfix pauses 2 s at DATA (smtpd_data_restrictions = sleep 2), so the
# lock is surely taken between the send and its outcome.  One SMTP
# connection: the rows go one after another, so row 1's outcome is the
# write that meets the lock, whatever the machine's load.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"
LOCK_PID=""

# The lock holder is stopped by its PID if the test ends early.
t_cleanup() {
	rc=$?
	if [ -n "$LOCK_PID" ]; then
		kill "$LOCK_PID" 2>/dev/null || true
		wait "$LOCK_PID" 2>/dev/null || true
	fi
	(exit "$rc")
	cd_cleanup
}

cd_setup starttls
trap t_cleanup EXIT
cd_committee
tb_ini_set "$CONF" smtp connections 1
tb_stop_postfix
echo "smtpd_data_restrictions = sleep 2" >>"$TB/postfix/conf/main.cf"
tb__backdate "$TB/postfix/conf/main.cf"
tb_start_postfix

tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20
cd_start_daemon
TB_TIMEOUT=30 cd_wait_log "outbox: row 1 (ack, case .*): sending"

# The lock: sqlite3 reads its commands from a FIFO we hold open.
mkfifo "$TB/lock.fifo"
sqlite3 "$TB/state/conductd.db" <"$TB/lock.fifo" >"$TB/lock.out" 2>&1 &
LOCK_PID=$!
exec 7>"$TB/lock.fifo"
echo "BEGIN IMMEDIATE;" >&7
echo "SELECT 'locked';" >&7
TB_TIMEOUT=5 tb_wait_for grep -q locked "$TB/lock.out"
tb_pass "the write lock is held by another process"
sleep 35
echo "COMMIT;" >&7
exec 7>&-
wait "$LOCK_PID" || tb_fail "sqlite3 holding the lock failed: $(cat "$TB/lock.out")"
LOCK_PID=""
grep -q "database is locked\|BUSY" "$TB/lock.out" &&
    tb_fail "sqlite3 did not hold the lock: $(cat "$TB/lock.out")"

TB_TIMEOUT=60 cd_wait_log "outbox: row 5 (conflict-check, case .*) accepted"
cd_stop_daemon TERM || true
cd_wait_queue

code=$(cd_code 1)
cd_exactly reporter1 1 "[CoC $code]"
for u in alice bob carol dave; do
	cd_exactly "$u" 1 "[CoC $code] Conflict check"
done
tb_pass "every mail was delivered exactly once"

grep -q "outbox: row 1: outcome not written (is the database locked?)" \
    "$TB/conductd.log" || tb_fail "the outcome write did not meet the lock"
grep -q "outbox: row 1: outcome written after [0-9]* tries" \
    "$TB/conductd.log" || tb_fail "the outcome write was not retried"
tb_pass "the outcome write waited the lock out"

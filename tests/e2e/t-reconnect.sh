#!/bin/bash
# Reconnect: Dovecot restarted under a running daemon.  Mail delivered
# while it was down is fetched after it returns; nothing is lost or
# doubled.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
# Postfix authenticates against Dovecot, so SMTP stalls while Dovecot
# restarts; this test is about IMAP alone.
tb_ini_set "$CONF" smtp host ""
tb_ini_set "$CONF" daemon poll_interval 3600
cd_full_stacks
cd_start_daemon
cd_wait_log "waiting for new mail"

tb_send reporter1@example.test conduct@example.test --header "Subject: one" \
    --body "before the restart"
cd_wait_count 1

tb_stop_dovecot
tb_send reporter2@example.test conduct@example.test --header "Subject: two" \
    --body "sent while the IMAP server was down"
cd_wait_log "retrying in"
tb_start_dovecot
cd_wait_count 2
tb_pass "the daemon reconnected and fetched the mail sent during the outage"

tb_send reporter1@example.test conduct@example.test --header "Subject: three" \
    --body "after the restart"
cd_wait_count 3
tb_imap_wait_count conduct Processed 3 20
cd_expect_eq "rows (nothing doubled)" "$(cd_rows)" 3
cd_expect_eq "left in INBOX" "$(tb_imap_count conduct INBOX)" 0
kill -0 "$CD_PID" 2>/dev/null || tb_fail "the daemon died"

# Stopped while the server is down: a clean stop, not a failure.
n=$(grep -c "retrying in" "$TB/conductd.log")
tb_stop_dovecot
cd_wait_log_count "retrying in" $(( n + 1 ))
st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM during an outage" "$st" 0

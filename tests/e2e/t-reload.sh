#!/bin/bash
# SIGHUP: a valid new configuration is taken (a member added later gets
# the conflict check of the next case); an invalid one is refused with
# its file and line in the log, and the daemon goes on with the old one.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
tb_ini_set "$CONF" daemon poll_interval 3600
cd_members Alice:lead
cd_start_daemon
cd_wait_log "waiting for new mail"

cd_members Bob:lead
kill -HUP "$CD_PID"
cd_wait_log "configuration reloaded"
tb_send reporter1@example.test conduct@example.test --header "Subject: one" \
    --body "Reported person: someone in a grey hoodie"
tb_imap_wait_count bob INBOX 1 20
tb_pass "after a reload, the new member Bob gets the conflict check"

cp "$CONF" "$TB/good.conf"
echo "colour = blue" >>"$CONF"
line=$(grep -n '^colour' "$CONF" | cut -d: -f1)
kill -HUP "$CD_PID"
cd_wait_log "reload refused"
grep -qF "$CONF:$line: [member] colour: unknown key" "$TB/conductd.log" ||
    tb_fail "the refusal does not name the file, line and key"
! grep -q "Bob" "$TB/conductd.log" ||
    tb_fail "the log names a member: $(grep Bob "$TB/conductd.log")"
tb_pass "an invalid configuration is refused with file, line and key" \
    "(and no member's name)"
kill -0 "$CD_PID" || tb_fail "the daemon stopped"
tb_send reporter2@example.test conduct@example.test --header "Subject: two" \
    --body "Reported person: someone at the coffee stand"
tb_imap_wait_count bob INBOX 2 20
tb_pass "the daemon goes on with the configuration it had"
st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM" "$st" 0

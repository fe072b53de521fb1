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
# A storm of SIGHUPs while reports arrive: no signal may cut an IMAP or
# SMTP exchange short (a reload during a login used to drop it), and none
# may lose a report.
cp "$TB/good.conf" "$CONF"
for i in 1 2 3 4 5; do
	tb_send "reporter1+storm$i@example.test" conduct@example.test \
	    --header "Subject: storm $i" \
	    --body "Reported person: someone at table $i"
done
for i in $(seq 1 40); do
	kill -HUP "$CD_PID"
	sleep 0.05
done
tb_imap_wait_count bob INBOX 7 30
! grep -E "failed|connection lost" "$TB/conductd.log" ||
    tb_fail "a signal cut an exchange: $(grep -E "failed|connection lost" \
    "$TB/conductd.log" | head -3)"
tb_pass "40 SIGHUPs while 5 reports arrive: all filed, no exchange cut"
st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM" "$st" 0

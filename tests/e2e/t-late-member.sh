#!/bin/bash
# Members added to the configuration after a case opened: auto-recusal
# applies to them as if they had been there (DESIGN: a conflicted member
# receives nothing about the case).  On a moved clock, --once passes
# (each one a new configuration load), read back from the mailboxes:
#   an urgent report names Bob, excludes Dave, and arrives while the
#   committee is Alice (lead) and Carol (backup);
#   Bob (lead), Dave (backup) and Erin (lead) are added;
#   the hourly urgent alert then reaches Alice and Erin, never Bob;
#   Alice's #conflict sends the conflict check to the new lead Erin, and
#   the escalation after 24 h to the backup Carol;
#   through all of it and the weekly digest (27 h), Bob and Dave get
#   nothing about the case: their digests have no line for it.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
H=3600
export TZ=UTC

# The digest falls between the passes at 25 h and 27 h.
digest=$(($(date +%s) + 26 * H))
cd_setup starttls
cat >>"$CONF" <<EOF
urgent_repeat = 1h
conflict_reminder_after = 12h
conflict_escalate_after = 24h
EOF
tb_ini_set "$CONF" committee digest_day "$(date -u -d "@$digest" +%A | tr 'A-Z' 'a-z')"
tb_ini_set "$CONF" committee digest_hour "$(date -u -d "@$digest" +%-H)"
cd_members Alice:lead Carol:backup

# pass OFFSET: one pass with the clock moved by OFFSET seconds; waits
# until Postfix delivered what it sent.
pass() {
	CONDUCTD_CLOCK_OFFSET=$1 cd_once || tb_fail "conductd --once at +$1 s"
	cd_wait_queue
}

cat >"$TB/report.eml" <<EOF
From: Olive Outsider <outsider@$D>
To: conduct@$D
Subject: Right now, in the hall
Message-ID: <late-member-report@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Location: the lower foyer
Ongoing: yes, it is happening right now

Description: he keeps blocking the door and laughs about it.

Reported person: Bob Baker <bob@$D>

Please do not share this with Dave.
EOF
tb_send_file outsider@$D conduct@$D "$TB/report.eml"
tb_imap_wait_count conduct INBOX 1 20
pass 0
code=$(cd_codename outsider)
cd_sync alice
cd_exactly alice 1 "Subject: [CoC $code] Conflict check"
cd_exactly alice 1 "[CoC $code]" "URGENT"
tb_pass "case $code: Alice has its conflict check and the urgent alert"

cd_members Bob:lead Dave:backup Erin:lead
pass $((H + 60))
[ "$(grep -c "case $code: a member is recused" "$TB/conductd.log")" = 2 ] ||
    tb_fail "the new configuration did not recuse two members (Bob, Dave)"
cd_sync alice
cd_sync erin
cd_exactly alice 2 "[CoC $code]" "URGENT"
cd_exactly erin 1 "[CoC $code]" "URGENT"
tb_pass "after the reload the hourly alert reaches Alice and Erin"

cd_msend alice@$D "$(cd_maddr alice "$code")" "Re: conflict" "#conflict"
tb_imap_wait_count conduct INBOX 1 20
pass $((H + 120))
cd_sync erin
cd_exactly erin 1 "Subject: [CoC $code] Conflict check"
tb_pass "Alice's #conflict sends the conflict check to the new lead Erin"

pass $((25 * H))
cd_sync carol
cd_exactly carol 1 "Subject: [CoC $code] Conflict check"
tb_pass "nobody joined in 24 h: the backup Carol is asked"
pass $((27 * H))
cd_sync carol
cd_exactly carol 1 "Subject: [CoC] Weekly status" "$code"
for u in bob dave; do
	cd_sync "$u"
	cd_exactly "$u" 1 "Subject: [CoC] Weekly status"
	for f in $(cd_grep "$u" "$code"); do
		tb_fail "$u got mail about $code: $(cd_hdr "$f" Subject)"
	done
done
tb_pass "Bob and Dave get nothing about $code, not even a digest line"

#!/bin/bash
# URGENT alerts without report content (issue 11, build 2), on a moved
# clock (CONDUCTD_CLOCK_OFFSET per "conductd --once" pass; nothing sleeps
# for timing), every mailbox read back over IMAP.  Leads Alice and Bob,
# member Carol; the alias has urgent_alert_details = location:
#   an ongoing report: both leads are alerted in the pass that received
#   it, with the code name, "ongoing", #noconflict and the location line,
#   and nothing else of the report (neither alert nor conflict check);
#   the alert repeats after urgent_repeat (1 h) while no lead has taken
#   the case, still without content;
#   Alice's #noconflict: in that same pass she gets the report; Bob, who
#   never answered, gets no content, and nobody gets another alert;
#   Carol (member) never gets an alert.
# t-schedule.sh covers the default (none): its alert has no location.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
H=3600
MIN=60
export TZ=UTC

cd_setup starttls
cat >>"$CONF" <<EOF
urgent_repeat = 1h
urgent_alert_details = location
EOF
cd_members Alice:lead Bob:lead Carol:member

URGENT="URGENT: ongoing incident"
# Words of the report's text and its reporter (the conflict check names
# the reported person by design, the alert does not).
SECRETS="mauve_tapir whispers Olive outsider@"

# pass OFFSET [N]: waits for N messages in the alias's INBOX, runs one
# pass with the clock moved by OFFSET seconds, waits until Postfix has
# delivered what it sent.
pass() {
	[ "${2:-0}" = 0 ] || tb_imap_wait_count conduct INBOX "$2" 20
	CONDUCTD_CLOCK_OFFSET=$1 cd_once ||
	    tb_fail "conductd --once at +$1 s failed"
	cd_wait_queue
}

# no_content USER: none of USER's mail holds a word of the report.
no_content() {
	local f s
	cd_sync "$1"
	for f in $(cd_grep "$1" "[CoC $code]"); do
		for s in $SECRETS; do
			! cd_has "$f" "$s" ||
			    tb_fail "$1's $(cd_hdr "$f" Subject) holds '$s'"
		done
	done
}

cat >"$TB/report.eml" <<EOF
From: Olive Outsider <outsider@$D>
To: conduct@$D
Subject: Please help, now
Message-ID: <t-urgent-report@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Location: room 1412 of the harbour hotel
Ongoing: yes, he is outside my door

Description: a man keeps following me and whispers "mauve_tapir"
whenever he passes me.

Reported person: Walt Moss (walt@elsewhere.test)

Olive
EOF
tb_send_file outsider@$D conduct@$D "$TB/report.eml"
pass 0 1
code=$(cd_codename outsider)
tb_log "case $code"
for u in alice bob; do
	cd_exactly $u 1 "Subject: [CoC $code] $URGENT"
	f=$(cd_grep $u "Subject: [CoC $code] $URGENT")
	cd_one_recipient "$f" $u
	for s in "$code" ongoing "#noconflict" \
	    "Location: room 1412 of the harbour hotel"; do
		cd_has "$f" "$s" || tb_fail "$u's urgent alert lacks '$s'"
	done
	for s in Walt walt@; do
		! cd_has "$f" "$s" || tb_fail "$u's urgent alert holds '$s'"
	done
	cd_exactly $u 1 "Subject: [CoC $code] Conflict check"
	cd_exactly $u 0 "Subject: [CoC $code] Report:"
	no_content $u
done
cd_exactly carol 0 "$URGENT"
tb_pass "urgent_alert_details = location: both leads alerted at once with" \
    "code name, ongoing, #noconflict and the location, no other content"

pass $((H + MIN))
for u in alice bob; do
	cd_exactly $u 2 "Subject: [CoC $code] $URGENT"
	cd_exactly $u 0 "Subject: [CoC $code] Report:"
	no_content $u
done
cd_exactly carol 0 "$URGENT"
tb_pass "no lead has taken it: the alert repeats after urgent_repeat, still" \
    "without content"

cd_msend alice@$D "$(cd_maddr alice "$code")" \
    "Re: [CoC $code] Conflict check" "#noconflict"
pass $((H + 2 * MIN)) 1
f=$(cd_grep alice "Subject: [CoC $code] Report:" | head -1)
[ -n "$f" ] || tb_fail "alice has no report after her #noconflict's pass"
cd_has "$f" mauve_tapir || tb_fail "alice's report lacks the report's text"
no_content bob
cd_exactly bob 0 "Subject: [CoC $code] Report:"
tb_pass "alice's #noconflict: she has the report after that same pass;" \
    "bob, who never answered, has no content"

pass $((2 * H + 3 * MIN))
pass $((3 * H + 3 * MIN))
for u in alice bob; do
	cd_exactly $u 2 "Subject: [CoC $code] $URGENT"
done
cd_exactly carol 0 "$URGENT"
no_content bob
tb_pass "a lead has taken it: no more alerts (passes at 2 h and 3 h)"

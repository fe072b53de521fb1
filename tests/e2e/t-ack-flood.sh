#!/bin/bash
# Every report is acknowledged: reports from one sender 10 minutes and an
# hour apart each get their own ack (read over IMAP, each with its own
# code name).  The flood guard: six reports within the hour give five
# acks at once and, when the hour is over, one summary ack naming the
# sixth case; no acknowledgment alarm reaches the leads for it.  The
# held case's language is not guessed until its summary is written.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
cd_committee
tb_ini_set "$CONF" committee ack_alarm_after 30m

# (a) Three different reports from one sender: now, +10 min, +1 h.
report() {	# report SENDER N
	tb_send "$1" conduct@example.test --header "Subject: report $2" \
	    --header "Message-ID: <flood-$2@example.test>" \
	    --body "Location: room $2. Something different happened, number $2."
	tb_imap_wait_count conduct INBOX 1 20
}
report reporter1@example.test 1
cd_once || tb_fail "pass 1 failed"
report reporter1@example.test 2
CONDUCTD_CLOCK_OFFSET=600 cd_once || tb_fail "pass 2 failed"
report reporter1@example.test 3
CONDUCTD_CLOCK_OFFSET=3600 cd_once || tb_fail "pass 3 failed"
cd_expect_eq "cases" "$(cd_cases)" 3
tb_imap_wait_count reporter1 INBOX 3 20
cd_expect_eq "acks to reporter1" "$(tb_imap_count reporter1 INBOX)" 3
for uid in $(tb_imap_uids reporter1 INBOX); do
	tb_imap_fetch reporter1 INBOX "$uid" >"$TB/a-$uid.eml"
	cd_header "$TB/a-$uid.eml" Subject | sed -n 's/^\[CoC \([a-z-]*\)\].*/\1/p'
done | sort -u >"$TB/a-codes"
cd_expect_eq "distinct code names in the acks" "$(wc -l <"$TB/a-codes")" 3
cd_ctl cases | awk 'NR > 1 { print $1 }' | sort >"$TB/a-cases"
cmp -s "$TB/a-codes" "$TB/a-cases" || tb_fail "the acks do not name the cases"
tb_pass "each report acknowledged with its own code name"

# (b) Six reports within the hour from reporter2.
for i in 1 2 3 4 5 6; do
	printf 'From: <reporter2@example.test>\r\nTo: conduct@example.test\r\nSubject: flood %s\r\nMessage-ID: <flood-b%s@example.test>\r\n\r\nLocation: hall %s\r\nThing %s happened.\r\n' \
	    "$i" "$i" "$i" "$i" >"$TB/b.eml"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$TB/b.eml" ||
	    tb_fail "doveadm save"
done
cd_once || tb_fail "flood pass failed"
cd_expect_eq "cases" "$(cd_cases)" 9
tb_imap_wait_count reporter2 INBOX 5 20
cd_once || tb_fail "a second pass failed"
cd_expect_eq "acks to reporter2 within the hour" "$(tb_imap_count reporter2 INBOX)" 5
held=$(cd_ctl cases --wide | awk '/\(held\)/ { print $1 }')
cd_expect_eq "held cases" "$(echo "$held" | grep -c .)" 1
cd_ctl show "$held" | grep -q '^Language: not guessed yet' ||
    tb_fail "the held case has a language guess already: $(cd_ctl show "$held" | grep Language)"
cd_ctl show "$(cd_ctl cases --csv | awk -F, 'NR == 2 { print $1 }')" |
    grep -q '^Language: en (confidence' ||
    tb_fail "an acknowledged case has no language guess"
CONDUCTD_CLOCK_OFFSET=1800 cd_once || tb_fail "pass at +30 min failed"
cd_expect_eq "acks to reporter2 before the hour ends" "$(tb_imap_count reporter2 INBOX)" 5

CONDUCTD_CLOCK_OFFSET=3700 cd_once || tb_fail "pass after the hour failed"
tb_imap_wait_count reporter2 INBOX 6 20
cd_expect_eq "acks to reporter2 after the hour" "$(tb_imap_count reporter2 INBOX)" 6
uid=$(tb_imap_uids reporter2 INBOX | tail -1)
tb_imap_fetch reporter2 INBOX "$uid" >"$TB/summary.eml"
subject=$(cd_header "$TB/summary.eml" Subject)
cd_expect_eq "summary subject" "$subject" "[CoC $held] Your reports"
grep -q "^  $held" "$TB/summary.eml" || tb_fail "the summary does not list $held"
tb_pass "the summary lists $held"
cd_expect_eq "summary Auto-Submitted" "$(cd_header "$TB/summary.eml" Auto-Submitted)" "auto-replied"
cd_ctl cases --wide | grep "^$held " | grep -q '(held)' && tb_fail "$held still held"
cd_ctl show "$held" | grep -q 'Acknowledgment: accepted' ||
    tb_fail "the held case's ack is not marked sent"
tb_pass "the held case's ack is marked sent"
cd_ctl show "$held" | grep -q '^Language: en (confidence' ||
    tb_fail "the held case's language is not guessed for its summary"
tb_pass "a held case's language is guessed for its summary, not before"

# No alarm: later passes, past ack_alarm_after, still mail no lead.
CONDUCTD_CLOCK_OFFSET=7200 cd_once || tb_fail "a late pass failed"
cd_expect_eq "acks to reporter2 at the end" "$(tb_imap_count reporter2 INBOX)" 6
! grep -q ALARM "$TB/conductd.log" || tb_fail "an ALARM was logged"
for lead in alice bob; do
	for uid in $(tb_imap_uids "$lead" INBOX); do
		tb_imap_fetch "$lead" INBOX "$uid"
	done | grep -q '^Subject:.*ALARM' && tb_fail "$lead got an ALARM"
done
tb_pass "no acknowledgment alarm"

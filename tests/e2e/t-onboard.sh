#!/bin/bash
# Onboarding: a member added later is asked, per open case, about
# conflicts (code name and reported person only), except on a case they
# reported themselves; `conductctl members` lists the committee.  It
# follows the rules of a new case (issue 11): a triage case (no reported
# person) asks leads only, a backup is asked only where too few leads are
# free, and a case whose prose mentions the new member holds them back.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
cd_members Alice:lead Bob:member
tb_send reporter1@example.test conduct@example.test --header "Subject: hallway" \
    --body "Reported person: the man in the red hat
He followed me down the hallway."
tb_send carol@example.test conduct@example.test --header "Subject: mine" \
    --body "Reported person: someone at the bar
It was loud and rude."
tb_send reporter2@example.test conduct@example.test --header "Subject: desk" \
    --body "Hello, someone at the registration desk was rude to me and to dave@example.test, here is what happened:
She laughed at my badge."
tb_imap_wait_count conduct INBOX 3 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 3
tb_imap_wait_count alice INBOX 3 20

cd_members Carol:member
cd_ctl members >"$TB/members.out"
grep -q '^Carol  *member  *en  *carol@example.test' "$TB/members.out" ||
    tb_fail "members does not list Carol"
grep -q '^Alice  *lead ' "$TB/members.out" || tb_fail "members does not list Alice"
out=$(cd_ctl onboard Carol) || tb_fail "onboard failed"
echo "$out" | grep -q 'conflict checks queued for 1 open case' ||
    tb_fail "onboard: $out"
tb_pass "onboard queued one conflict check (Carol reported the other case)"
st=0
cd_ctl onboard Nobody >/dev/null 2>&1 || st=$?
cd_expect_eq "exit status for an unknown member" "$st" 65
cd_once || tb_fail "pass failed"
tb_imap_wait_count carol INBOX 2 20	# her own ack, then the check
n=0
for uid in $(tb_imap_uids carol INBOX); do
	tb_imap_fetch carol INBOX "$uid" >"$TB/carol-$uid.eml"
	if grep -q 'Conflict check' "$TB/carol-$uid.eml"; then
		n=$((n + 1))
		grep -q 'the man in the red hat' "$TB/carol-$uid.eml" ||
		    tb_fail "the check does not name the reported person"
		grep -q 'followed me' "$TB/carol-$uid.eml" &&
		    tb_fail "the check shows the report"
		grep -q 'reporter1' "$TB/carol-$uid.eml" &&
		    tb_fail "the check names the reporter"
	fi
done
cd_expect_eq "conflict checks in Carol's mailbox" "$n" 1
tb_pass "Carol (a member) is not asked about the triage case"

# A backup while the leads are free, and on a triage case: nothing.
cd_members Erin:backup Dave:lead
out=$(cd_ctl onboard Erin) || tb_fail "onboard Erin failed"
echo "$out" | grep -q 'conflict checks queued for 0 open case' ||
    tb_fail "onboard of a backup with free leads: $out"
# A new lead: the labelled cases and not the triage case that names them.
out=$(cd_ctl onboard Dave) || tb_fail "onboard Dave failed"
echo "$out" | grep -q 'conflict checks queued for 2 open case' ||
    tb_fail "onboard of a lead named by a triage case: $out"
cd_once || tb_fail "pass failed"
cd_wait_queue
T=$(cd_codename reporter2)
cd_expect_eq "mail in Erin's mailbox" "$(tb_imap_count erin INBOX)" 0
cd_exactly dave 2 "Conflict check"
cd_exactly dave 0 "$T"
cd_exactly carol 0 "$T"
tb_pass "onboarding: no check to a backup while leads are free, none on" \
    "a triage case to a backup or member, none to the lead its prose names"

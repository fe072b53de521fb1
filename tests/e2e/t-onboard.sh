#!/bin/bash
# Onboarding: a member added later is asked, per open case, about
# conflicts (code name and reported person only), except on a case they
# reported themselves; `conductctl members` lists the committee.
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
tb_imap_wait_count conduct INBOX 2 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 2
tb_imap_wait_count alice INBOX 2 20

cd_members Carol:member
cd_ctl members >"$TB/members.out"
grep -q '^Carol  *member  *carol@example.test' "$TB/members.out" ||
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

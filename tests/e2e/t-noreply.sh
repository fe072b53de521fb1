#!/bin/bash
# No-reply senders and empty mail end to end: a report from a no-reply
# address opens a case that conductctl show says was not acknowledged
# because of it, and no acknowledgment reaches the sink mailbox (where
# outside addresses land); a no-reply From with a test-bed user's
# Reply-To is acknowledged in that user's mailbox; an empty message
# opens no case, is answered by nobody, and is still listed.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls

# A web form's no-reply address: a case, no acknowledgment.
tb_send noreply-forms@forms.example.org conduct@example.test \
    --header "Subject: Form submission: incident report" \
    --body "Someone shouted at a speaker in room 2."
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 1
code=$(cd_code 1)
cd_ctl show "$code" >"$TB/show1.out"
grep -q '^Acknowledgment: not sent: no-reply$' "$TB/show1.out" ||
    tb_fail "show does not say no ack because no-reply: $(grep Ack "$TB/show1.out")"
tb_pass "the no-reply report is a case that says why it got no ack"
cd_expect_eq "acks in the sink mailbox" "$(tb_imap_count sink INBOX)" 0

# A no-reply From, a person's Reply-To: the person gets the ack.
tb_send do-not-reply@forms.example.org conduct@example.test \
    --header "Subject: Form submission: second report" \
    --header "Reply-To: Reporter Two <reporter2@example.test>" \
    --body "The same speaker was followed to the hotel."
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 2
code2=$(cd_code 2)
tb_imap_wait_count reporter2 INBOX 1 20
cd_expect_eq "acks in reporter2's mailbox" "$(tb_imap_count reporter2 INBOX)" 1
uid=$(tb_imap_uids reporter2 INBOX | head -1)
tb_imap_fetch reporter2 INBOX "$uid" >"$TB/ack2.eml"
grep -q "$code2" "$TB/ack2.eml" || tb_fail "the ack lacks the code name"
cd_ctl show "$code2" | grep -q '^Acknowledgment: accepted' ||
    tb_fail "show lacks the ack time of the Reply-To case"
tb_pass "a person's Reply-To is acknowledged"
cd_expect_eq "acks in the sink mailbox" "$(tb_imap_count sink INBOX)" 0

# An empty message: recorded, never a case, never answered.
printf 'From: reporter1@example.test\nTo: conduct@example.test\nSubject: \nMessage-ID: <empty-1@example.test>\n\n \n\n' \
    >"$TB/empty.eml"
tb_send_file reporter1@example.test conduct@example.test "$TB/empty.eml"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after the empty message" "$(cd_cases)" 2
cd_ctl messages | awk '$6 == "empty"' | grep -q . ||
    tb_fail "the empty message is not listed as empty"
cd_expect_eq "messages listed" "$(cd_ctl messages | tail -n +2 | wc -l)" 3
cd_expect_eq "acks to the empty message's sender" \
    "$(tb_imap_count reporter1 INBOX)" 0
tb_pass "the empty message is recorded, not a case, not answered"

for needle in noreply-forms forms.example.org reporter2@example.test; do
	if grep -q -F -- "$needle" "$TB/conductd.log"; then
		tb_fail "the log holds '$needle'"
	fi
done
tb_pass "the log holds no address"

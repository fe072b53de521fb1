#!/bin/bash
# Threading by any stored message (issue 9, Build 3): the reporter's
# follow-up to the alias that answers the reporter's own report (In-Reply-To
# and References name the report's Message-ID, not mail conductd sent)
# joins the report's case: one case, one acknowledgment, no second
# conflict check, and the follow-up is relayed to the lead who joined.
# Mail from anyone else that names the report opens a case of its own.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
RID="<thread-report-1@$D>"

cd_setup starttls
cd_committee

# pass N: waits for N messages in the alias's INBOX, then one pass.
pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

# checks USER N: USER holds exactly N conflict checks.
checks() {
	cd_exactly "$1" "$2" "Subject: [CoC $A] Conflict check"
}

tb_send reporter1@$D conduct@$D --header "Subject: Report: rude remarks" \
    --header "Message-Id: $RID" \
    --body "At the Saturday dinner someone kept making rude remarks. kumquat-first"
pass 1
cd_expect_eq "cases after the report" "$(cd_cases)" 1
A=$(cd_codename reporter1)
cd_wait_grep alice 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_msend alice@$D "$(cd_maddr alice "$A")" "Re: [CoC $A] Conflict check" \
    "#noconflict"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $A] Report:" "kumquat-first" >/dev/null
tb_pass "the report is case $A and alice, a lead, joined it"

tb_send reporter1@$D conduct@$D --header "Subject: Re: Report: rude remarks" \
    --header "In-Reply-To: $RID" --header "References: $RID" \
    --body "One more thing: it happened again at breakfast. papaya-second"
pass 1
cd_expect_eq "cases after the follow-up" "$(cd_cases)" 1
cd_expect_eq "messages in reporter1's mailbox" \
    "$(tb_imap_count reporter1 INBOX)" 1
cd_exactly reporter1 1 "Subject: [CoC $A]"
for u in alice bob; do checks $u 1; done
for u in carol dave erin; do checks $u 0; done
f=$(cd_wait_grep alice 1 "papaya-second")
cd_hdr "$f" Subject | grep -q -F "[CoC $A]" ||
    tb_fail "the relayed follow-up lacks [CoC $A]"
cd_hdr "$f" From | grep -q -F "Reporter via" ||
    tb_fail "the relayed follow-up is from '$(cd_hdr "$f" From)'"
cd_exactly bob 0 "papaya-second"
tb_pass "the reporter's follow-up to the report joins $A: one ack, no new checks, relayed to alice"

tb_send outsider@$D conduct@$D --header "Subject: Re: Report: rude remarks" \
    --header "In-Reply-To: $RID" --header "References: $RID" \
    --body "I saw it too and want to report it myself. guava-third"
pass 1
cd_expect_eq "cases after another sender's reply" "$(cd_cases)" 2
B=$(cd_codename outsider)
[ "$B" != "$A" ] || tb_fail "the outsider's mail got the code name $A"
cd_exactly alice 0 "guava-third"
cd_exactly reporter1 1 "Subject: [CoC "
tb_pass "another sender answering the report opens case $B of its own"

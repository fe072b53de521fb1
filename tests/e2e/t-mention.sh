#!/bin/bash
# Members a report mentions are held back (issue 9, Build 9), with the
# committee of t-committee.sh (leads Alice and Bob, members Carol and
# Dave, backup Erin), read back from each member's mailbox over IMAP:
# a prose report with no "Reported person" label names lead Bob in its
# text.  Bob hears nothing of the case; Alice's conflict check lists him
# as "mentioned in the report"; Carol (a participant, not a lead) is
# refused #include; Alice's "#include Bob" sends Bob the conflict check.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test

cd_setup starttls
cd_committee

pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
}

cd_msend reporter1@$D conduct@$D "Something at the meetup" \
    "Hi everyone,

At the meetup on Friday someone kept interrupting me and mocking my
accent. I told Bob about it afterwards; he saw part of it.
saffron lighthouse"
pass 1
A=$(cd_codename reporter1)
f=$(cd_wait_grep alice 1 "Subject: [CoC $A] Conflict check")
cd_has "$f" "Bob (mentioned in the report)" ||
    tb_fail "alice's conflict check does not list Bob as mentioned"
cd_exactly bob 0 "$A"
tb_pass "a prose report naming Bob: Bob gets nothing, alice's check lists him as mentioned"

msend_a() { cd_msend alice@$D "$(cd_maddr alice "$A")" "Re: [CoC $A] Conflict check" "$1"; }
msend_a "#noconflict
#reported Zed Stranger"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $A] Report:" "saffron lighthouse" >/dev/null
f=$(cd_wait_grep carol 1 "Subject: [CoC $A] Conflict check")
! cd_has "$f" "mentioned in the report" ||
    tb_fail "carol's (a member's) conflict check lists the mentioned members"
cd_exactly bob 0 "$A"
tb_pass "after #reported the members are asked, Bob still is not"

cd_msend carol@$D "$(cd_maddr carol "$A")" "Re: [CoC $A] Conflict check" \
    "#noconflict
#include Bob"
pass 1
cd_wait_grep carol 1 "Subject: [CoC $A] Not done" "only a lead can give that command" >/dev/null
cd_exactly bob 0 "$A"
tb_pass "a member's #include is refused; Bob still gets nothing"

msend_a "#include Bob"
pass 1
f=$(cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check")
cd_one_recipient "$f" bob
! cd_has "$f" "saffron lighthouse" || tb_fail "Bob's conflict check reveals the report"
cd_exactly bob 1 "$A"
tb_pass "alice's #include Bob: Bob gets the conflict check (and only that)"

msend_a "#include Erin"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $A] Not done" "only for a member held back" >/dev/null
tb_pass "#include of a member the report does not mention is refused"


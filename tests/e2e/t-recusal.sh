#!/bin/bash
# Recusal that cannot be undone by accident (issue 11, Build 5), read
# back from every member's mailbox over IMAP.  Leads Alice, Bob and
# Robert (whose address, lead1@, is not his name), member Carol, backup
# Erin:
#   A, a triage case on one unwrapped line ("Hello, I need to report
#     Alice from your committee, ... here is what happened:"): Alice gets
#     nothing, neither the triage check nor the report, until Bob, a
#     participant, asks her with #include;
#   B, a triage case naming Robert only by his address, in quotes, in its
#     prose: Robert gets nothing;
#   Robert answers #conflict on A; his section is renamed [member Rob]
#     between two passes: the log says so (keys only), and when Bob names
#     the reported person of A, the members are asked and Rob is not;
#   C, a triage case Cc'd to Dave before Dave is on the committee: Dave
#     joins as a lead, and when Bob names C's reported person, Dave is
#     not asked.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member Erin:backup
printf '\n[member Robert]\nemail = lead1@%s\nrole = lead\n' $D >>"$CONF"

pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

# C first: a report Cc'd (header only) to Dave, not yet a member.
tb_send reporter2@$D conduct@$D --header "Subject: the party" \
    --header "Cc: Dave <dave@$D>" --body "At the party someone spilled wine on me on purpose.
walnut trombone"
pass 1
C=$(cd_codename reporter2)

cd_msend reporter1@$D conduct@$D "A committee member" \
    "Hello, I need to report Alice from your committee, she shouted at me at the registration desk and here is what happened:
indigo marmalade"
pass 1
A=$(cd_codename reporter1)
f=$(cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check")
cd_has "$f" "Alice (mentioned in the report)" ||
    tb_fail "bob's triage check does not list Alice as mentioned"
cd_wait_grep lead1 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_exactly alice 0 "$A"
cd_exactly carol 0 "$A"
cd_exactly erin 0 "$A"
tb_pass "a one-line triage report naming Alice: Alice gets nothing, Bob and Robert the check"

cd_msend reporter1@$D conduct@$D "The sprint" \
    "At the sprint someone from the committee ($(printf '\xe2\x80\x9c')lead1@$D$(printf '\xe2\x80\x9d')) took my laptop.
tangerine accordion"
pass 1
B=$(cd_grep reporter1 "Subject: [CoC " | while read -r f; do
	cd_hdr "$f" Subject; done | sed -n 's/^.*\[CoC \([a-z]*-[a-z]*\)\].*$/\1/p' |
	grep -v -x "$A" | head -1)
[ -n "$B" ] || tb_fail "no acknowledgment of B"
cd_wait_grep alice 1 "Subject: [CoC $B] Conflict check" >/dev/null
cd_wait_grep bob 1 "Subject: [CoC $B] Conflict check" >/dev/null
cd_exactly lead1 0 "$B"
tb_pass "a triage report naming Robert only by his quoted address: he gets nothing"

cd_msend bob@$D "$(cd_maddr bob "$A")" "Re: [CoC $A] Conflict check" \
    "#noconflict
#include Alice"
cd_msend lead1@$D "$(cd_maddr lead1 "$A")" "Re: [CoC $A] Conflict check" \
    "#conflict"
pass 2
cd_wait_grep bob 1 "Subject: [CoC $A] Report:" "indigo marmalade" >/dev/null
f=$(cd_wait_grep alice 1 "Subject: [CoC $A] Conflict check")
! cd_has "$f" "indigo marmalade" || tb_fail "Alice's check reveals the report"
cd_exactly alice 1 "$A"
tb_pass "Bob's #include Alice still sends her the conflict check (and only that)"

sed -i 's/^\[member Robert\]$/[member Rob]/' "$CONF"
grep -q '^\[member Rob\]$' "$CONF" || tb_fail "the section was not renamed"
cd_once || tb_fail "conductd --once failed"
n=$(grep -c "committee: member section renamed (key [0-9a-f]\{8\} -> [0-9a-f]\{8\})$" "$TB/conductd.log" || true)
cd_expect_eq "rename log lines" "$n" 1
! grep -q -i -e "Rob" -e lead1 "$TB/conductd.log" ||
    tb_fail "the log names the renamed member"
cd_msend bob@$D "$(cd_maddr bob "$A")" "Re: [CoC $A] Report" \
    "#reported Zed Stranger"
pass 1
cd_wait_grep carol 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_once || tb_fail "conductd --once failed"
cd_wait_queue
cd_exactly lead1 1 "$A"
cd_exactly lead1 0 "indigo marmalade"
cd_exactly lead1 0 "$B"
cd_expect_eq "Rob's state on $A" \
    "$(cd_ctl show "$A" | awk '$1 == "Rob" { print $3 }')" conflict
tb_pass "Robert renamed Rob keeps his conflict: asked once, never again, never the report"

cd_msend bob@$D "$(cd_maddr bob "$C")" "Re: [CoC $C] Conflict check" \
    "#noconflict"
pass 1
cd_members Dave:lead
cd_once || tb_fail "conductd --once failed"
cd_msend bob@$D "$(cd_maddr bob "$C")" "Re: [CoC $C] Report" \
    "#reported Zed Stranger"
pass 1
cd_wait_grep carol 1 "Subject: [CoC $C] Conflict check" >/dev/null
cd_exactly dave 0 "[CoC $C]"
cd_expect_eq "Dave's state on $C" \
    "$(cd_ctl show "$C" | awk '$1 == "Dave" { print $3 }')" mentioned
tb_pass "a lead who joined after a report Cc'd them is held back from it"

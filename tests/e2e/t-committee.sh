#!/bin/bash
# The committee by mail end to end (issue 4), with a committee of five
# (leads Alice and Bob, members Carol and Dave, backup Erin), everything
# read back from each member's own mailbox over IMAP:
#   case A (reporter1) names Bob: Bob never hears of it, Carol answers
#     #conflict, Dave never answers, Alice joins, gets the report (with its
#     attachment) and the reporter's reply; forged mail to the case is
#     neither relayed nor executed;
#   case B (reporter2) names a stranger: all four join; relays both ways
#     (attachments kept, Cc'd outsiders left out), commands echoed, bad
#     commands refused to their sender only, #to-reporter from the alias
#     with no member's name or address, votes: 3 of 4 carries, 2 of 4
#     does not;
#   case C (outsider) names nobody: triage by the leads, #reported Bob,
#     a 2-of-3 vote, #recuse;
#   case E (lead1) names Alice and excludes Bob: the backup is asked;
#   case F (lead2) excludes Dave ("exclude: Dave"); it comes last, so its
#     conflict checks show that everything sent before has been delivered.
# Every step is one "conductd --once" pass; nothing sleeps for timing.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/committee"
D=example.test
COMMITTEE="Example Conduct Committee"
MEMBERS="alice bob carol dave erin"
NAMES="Alice Bob Carol Dave Erin"
declare -A nb cb cc

cd_setup starttls
cd_committee

# pass N: waits for N messages in the alias's INBOX, then one pass.
pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	[ "$(tb_imap_count conduct INBOX)" = 0 ] ||
	    tb_fail "the pass left mail in the alias's INBOX"
}

# Short names for the cdlib helpers this test uses all the time.
msend() { cd_msend "$@"; }
txt() { cd_txt "$@"; }
hdr() { cd_hdr "$@"; }
has() { cd_has "$@"; }
code_of() { cd_codename "$@"; }

# raddr CODE USER: the case's reporter address (Reply-To of USER's ack).
raddr() {
	local f a
	f=$(cd_wait_grep "$2" 1 "Subject: [CoC $1]")
	a=$(hdr "$f" Reply-To | grep -Eo "conduct\+$1-[0-9a-f]{12}@$D") ||
	    tb_fail "$2's acknowledgment has no reporter address for $1"
	echo "$a"
}

maddr() { cd_maddr "$@"; }
one_recipient() { cd_one_recipient "$@"; }

exactly() { cd_exactly "$@"; }
# none USER STRING...: no message of USER holds every STRING.
none() { cd_exactly "$1" 0 "${@:2}"; }

# ------------------------------------------------------------ pass 1
# Three reports: A names Bob, B a stranger, C nobody.
tb_send_file reporter1@$D conduct@$D "$data/report-bob.eml"
tb_send_file reporter2@$D conduct@$D "$data/report-zed.eml"
tb_send_file outsider@$D conduct@$D "$data/report-unknown.eml"
pass 3
cd_expect_eq "cases" "$(cd_cases)" 3
A=$(code_of reporter1)
B=$(code_of reporter2)
C=$(code_of outsider)
tb_log "cases: A=$A B=$B C=$C"
RA=$(raddr "$A" reporter1)
RB=$(raddr "$B" reporter2)
status_a0=$(cd_status "$A")
[ -n "$status_a0" ] || tb_fail "no status for $A in conductctl cases"

# Conflict checks: A to alice, carol, dave; B to all but the backup; C
# (nobody identified) to the leads alone.
for u in alice carol dave; do
	cd_wait_grep $u 1 "Subject: [CoC $A] Conflict check" >/dev/null
done
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Conflict check" >/dev/null
done
for u in alice bob; do
	cd_wait_grep $u 1 "Subject: [CoC $C] Conflict check: reported person not identified" >/dev/null
done
tb_pass "conflict checks for A reached alice, carol and dave; B all but the backup; C the leads"

for u in alice carol dave; do
	f=$(cd_grep $u "Subject: [CoC $A] Conflict check" | head -1)
	one_recipient "$f" $u
	a=$(maddr $u "$A")
	hdr "$f" Reply-To | grep -q -F "$a" ||
	    tb_fail "$u's conflict check: Reply-To is not $a"
	has "$f" "Bob (bob@$D)" || tb_fail "$u's conflict check does not name the reported person"
	has "$f" "#noconflict" || tb_fail "$u's conflict check does not ask for #noconflict"
	has "$f" "#conflict" || tb_fail "$u's conflict check does not offer #conflict"
	for secret in reporter1 Robin "tangerine umbrella" "workshop room" screenshot \
	    "unwanted comments"; do
		! has "$f" "$secret" ||
		    tb_fail "$u's conflict check for $A reveals '$secret'"
	done
done
tb_pass "A's conflict checks name the reported person, not the reporter or the report"
AA=$(maddr alice "$A")
[ "$AA" != "$(maddr carol "$A")" ] && [ "$AA" != "$(maddr dave "$A")" ] &&
    [ "$(maddr carol "$A")" != "$(maddr dave "$A")" ] ||
    tb_fail "members share a per-case address"
[ "$AA" != "$(maddr alice "$B")" ] || tb_fail "alice has one address for two cases"
tb_pass "each member has an address of their own per case"
for u in alice bob; do
	f=$(cd_grep $u "Subject: [CoC $C] Conflict check" | head -1)
	one_recipient "$f" $u
	for secret in outsider Olive "cobalt pelican"; do
		! has "$f" "$secret" || tb_fail "$u's triage check for $C reveals '$secret'"
	done
done
tb_pass "C's triage check reveals neither the reporter nor the report"
exactly bob 0 "$A"

# ------------------------------------------------------------ pass 2
# Answers: alice joins A, B and C; carol: conflict on A, joins B; bob
# joins B; dave, not yet a participant of B, tries to vote there.
msend alice@$D "$AA" "Re: [CoC $A] Conflict check" "#noconflict"
msend alice@$D "$(maddr alice "$B")" "Re: [CoC $B] Conflict check" "#noconflict"
msend alice@$D "$(maddr alice "$C")" "Re: [CoC $C] Conflict check" "#noconflict"
msend carol@$D "$(maddr carol "$A")" "Re: [CoC $A] Conflict check" "#conflict"
msend carol@$D "$(maddr carol "$B")" "Re: [CoC $B] Conflict check" "#noconflict"
msend bob@$D "$(maddr bob "$B")" "Re: [CoC $B] Conflict check" "#noconflict"
msend dave@$D "$(maddr dave "$B")" "Re: [CoC $B] Conflict check" \
    "#vote yes
dave-early-vote"
pass 7

f=$(cd_wait_grep alice 1 "Subject: [CoC $A] Report: unwanted comments at the workshop")
one_recipient "$f" alice
hdr "$f" From | grep -q -F "$AA" || tb_fail "alice's report of $A is not from her per-case address"
hdr "$f" Reply-To | grep -q -F "$AA" || tb_fail "alice's report of $A: Reply-To is not her per-case address"
has "$f" "tangerine umbrella quartz" || tb_fail "alice's report of $A lacks the report's text"
has "$f" "[part screenshot.png base64 $(printf '\x89PNG\r\n\x1a\ncommittee-attachment-kiwi' | base64 -w0)]" ||
    tb_fail "alice's report of $A lacks the attachment"
tb_pass "alice's #noconflict: she gets the report of $A with its attachment"
for u in alice bob carol; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Report:" "lavender kettle orbit" >/dev/null
done
cd_wait_grep alice 1 "Subject: [CoC $C] Report:" "cobalt pelican" >/dev/null
tb_pass "the participants of B and C got the report"
f=$(cd_wait_grep dave 1 "Subject: [CoC $B] Not done")
none dave "lavender kettle orbit"
tb_pass "a vote from a non-participant: 'Not done' to its sender, and no report"

# ------------------------------------------------------------ pass 3
# dave joins B; the reporter of A writes again; alice names the person in
# C.
msend dave@$D "$(maddr dave "$B")" "Re: [CoC $B] Conflict check" "#noconflict"
msend reporter1@$D "$RA" "Re: [CoC $A] your report" \
    "One more thing: he also wrote mango-signal in the chat."
msend alice@$D "$(maddr alice "$C")" "Re: [CoC $C] Report" \
    "#reported Bob <bob@$D>"
pass 3
cd_wait_grep dave 1 "Subject: [CoC $B] Report:" "lavender kettle orbit" >/dev/null
f=$(cd_wait_grep alice 1 "mango-signal")
hdr "$f" Subject | grep -q -F "[CoC $A]" || tb_fail "the reporter's relay lacks the tag"
hdr "$f" From | grep -q -F "Reporter via $COMMITTEE" ||
    tb_fail "the reporter's relay is from '$(hdr "$f" From)'"
hdr "$f" From | grep -q -F "$AA" || tb_fail "the reporter's relay is not from alice's per-case address"
one_recipient "$f" alice
tb_pass "the reporter's reply reaches alice as \"Reporter via $COMMITTEE\""
for u in carol dave; do
	f=$(cd_wait_grep $u 1 "Subject: [CoC $C] Conflict check")
	has "$f" "Bob" || tb_fail "$u's conflict check for $C does not name Bob"
	! has "$f" "cobalt pelican" || tb_fail "$u's conflict check for $C holds the report"
done
tb_pass "#reported: the conflict check of $C went to carol and dave"

# ------------------------------------------------------------ pass 4
# alice writes to B with an attachment and an outsider in Cc; carol and
# dave join C; five forged mails to A.
BA=$(maddr alice "$B")
ATT2=$(printf 'meeting notes: violet-compass\n' | base64 -w0)
cat >"$TB/relay.eml" <<EOF
From: alice@$D
To: $BA
Cc: outsider@$D
Subject: [CoC $B] venue staff notes
Message-ID: <committee-relay-alice@$D>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_relay"

--=_relay
Content-Type: text/plain; charset=utf-8

I spoke to the venue staff (violet-compass); notes attached.

--=_relay
Content-Type: application/octet-stream; name="notes.bin"
Content-Disposition: attachment; filename="notes.bin"
Content-Transfer-Encoding: base64

$ATT2
--=_relay--
EOF
tb_send_file alice@$D "$BA" "$TB/relay.eml"
msend carol@$D "$(maddr carol "$C")" "Re: [CoC $C] Conflict check" "#noconflict"
msend dave@$D "$(maddr dave "$C")" "Re: [CoC $C] Conflict check" "#noconflict"
nalice_a=$(cd_ngrep alice "Subject: [CoC $A]")
nalice_b=$(cd_ngrep alice "[CoC $B]")
msend alice@$D "conduct+$A-m000000000000@$D" "[CoC $A] x" \
    "#status investigating
forged-wrong-token"
msend alice@$D "conduct+$A@$D" "[CoC $A] x" \
    "#status investigating
forged-missing-token"
msend outsider@$D "$AA" "[CoC $A] x" \
    "#status investigating
forged-outsider"
msend bob@$D "$AA" "[CoC $A] x" \
    "#status investigating
forged-bob"
msend carol@$D "$(maddr carol "$A")" "[CoC $A] x" \
    "#status investigating
forged-conflicted-carol"
pass 8
cd_expect_eq "status of $A after forged mail" "$(cd_status "$A")" "$status_a0"
# (checked at the end, so that the other scenarios run first)
cases_after_forged=$(cd_cases)

for u in bob carol dave; do
	f=$(cd_wait_grep $u 1 "violet-compass")
	one_recipient "$f" $u
	a=$(maddr $u "$B")
	from=$(hdr "$f" From)
	case "$from" in
	*"Alice via $COMMITTEE"*"<$a>"*) ;;
	*) tb_fail "$u's relay is from '$from', not \"Alice via $COMMITTEE\" <$a>" ;;
	esac
	hdr "$f" Reply-To | grep -q -F "$a" || tb_fail "$u's relay: Reply-To is not $a"
	hdr "$f" Subject | grep -q "^\[CoC $B\] .*venue staff notes" ||
	    tb_fail "$u's relay has subject '$(hdr "$f" Subject)'"
	has "$f" "[part notes.bin base64 $ATT2]" || tb_fail "$u's relay lacks the attachment"
	! has "$f" "alice@$D" || tb_fail "$u's relay shows alice's own address"
done
tb_pass "alice's mail to B reached bob, carol and dave from their own addresses, attachment kept"
# The sender is told that the Cc was not relayed: the one mail on B she
# gets in this pass (she gets no copy of her own mail).
f=$(cd_wait_grep alice $((nalice_b + 1)) "[CoC $B]")
! has "$f" "violet-compass" || tb_fail "alice got her own mail back"
none alice "Alice via $COMMITTEE"
tb_pass "alice is told that the Cc got nothing, and gets no copy of her own mail"
for u in carol dave; do
	cd_wait_grep $u 1 "Subject: [CoC $C] Report:" "cobalt pelican" >/dev/null
done

# ------------------------------------------------------------ pass 5
# bob answers on B; alice: #status on A, a bad #status on B, #propose on
# C; bob's #to-reporter that names a member is refused.
msend bob@$D "$(maddr bob "$B")" "[CoC $B] re: venue staff" \
    "Thanks. I will ask the volunteers (amber-falcon)."
msend alice@$D "$AA" "[CoC $A] status" "#status investigating"
msend alice@$D "$BA" "[CoC $B] status" "#status maybe
bad-status-text"
msend bob@$D "$(maddr bob "$B")" "[CoC $B] to the reporter" \
    "#to-reporter
Carol will call you tomorrow (refused-kiwi)."
msend alice@$D "$(maddr alice "$C")" "[CoC $C] proposal" \
    "#propose Close the case with a note"
pass 5
for u in alice carol dave; do
	f=$(cd_wait_grep $u 1 "amber-falcon")
	case "$(hdr "$f" From)" in
	*"Bob via $COMMITTEE"*"<$(maddr $u "$B")>"*) ;;
	*) tb_fail "$u's relay of bob's mail is from '$(hdr "$f" From)'" ;;
	esac
done
none bob "amber-falcon"
tb_pass "bob's mail to B reached alice, carol and dave, and not bob"
f=$(cd_wait_grep alice 1 "Subject: [CoC $A]" "Alice set status to investigating")
cd_expect_eq "status of $A" "$(cd_status "$A")" "investigating"
# That echo came after the forged mail: nobody got anything of it.
cd_expect_eq "alice's mail on $A since the forged mail" \
    "$(( $(cd_ngrep alice "Subject: [CoC $A]") - nalice_a ))" 1
for u in $MEMBERS outsider reporter1; do
	none $u "forged-"
done
exactly carol 1 "[CoC $A]"
exactly outsider 0 "[CoC $A]"
tb_pass "forged mail (wrong/missing token, outsider, bob, conflicted carol) was neither relayed nor executed"
cd_wait_grep alice 1 "Subject: [CoC $B] Not done" >/dev/null
[ "$(cd_status "$B")" != maybe ] || tb_fail "#status maybe was carried out"
status_b0=$(cd_status "$B")
cd_wait_grep bob 1 "[CoC $B]" "Not done" >/dev/null
tb_pass "'#status maybe' and a #to-reporter naming a member: 'Not done' to their senders"
cd_wait_grep carol 1 "[CoC $C]" "Close the case with a note" >/dev/null

# ------------------------------------------------------------ pass 6
for u in alice carol dave; do
	cc[$u]=$(cd_ngrep $u "[CoC $C]" "carried")
done
nhelp=$(cd_ngrep alice "Subject: [CoC $A]" "#vote")
# #status on B (echoed to all four), #propose on B, a good #to-reporter
# from bob, votes alice and carol yes on C (2 of 3: carries), #help.
msend alice@$D "$BA" "[CoC $B] status" "#status investigating"
msend bob@$D "$(maddr bob "$B")" "[CoC $B] to the reporter" \
    "#to-reporter
Thank you for your report. We are looking into it (plum-harbor)."
msend alice@$D "$(maddr alice "$C")" "[CoC $C] vote" "#vote yes"
msend carol@$D "$(maddr carol "$C")" "[CoC $C] vote" "#vote yes"
msend alice@$D "$AA" "[CoC $A] help" "#help"
pass 5
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "Subject: [CoC $B]" "Alice set status to investigating" >/dev/null
done
cd_expect_eq "status of $B" "$(cd_status "$B")" "investigating"
[ "$status_b0" != investigating ] || tb_fail "B was investigating before"
# The bad #status went to its sender only, but the text after it goes
# on; the refused #to-reporter and its text went to their sender only.
for u in bob carol dave; do
	cd_wait_grep $u 1 "bad-status-text" >/dev/null
	none $u "status maybe"
done
for u in alice carol dave reporter2; do
	none $u "refused-kiwi"
done
exactly carol 0 "Not done"
exactly dave 1 "Not done"
tb_pass "refused commands were not relayed"

f=$(cd_wait_grep reporter2 1 "plum-harbor")
case "$(cd_header "$f" From)" in
"\"$COMMITTEE\" <conduct@$D>"|"$COMMITTEE <conduct@$D>") ;;
*) tb_fail "#to-reporter is from '$(cd_header "$f" From)'" ;;
esac
hdr "$f" Reply-To | grep -q -F "$RB" || tb_fail "#to-reporter: Reply-To is not $RB"
hdr "$f" Subject | grep -q "^\[CoC $B\]" || tb_fail "#to-reporter subject '$(hdr "$f" Subject)'"
# Signed with the committee's name: its last line ("— NAME", or NAME
# under a signature separator).
sig=$(sed '/^[[:space:]]*$/d' "$(txt "$f")" | tail -1)
case "$sig" in
"— $COMMITTEE"|"$COMMITTEE") ;;
*) tb_fail "#to-reporter is signed '$sig', not with the committee's name" ;;
esac
one_recipient "$f" reporter2
for n in $NAMES; do
	if grep -a -q -i -w -- "$n" "$f" "$(txt "$f")"; then
		tb_fail "#to-reporter holds the member name $n"
	fi
done
for u in $MEMBERS; do
	if grep -a -q -i -F -- "$u@$D" "$f" "$(txt "$f")"; then
		tb_fail "#to-reporter holds $u@$D"
	fi
done
if grep -a -q -E "conduct\+[a-z]+-[a-z]+-m[0-9a-f]{12}" "$f" "$(txt "$f")"; then
	tb_fail "#to-reporter holds a member's per-case address"
fi
tb_pass "#to-reporter reached reporter2 from the alias, signed, with no member name or address"
for u in alice carol dave; do
	f=$(cd_wait_grep $u 1 "[CoC $B]" "plum-harbor")
	grep -q -E "Bob (sent|wrote) (this )?to the reporter" "$(txt "$f")" ||
	    tb_fail "$u's copy of the mail to the reporter does not say Bob sent it"
done
tb_pass "the other participants got a copy of the mail to the reporter"
for u in alice carol dave; do
	f=$(cd_wait_grep $u $(( ${cc[$u]} + 1 )) "[CoC $C]" "carried")
	grep -q -w carried "$(txt "$f")" || tb_fail "$u: '$C' proposal result is not 'carried'"
done
tb_pass "a proposal on $C carries with 2 yes of 3 participants"
f=$(cd_wait_grep alice $((nhelp + 1)) "Subject: [CoC $A]" "#vote")
tb_pass "#help answers alice"

# ------------------------------------------------------------ pass 7
# B: propose 1, in the same pass as nothing else on B.  C: dave recuses.
msend alice@$D "$BA" "[CoC $B] proposal" "#propose Issue a written warning"
msend dave@$D "$(maddr dave "$C")" "[CoC $C] recuse" "#recuse"
pass 2
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "[CoC $B]" "Issue a written warning" >/dev/null
done
tb_pass "the proposal on $B was announced to its four participants"
# Whatever dave got on C up to his #recuse; nothing may follow it.
ndave_c=$(cd_ngrep dave "[CoC $C]")

# ------------------------------------------------------------ pass 8
# B: alice and bob vote yes (2 of 4: not yet).  C: alice writes after
# dave's recusal.
for u in alice bob carol dave; do
	nb[$u]=$(cd_ngrep $u "[CoC $B]")
	cb[$u]=$(cd_ngrep $u "[CoC $B]" "carried")
done
msend alice@$D "$BA" "[CoC $B] vote" "#vote yes"
msend bob@$D "$(maddr bob "$B")" "[CoC $B] vote" "#vote yes"
msend alice@$D "$(maddr alice "$C")" "[CoC $C] after" "after-recuse-text"
pass 3
# Both votes are echoed to all four; neither carries it.
for u in alice bob carol dave; do
	cd_wait_grep $u $(( ${nb[$u]} + 2 )) "[CoC $B]" >/dev/null
	exactly $u "${cb[$u]}" "[CoC $B]" "carried"
done
tb_pass "2 yes votes of 4 were echoed and did not carry"
cd_wait_grep carol 1 "after-recuse-text" >/dev/null

# ------------------------------------------------------------ pass 9
# B: carol votes yes: 3 of 4 carries.
msend carol@$D "$(maddr carol "$B")" "[CoC $B] vote" "#vote yes"
pass 1
for u in alice bob carol dave; do
	f=$(cd_wait_grep $u $(( ${cb[$u]} + 1 )) "[CoC $B]" "carried")
	grep -q -w carried "$(txt "$f")" || tb_fail "$u: the result on $B is not 'carried'"
done
tb_pass "a proposal on $B carries with 3 yes of 4 participants"

# ------------------------------------------------------------ pass 10
msend alice@$D "$BA" "[CoC $B] proposal" "#propose Ask the person to leave"
pass 1
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "[CoC $B]" "Ask the person to leave" >/dev/null
done

# ------------------------------------------------------------ pass 11
# 2 yes, 2 no of 4: one short of two-thirds, and everyone voted.
msend alice@$D "$BA" "[CoC $B] vote" "#vote yes"
msend bob@$D "$(maddr bob "$B")" "[CoC $B] vote" "#vote yes"
msend carol@$D "$(maddr carol "$B")" "[CoC $B] vote" "#vote no"
msend dave@$D "$(maddr dave "$B")" "[CoC $B] vote" "#vote no"
pass 4
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "[CoC $B]" "did not carry" >/dev/null
done
tb_pass "2 yes of 4 (one short of two-thirds) did not carry"

# ------------------------------------------------------------ pass 12
# E names Alice and excludes Bob: no lead is free, the backup is asked.
# F excludes Dave.  They come last: once their checks are in, all that
# was sent before has been delivered.
tb_send_file lead1@$D conduct@$D "$data/report-alice.eml"
tb_send_file lead2@$D conduct@$D "$data/report-final.eml"
pass 2
E=$(code_of lead1)
F=$(code_of lead2)
for u in carol dave erin; do
	cd_wait_grep $u 1 "Subject: [CoC $E] Conflict check" >/dev/null
done
for u in alice bob carol; do
	cd_wait_grep $u 1 "Subject: [CoC $F] Conflict check" >/dev/null
done
f=$(cd_grep erin "Subject: [CoC $E] Conflict check" | head -1)
has "$f" "Alice" || tb_fail "erin's conflict check does not name the reported person"
exactly alice 0 "[CoC $E]"
exactly bob 0 "[CoC $E]"
tb_pass "backup escalation: with Alice reported and Bob excluded, erin is asked"
exactly dave 0 "[CoC $F]"
exactly erin 0 "[CoC $F]"
tb_pass "'exclude: Dave' kept dave out of $F; no backup for $F"

# ------------------------------------------------------------ the end
# Bob, reported on A, never got a word of it.
exactly bob 0 "$A"
exactly bob 0 "tangerine umbrella"
tb_pass "bob's mailbox holds nothing about $A"
# Bob, named in C after the triage, got nothing more than the triage check.
exactly bob 1 "[CoC $C]"
exactly bob 0 "cobalt pelican"
tb_pass "bob got nothing about $C after he was named"
# Carol (#conflict) and dave (no answer) got A's conflict check and nothing
# else.
for u in carol dave; do
	exactly $u 1 "$A"
	exactly $u 0 "tangerine umbrella"
	exactly $u 0 "mango-signal"
	exactly $u 0 "screenshot.png"
done
tb_pass "carol (#conflict) and dave (no answer) never got the report or thread of $A"
# Dave, recused on C, got nothing written after.
exactly dave 0 "after-recuse-text"
exactly dave "$ndave_c" "[CoC $C]"
tb_pass "dave got nothing on $C after #recuse"
# Erin, the backup, got only E's conflict check.
cd_expect_eq "erin's messages" "$(cd_ngrep erin "@")" 1
# The outsider in Cc and the reporters got nothing of the thread.
exactly outsider 0 "[CoC $B]"
exactly outsider 0 "violet-compass"
exactly reporter1 0 "[CoC $B]"
exactly reporter2 0 "amber-falcon"
exactly reporter2 0 "violet-compass"
tb_pass "outsiders and reporters got nothing of the threads"
for u in alice bob carol dave; do
	exactly $u $(( ${cb[$u]} + 1 )) "[CoC $B]" "carried"
	exactly $u 1 "[CoC $B]" "did not carry"
done
exactly carol 0 "Not done"
tb_pass "each of B's proposals was announced once, with its own result"
# Every mail to a member had one recipient.
for u in $MEMBERS; do
	for f in $(cd_grep $u "@"); do
		one_recipient "$f" $u
	done
done
tb_pass "every mail to a member had one recipient"

# The delivery log names who was sent what, without content.
cd_ctl show "$A" >"$TB/show-a.out" || tb_fail "conductctl show $A"
for n in Alice Carol Dave; do
	grep -q -E "conflict-check +to $n\b" "$TB/show-a.out" ||
	    tb_fail "show $A: no conflict check to $n in the delivery log"
done
grep -q -E "report +to Alice\b" "$TB/show-a.out" ||
    tb_fail "show $A: no report to Alice in the delivery log"
! grep -q -E " to (Bob|Erin)\b" "$TB/show-a.out" ||
    tb_fail "show $A: the delivery log shows mail to Bob or Erin"
[ "$(grep -c -E " to Carol\b" "$TB/show-a.out")" = 1 ] &&
    [ "$(grep -c -E " to Dave\b" "$TB/show-a.out")" = 1 ] ||
    tb_fail "show $A: more than the conflict check to Carol or Dave"
for s in mango-signal forged- violet-compass; do
	! grep -q -F "$s" "$TB/show-a.out" || tb_fail "show $A prints '$s'"
done
cd_ctl show "$E" | grep -q -E "conflict-check +to Erin\b" ||
    tb_fail "show $E: no conflict check to Erin in the delivery log"
tb_pass "conductctl show prints the delivery log"

# Every subject of mail to a member starts with the tag, relays of mail
# whose subject was "Re: [CoC ...] ..." included.
for u in $MEMBERS; do
	for f in $(cd_grep $u "@"); do
		hdr "$f" Subject | grep -q '^\[CoC [a-z]*-[a-z]*\]' ||
		    tb_fail "$u: subject '$(hdr "$f" Subject)' does not start with the tag"
	done
done
tb_pass "every mail to a member had a subject starting with the tag"

# Forged mail to a case address, token wrong or missing, opened no case
# (and so sent nobody an acknowledgment or a conflict check).
for u in $MEMBERS; do
	none $u "[CoC $A] x"
done
tb_pass "nobody got mail caused by the forged mail"
cd_expect_eq "cases after the forged mail" "$cases_after_forged" 3

#!/bin/bash
# A pattern across reports (issue 15, build 3) end to end, read back from
# each member's mailbox over IMAP: three reports name one person as
# "Zed Quill (m5@...)", "QUILL, Zed" and "zq <M5@EXAMPLE.TEST>" (the
# second and third share nothing but through the first); a fourth names
# someone else; a fifth names nobody until a lead's #reported.
#   Members: leads Alice and Bob, members Carol and Dave.
#   C1: all four join.  C2: Carol has a conflict.  C3: Dave has one.
#   Each participant who joins a matching case is told how many other
#   cases match and the code names of those they take part in, and no
#   more: Carol's notice for C3 names C1 and not C2; Dave gets nothing
#   about C3 but its conflict check.  #pattern answers a lead alone and
#   is refused to a member.  conductctl pattern lists the group; the
#   database holds none of the names or the address.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member Dave:member
S=$(cd_off_digest)
pass() { cd_pass_at "$@"; }

# report FROM NAME REPORTED WORD: a report from FROM naming REPORTED.
report() {
	cat >"$TB/report.eml" <<EOF
From: $2 <$1@$D>
To: conduct@$D
Subject: Report: at the conference
Message-ID: <pattern-$4@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Location: the main hall
Date and time: Tuesday 11:00
Ongoing: no

Description: unwanted remarks ($4).

Reported person: $3
EOF
	tb_send_file "$1@$D" conduct@$D "$TB/report.eml"
}
answer() {
	cd_msend "$1@$D" "$(cd_maddr "$1" "$2")" "Re: [CoC $2] Conflict check" "$3"
}
NOTE="matches"

report reporter1 "Robin One" "Zed Quill (m5@$D)" pattern-one
pass $S 1
C1=$(cd_codename reporter1)
for u in alice bob carol dave; do answer $u "$C1" "#noconflict"; done
pass $S 4
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "pattern-one" >/dev/null
	cd_exactly $u 0 "Subject: [CoC $C1] The reported person matches"
done
tb_pass "a first case matches nothing: no notice"

report reporter2 "Sam Two" "QUILL, Zed" pattern-two
pass $S 1
C2=$(cd_codename reporter2)
for u in alice bob dave; do answer $u "$C2" "#noconflict"; done
answer carol "$C2" "#conflict"
pass $S 4
for u in alice bob dave; do
	f=$(cd_wait_grep $u 1 "Subject: [CoC $C2] The reported person matches")
	cd_has "$f" "matches 1 other case(s)" || tb_fail "$u's notice for $C2 has the wrong count"
	cd_has "$f" "you take part in: $C1." || tb_fail "$u's notice for $C2 does not name $C1"
	cd_one_recipient "$f" $u
done
cd_exactly carol 0 "Subject: [CoC $C2] The reported person matches"
tb_pass "\"QUILL, Zed\" matches \"Zed Quill\": the participants of $C2 are told, naming $C1"

tb_send_file outsider@$D conduct@$D /dev/stdin <<EOF
From: Olive Three <outsider@$D>
To: conduct@$D
Subject: Report: the after-party
Message-ID: <pattern-three@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Description: more remarks (pattern-three).

Reported person: zq <M5@EXAMPLE.TEST>
EOF
pass $S 1
C3=$(cd_codename outsider)
for u in alice carol; do answer $u "$C3" "#noconflict"; done
answer dave "$C3" "#conflict"
pass $S 3
f=$(cd_wait_grep alice 1 "Subject: [CoC $C3] The reported person matches")
cd_has "$f" "matches 2 other case(s)" || tb_fail "alice's notice for $C3 has the wrong count"
cd_has "$f" "you take part in: $C1, $C2." || tb_fail "alice's notice for $C3 does not name $C1 and $C2"
f=$(cd_wait_grep carol 1 "Subject: [CoC $C3] The reported person matches")
cd_has "$f" "matches 2 other case(s)" || tb_fail "carol's notice for $C3 has the wrong count"
cd_has "$f" "you take part in: $C1." || tb_fail "carol's notice for $C3 does not name $C1"
! cd_has "$f" "$C2" || tb_fail "carol's notice names $C2, a case she has a conflict on"
cd_exactly carol 0 "$C2" "matches"
tb_pass "the address links $C3 to $C1 and, through it, $C2; each notice names only the reader's cases"

# Bob never answered C3's check: nothing of the match for him there.
cd_exactly bob 0 "Subject: [CoC $C3] The reported person matches"
# Dave has a conflict on C3: its conflict check and nothing more.
cd_exactly dave 1 "$C3"
cd_exactly dave 0 "pattern-three"
tb_pass "members who did not join $C3 (a conflict, no answer) learn nothing of the match"

# #pattern: the count to a lead alone; refused to a member.
cd_msend alice@$D "$(cd_maddr alice "$C3")" "Re: [CoC $C3] Report" "#pattern"
cd_msend carol@$D "$(cd_maddr carol "$C3")" "Re: [CoC $C3] Report" "#pattern"
pass $S 2
f=$(cd_wait_grep alice 1 "Subject: [CoC $C3] Pattern")
cd_has "$f" "matches 2 other case(s)" || tb_fail "#pattern gives alice the wrong count"
cd_wait_grep carol 1 "only a lead can give that command" >/dev/null
cd_exactly carol 0 "Subject: [CoC $C3] Pattern"
tb_pass "#pattern: the count to the lead; refused to a member"

# Someone else entirely; then a report naming nobody, until #reported.
report reporter1 "Robin One" "Yara Moss" pattern-four
pass $S 1
C4=$(cd_wait_grep reporter1 1 "pattern-four" >/dev/null; cd_ctl cases --csv | awk -F, 'NR > 1 { c = $1 } END { print c }')
tb_send_file reporter2@$D conduct@$D /dev/stdin <<EOF
From: Sam Two <reporter2@$D>
To: conduct@$D
Subject: Report: the hallway
Message-ID: <pattern-five@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Someone kept following me in the hallway (pattern-five).
EOF
pass $S 1
C5=$(cd_ctl cases --csv | awk -F, 'NR > 1 { c = $1 } END { print c }')
[ "$C5" != "$C4" ] || tb_fail "no fifth case"
answer alice "$C5" "#noconflict"
pass $S 1
cd_wait_grep alice 1 "pattern-five" >/dev/null
cd_exactly alice 0 "Subject: [CoC $C5] The reported person matches"
cd_msend alice@$D "$(cd_maddr alice "$C5")" "Re: [CoC $C5] Report" "#reported Zed Quill"
pass $S 1
f=$(cd_wait_grep alice 1 "Subject: [CoC $C5] The reported person matches")
cd_has "$f" "matches 3 other case(s)" || tb_fail "after #reported: the wrong count"
tb_pass "#reported on a triage case tells its participants of the match"

cd_ctl pattern >"$TB/pattern.out"
grep -q -x "group 1, 4 cases: $C1 $C2 $C3 $C5" "$TB/pattern.out" ||
    tb_fail "conductctl pattern: $(cat "$TB/pattern.out")"
! grep -q "$C4" "$TB/pattern.out" || tb_fail "conductctl pattern lists $C4"
cd_ctl report "$C1" >"$TB/doc.txt"
grep -q -x "Reported person matches: 3 other case(s) (conductctl pattern lists them)" "$TB/doc.txt" ||
    tb_fail "the case document does not count the matches: $(grep matches "$TB/doc.txt")"
! grep -q -e "$C2" -e "$C3" "$TB/doc.txt" || tb_fail "the case document names the matching cases"
tb_pass "conductctl pattern lists the group by code name; the case document counts it"

for f in "$TB"/state/conductd.db*; do
	for w in Quill QUILL m5@ M5@ "zq <" "Yara Moss"; do
		! grep -a -q -F -- "$w" "$f" ||
		    tb_fail "$(basename "$f") holds '$w' in the clear"
	done
done
tb_pass "the database holds no reported name or address in the clear"

#!/bin/bash
# The procedure's steps outside the committee (issue 15, builds 1, 2 and
# 5) end to end, on a moved clock, everything read back over IMAP from
# the mailboxes of the people it concerns:
#   reporter1 (Robin Reyes) reports Zed Quill <m5>, witness Wanda <m8>;
#   leads Alice and Bob and member Carol join, member Dave has a
#   conflict and must receive nothing of any of it;
#   #to-reported: refused from Carol (leads only), for a text naming the
#   reporter, giving a witness's or a case address; sent from Alice: it
#   reaches m5 from the alias with no member name or address in any
#   header, and m5's bottom-posted reply reaches the participants as
#   "Reported person via ..." and never the reporter;
#   #to-reporter and #to-reported in one mail: the second is refused;
#   #to-moderators: one mail each to m6 and m7; no answer for 7 days
#   gives the participants one reminder and the sheet "overdue"; m6's
#   #accept is recorded; #moderators m7 then #to-moderators reaches m7
#   alone, whose #decline is recorded;
#   after #status closed, m5's late reply is still filed and relayed and
#   the case stays closed; the database holds no name of m5 in the clear.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/outreach"
D=example.test
COMMITTEE="Example Conduct Committee"
H=3600
DAY=86400
export TZ=UTC

cd_setup starttls
tb_ini_set "$CONF" committee moderators "m6@$D, m7@$D"
cd_members Alice:lead Bob:lead Carol:member Dave:member
cd_ctl check-config >"$TB/check.out" 2>&1 ||
    tb_fail "check-config: $(cat "$TB/check.out")"

S=$(cd_off_digest)
pass() { cd_pass_at "$@"; }
# say USER CODE BODY: USER writes to their case address of CODE.
say() {
	cd_msend "$1@$D" "$(cd_maddr "$1" "$2")" "Re: [CoC $2] Report" "$3"
}
# sheet CODE COLUMN: the CSV status sheet's value (moderators, reported).
sheet() {
	cd_ctl cases --csv | awk -F, -v c="$1" -v col="$2" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) k = i; next }
	    $1 == c { print $k }'
}
# no_member_in_headers FILE: no header names a member or a member address.
no_member_in_headers() {
	local h
	h=$(sed -n '1,/^$/p' "$1")
	for w in alice bob carol dave Alice Bob Carol Dave "$A-m"; do
		! printf '%s' "$h" | grep -q -F -- "$w" ||
		    tb_fail "$(basename "$1"): a header names '$w'"
	done
}

tb_send_file reporter1@$D conduct@$D "$data/report-quill.eml"
pass $S 1
A=$(cd_codename reporter1)
tb_log "case: $A"
for u in alice bob carol; do
	cd_msend "$u@$D" "$(cd_maddr $u "$A")" "Re: [CoC $A] Conflict check" \
	    "#noconflict"
done
cd_msend dave@$D "$(cd_maddr dave "$A")" "Re: [CoC $A] Conflict check" \
    "#conflict"
pass $S 4
for u in alice bob carol; do
	cd_wait_grep $u 1 "copper-lantern" >/dev/null
done
[ "$(sheet "$A" moderators)" = "-" ] && [ "$(sheet "$A" reported)" = "-" ] ||
    tb_fail "a new case's sheet shows moderators '$(sheet "$A" moderators)', reported '$(sheet "$A" reported)'"

# ------------------------------------------------ #to-reported refused
say carol "$A" "#to-reported
carol-unasked-note"
say alice "$A" "#to-reported
Robin told us about the poster hall (beryl-refused-1)."
say bob "$A" "#to-reported
Wanda at m8@$D saw it (beryl-refused-2)."
say alice "$A" "#to-reported
Write to $(cd_maddr alice "$A") (beryl-refused-3)."
say bob "$A" "#to-reported"
say carol "$A" "#to-moderators
Please ask for Carol at the desk (beryl-refused-4)."
pass $S 6
cd_wait_grep carol 1 "only a lead can write to the reported person" >/dev/null
cd_wait_grep alice 1 "names the reporter or gives their address" >/dev/null
cd_wait_grep bob 1 "gives the address of a witness" >/dev/null
cd_wait_grep alice 1 "holds a case address of the committee" >/dev/null
cd_wait_grep bob 1 "has no text after the command" >/dev/null
cd_wait_grep carol 1 "names a committee member or gives their address" >/dev/null
for m in m6 m7; do
	cd_exactly $m 0 "beryl-refused-4"
done
[ "$(tb_imap_count m5 INBOX)" = 0 ] ||
    tb_fail "a refused #to-reported reached the reported person"
for u in alice bob carol; do
	cd_exactly $u 0 "beryl-refused-1"
	cd_exactly $u 0 "carol-unasked-note"
done
tb_pass "#to-reported refused: from a member, naming the reporter, a witness's or a case address, empty; #to-moderators naming a member"

# ------------------------------------------------ #to-reported sent
say alice "$A" "#to-reported
Dear Zed, we received a report about remarks at the poster hall.
The committee asks you to stop such remarks (lime-harbor-plan)."
pass $S 1
f=$(cd_wait_grep m5 1 "lime-harbor-plan")
[ "$(tb_imap_count m5 INBOX)" = 1 ] || tb_fail "m5 got $(tb_imap_count m5 INBOX) mails"
cd_hdr "$f" From | grep -q -F "$COMMITTEE <conduct@$D>" ||
    tb_fail "the mail to the reported person is from '$(cd_hdr "$f" From)'"
RP=$(cd_hdr "$f" Reply-To | grep -Eo "conduct\+$A-r[0-9a-f]{12}@$D") ||
    tb_fail "no reported person's address in Reply-To '$(cd_hdr "$f" Reply-To)'"
cd_one_recipient "$f" m5
cd_has "$f" "— $COMMITTEE" || tb_fail "the mail to the reported person is not signed"
no_member_in_headers "$f"
for w in Robin reporter1 m8@ copper-lantern; do
	! cd_has "$f" "$w" || tb_fail "the mail to the reported person holds '$w'"
done
for u in bob carol; do
	cd_wait_grep $u 1 "Alice wrote to the reported person" "lime-harbor-plan" >/dev/null
done
cd_exactly reporter1 0 "lime-harbor-plan"
[ "$(sheet "$A" reported)" = contacted ] ||
    tb_fail "the sheet says reported '$(sheet "$A" reported)' after #to-reported"
tb_pass "#to-reported: from the alias, no member in any header; echoed to the participants"

# The reported person answers below the quote (bottom-posting).
cat >"$TB/zed.eml" <<EOF
From: Zed Quill <m5@$D>
To: $RP
Subject: Re: $(cd_hdr "$f" Subject)
Message-ID: <outreach-zed-1@$D>
In-Reply-To: <$(cd_hdr "$f" Message-ID | tr -d '<> ')>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

On Mon, 7 Dec 2026, $COMMITTEE wrote:
> Dear Zed, we received a report about remarks at the poster hall.
> The committee asks you to stop such remarks (lime-harbor-plan).

I did not know it came across that way; context: saffron-context.
I will apologise.
EOF
tb_send_file m5@$D "$RP" "$TB/zed.eml"
pass $S 1
for u in alice bob carol; do
	g=$(cd_wait_grep $u 1 "saffron-context")
	cd_hdr "$g" From | grep -q -F "Reported person via $COMMITTEE" ||
	    tb_fail "$u: the reported person's reply is from '$(cd_hdr "$g" From)'"
	cd_has "$g" "put #to-reported on the first line" ||
	    tb_fail "$u: the reported person's relayed reply does not say how to answer"
	cd_one_recipient "$g" $u
done
cd_exactly reporter1 0 "saffron-context"
[ "$(sheet "$A" reported)" = replied ] ||
    tb_fail "the sheet says reported '$(sheet "$A" reported)' after the reply"
cd_ctl show "$A" >"$TB/show.out"
grep -q -E 'message +[0-9]+ .* reported ' "$TB/show.out" ||
    tb_fail "conductctl show does not list the reply as the reported person's"
tb_pass "the reported person's bottom-posted reply reaches the participants, not the reporter"

# Two outgoing commands in one mail: the text has one reader.
say alice "$A" "#to-reporter
#to-reported
We are looking into it (garnet-double)."
pass $S 1
cd_wait_grep alice 1 "only one of #to-reporter, #to-reported and #to-moderators" >/dev/null
cd_wait_grep reporter1 1 "garnet-double" >/dev/null
cd_exactly m5 0 "garnet-double"
tb_pass "#to-reporter with #to-reported: the reporter gets it, the second is refused"

# ------------------------------------------------ the moderators
say bob "$A" "#to-moderators
We recommend a written warning to the presenter (teal-warning)."
pass $S 1
for m in m6 m7; do
	g=$(cd_wait_grep $m 1 "teal-warning")
	[ "$(tb_imap_count $m INBOX)" = 1 ] || tb_fail "$m got $(tb_imap_count $m INBOX) mails"
	cd_one_recipient "$g" $m
	cd_hdr "$g" From | grep -q -F "$COMMITTEE <conduct@$D>" ||
	    tb_fail "the mail to $m is from '$(cd_hdr "$g" From)'"
	no_member_in_headers "$g"
	cd_has "$g" "#accept" || tb_fail "the mail to $m does not ask for #accept"
	! cd_has "$g" "Robin" || tb_fail "the mail to $m names the reporter"
done
MA=$(cd_hdr "$g" Reply-To | grep -Eo "conduct\+$A-o[0-9a-f]{12}@$D") ||
    tb_fail "no moderators' address in Reply-To '$(cd_hdr "$g" Reply-To)'"
cd_wait_grep alice 1 "Bob sent the recommended response to the moderators" >/dev/null
[ "$(sheet "$A" moderators)" = asked ] ||
    tb_fail "the sheet says moderators '$(sheet "$A" moderators)' after #to-moderators"
cd_ctl cases >"$TB/sheet.out"
grep -A1 "^$A " "$TB/sheet.out" | tail -1 | grep -q "^ *moderators asked, reported person replied$" ||
    tb_fail "conductctl cases has no outreach line: $(cat "$TB/sheet.out")"
awk 'length > 80 { bad = 1 } END { exit bad }' "$TB/sheet.out" ||
    tb_fail "conductctl cases is wider than 80 columns"
tb_pass "#to-moderators: one mail to each moderator from the alias; the sheet says asked"

now=$(date +%s)
pass $((S + 6 * DAY))
cd_exactly alice 0 "No answer yet from the moderators"
pass $((S + 7 * DAY + H))
for u in alice bob carol; do
	cd_wait_grep $u 1 "Subject: [CoC $A] No answer yet from the moderators" >/dev/null
done
pass $((S + 7 * DAY + 2 * H))
cd_exactly alice 1 "No answer yet from the moderators"
[ "$(CONDUCTD_CLOCK_OFFSET=$((S + 7 * DAY + 2 * H)) cd_ctl cases --csv |
    awk -F, -v c="$A" '$1 == c { print $10 }')" = overdue ] ||
    tb_fail "the sheet does not say overdue 7 days after #to-moderators"
tb_pass "no answer for 7 days: one reminder to the participants, the sheet says overdue"

cat >"$TB/m6.eml" <<EOF
From: Moderation <m6@$D>
To: $MA
Subject: Re: [CoC $A] A recommended response for your approval
Message-ID: <outreach-m6-1@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

#accept
We agree with the warning (plum-accepted).

On Mon, 7 Dec 2026, $COMMITTEE wrote:
> We recommend a written warning to the presenter (teal-warning).
EOF
tb_send_file m6@$D "$MA" "$TB/m6.eml"
pass $((S + 8 * DAY)) 1
for u in alice bob carol; do
	g=$(cd_wait_grep $u 1 "plum-accepted")
	cd_hdr "$g" From | grep -q -F "Moderators via $COMMITTEE" ||
	    tb_fail "$u: the moderators' answer is from '$(cd_hdr "$g" From)'"
	cd_has "$g" "A moderator (m6@$D) accepted the recommended response." ||
	    tb_fail "$u: the moderators' answer does not say they accepted"
done
cd_exactly reporter1 0 "plum-accepted"
[ "$(sheet "$A" moderators)" = accepted ] ||
    tb_fail "the sheet says moderators '$(sheet "$A" moderators)' after #accept"
tb_pass "the moderators' #accept is relayed and recorded"

say alice "$A" "#moderators m7@$D"
pass $((S + 8 * DAY)) 1
cd_wait_grep bob 1 "Alice set who the moderators of this case are: m7@$D" >/dev/null
say alice "$A" "#to-moderators
Revised: a warning and a talk with the presenter (indigo-revision)."
pass $((S + 8 * DAY)) 1
g=$(cd_wait_grep m7 1 "indigo-revision")
cd_exactly m6 0 "indigo-revision"
[ "$(sheet "$A" moderators)" = asked ] || tb_fail "asking again does not set asked"
# m7's client answers From, the alias itself, not Reply-To: the
# reference to the mail m7 was sent is what joins it to the case.
tb_send m7@$D conduct@$D --header "Subject: Re: [CoC $A] revised" \
    --header "In-Reply-To: <$(cd_hdr "$g" Message-ID | tr -d '<> ')>" \
    --body "#decline: too lenient (ochre-declined)"
# The same from someone else is a stranger's: recorded, not relayed.
tb_send m6@$D conduct@$D --header "Subject: Re: [CoC $A] revised" \
    --header "In-Reply-To: <$(cd_hdr "$g" Message-ID | tr -d '<> ')>" \
    --body "#accept (rust-not-theirs)"
pass $((S + 8 * DAY)) 2
cd_exactly alice 0 "rust-not-theirs"
cd_wait_grep alice 1 "ochre-declined" "A moderator (m7@$D) declined the recommended response." >/dev/null
[ "$(sheet "$A" moderators)" = declined ] ||
    tb_fail "the sheet says moderators '$(sheet "$A" moderators)' after #decline"
tb_pass "#moderators sets the case's own; their #decline (an answer to the alias) is relayed and recorded"

# The weekly digest carries both columns to who may see the case line.
R=$(cd_received "$A")
t=$(cd_monday_0920 $((R + 8 * DAY + H)))
now=$(date +%s)
tb_ini_set "$CONF" committee digest_day monday
tb_ini_set "$CONF" committee digest_hour 9
pass $((t - now))
for u in alice bob carol; do
	cd_wait_grep $u 1 "Subject: [CoC] Weekly status" "$A" \
	    "moderators declined, reported person replied" >/dev/null
done
cd_exactly dave 0 "moderators declined"
LATE=$((t - now + 600))
tb_pass "the digest shows the moderators' and the reported person's steps; not to the conflicted member"

# ------------------------------------------------ discussion and a vote
say bob "$A" "I will talk to the presenter's manager (sienna-discussion).
Never <script>alert(1)</script> in a report & such."
say alice "$A" "#propose a written warning and a talk (umber-proposal)"
pass $LATE 2
for u in bob carol; do
	cd_msend "$u@$D" "$(cd_maddr $u "$A")" "Re: [CoC $A] Report" "#vote yes"
done
pass $LATE 2
cd_msend dave@$D "$(cd_maddr dave "$A")" "Re: [CoC $A] Report" \
    "I know the presenter (dave-not-participant)."
pass $LATE 1

# ------------------------------------------------ after the close
say alice "$A" "#status closed"
pass $LATE 1
tb_send m5@$D "$RP" --header "Subject: Re: [CoC $A] one more thing" \
    --body "Late note: olive-late-note."
pass $LATE 1
cd_wait_grep alice 1 "olive-late-note" >/dev/null
cd_exactly reporter1 0 "olive-late-note"
[ "$(cd_status "$A")" = closed ] || tb_fail "the late reply changed the status to '$(cd_status "$A")'"
tb_pass "a reply after the close is filed and relayed and reopens nothing"

# ------------------------------------------------ the case document
CONDUCTD_CLOCK_OFFSET=$LATE cd_ctl report "$A" >"$TB/doc.txt" ||
    tb_fail "conductctl report failed"
cp "$TB/doc.txt" "${TB_KEEP_DOC:-/dev/null}" 2>/dev/null || true
# sections: the headings in the procedure's order
sections=$(grep '^== ' "$TB/doc.txt" | tr '\n' '|')
[ "$sections" = "== Status sheet|== The report|== Committee discussion|== Proposals and votes|== The moderators|== The reported person|== The reporter|== Delivery log|" ] ||
    tb_fail "the document's sections: $sections"
# each part's mail in date order
entries=$(grep -c '^-- [0-9][0-9][0-9][0-9]-' "$TB/doc.txt")
[ "$entries" -ge 15 ] || tb_fail "the document has only $entries dated entries"
awk '/^== / { sec = $0; last = ""; next }
    /^-- [0-9][0-9][0-9][0-9]-/ { d = $2
	if (last != "" && d < last) { print sec ": " d " before " last; bad = 1 }
	last = d }
    END { exit bad }' "$TB/doc.txt" || tb_fail "a part of the document is not in date order"
# section SECTION WORD...: each WORD is in that section of the document
in_section() {
	local sec=$1 w
	shift
	for w in "$@"; do
		awk -v s="== $sec" -v w="$w" '$0 == s { on = 1; next } /^== / { on = 0 }
		    on && index($0, w) { found = 1 } END { exit !found }' "$TB/doc.txt" ||
		    tb_fail "the document's \"$sec\" lacks '$w'"
	done
}
in_section "Status sheet" "Code name: $A" "Status: closed" \
    "Moderators: asked" "declined" "Written to the reported person: first" \
    "Reported person matches: 0 other case(s)"
in_section "The report" "copper-lantern"
in_section "Committee discussion" "sienna-discussion" ", Bob" ", Alice"
in_section "Proposals and votes" "umber-proposal" "carried: yes 2, no 0, abstain 0" "Bob yes" "Carol yes"
in_section "The moderators" "teal-warning" "indigo-revision" "plum-accepted" \
    "ochre-declined" "from a moderator (m6@$D), #accept" \
    "from a moderator (m7@$D), #decline" "sent to the moderators (m6@$D)"
in_section "The reported person" "lime-harbor-plan" "saffron-context" "olive-late-note"
in_section "The reporter" "the acknowledgment to the reporter" "garnet-double"
in_section "Delivery log" "to-reported" "to the reported person" "to-moderators" "to Alice"
! grep -q "dave-not-participant" "$TB/doc.txt" ||
    tb_fail "the document holds the mail of a member who did not take part"
grep -q "other message(s) of the case are not shown" "$TB/doc.txt" ||
    tb_fail "the document does not say mail was left out"
tb_pass "conductctl report: every part in the procedure's order, each in date order, no non-participant's mail"

CONDUCTD_CLOCK_OFFSET=$LATE cd_ctl report "$A" --format html >"$TB/doc.html" ||
    tb_fail "conductctl report --format html failed"
head -1 "$TB/doc.html" | grep -q '^<!DOCTYPE html>' || tb_fail "the HTML document has no doctype"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; in a report &amp; such' "$TB/doc.html" ||
    tb_fail "the HTML document does not escape mail text"
! grep -q -i '<script\|src=\|href=\|url(' "$TB/doc.html" ||
    tb_fail "the HTML document loads or runs something"
for w in copper-lantern sienna-discussion umber-proposal plum-accepted \
    lime-harbor-plan garnet-double "Delivery log"; do
	grep -q -F "$w" "$TB/doc.html" || tb_fail "the HTML document lacks '$w'"
done
! grep -q "dave-not-participant" "$TB/doc.html" ||
    tb_fail "the HTML document holds a non-participant's mail"
tb_pass "conductctl report --format html: one self-contained file, mail text escaped"

# Dave, conflicted, got the conflict check and nothing else of the case.
cd_exactly dave 1 "$A"
for w in lime-harbor-plan saffron-context teal-warning plum-accepted \
    indigo-revision olive-late-note; do
	cd_exactly dave 0 "$w"
done
tb_pass "the conflicted member received nothing about the case"

# A report about a member: the text to them may name them (not the
# members handling the case).
tb_send reporter2@$D conduct@$D --header "Subject: Report: the quiz night" \
    --body "Location: the quiz night.
Reported person: Dave <dave@$D>
Description: remarks about my accent."
pass $LATE 1
B=$(cd_codename reporter2)
for u in alice bob carol; do
	cd_msend "$u@$D" "$(cd_maddr $u "$B")" "Re: [CoC $B] Conflict check" "#noconflict"
done
pass $LATE 3
say alice "$B" "#to-reported
Dear Dave, the committee asks you to stop such remarks (dave-greeting).
Alice"
say alice "$B" "#to-reported
Dear Dave, please stop (dave-greeting-2)."
pass $LATE 2
cd_wait_grep alice 1 "names a committee member or gives their address" >/dev/null
cd_exactly dave 0 "dave-greeting."
f=$(cd_wait_grep dave 1 "dave-greeting-2")
cd_hdr "$f" From | grep -q -F "$COMMITTEE <conduct@$D>" ||
    tb_fail "the mail to the reported member is from '$(cd_hdr "$f" From)'"
tb_pass "a text to a reported member may name them, not a member on the case"

for f in "$TB"/state/conductd.db*; do
	for w in Quill m5@ m6@ m7@ "Robin Reyes" lime-harbor-plan; do
		! strings "$f" | grep -q -F -- "$w" ||
		    tb_fail "$(basename "$f") holds '$w' in the clear"
	done
done
tb_pass "the database holds no name or address of the people outside the committee"

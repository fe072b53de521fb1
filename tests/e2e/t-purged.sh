#!/bin/bash
# Mail for a purged case (issue 10, Build 3), end to end on the real test
# bed, committee: leads Alice and Bob, member Carol.  Case A (reporter1)
# is reported, checked, closed by Alice and purged (conductctl purge).
# Two days later (the moved clock), in one pass:
#   - Bob answers #noconflict to his OLD conflict check of A (a reply with
#     its In-Reply-To and References, to his per-case address);
#   - Carol's auto-responder answers her old conflict check;
#   - reporter1 writes a follow-up to the acknowledgment of A (to its
#     Reply-To, the reporter address) and another one to the alias with
#     the acknowledgment in In-Reply-To only;
#   - reporter2 sends a NEW report.
# A day later reporter1 writes again, threaded only by the original
# report (a stored message of A): still A's, answered, no new case.
# The pass must exit 0; the new report must get its case, acknowledgment
# and conflict checks; Bob and reporter1 get ONE short "closed and
# deleted" reply each, Carol's auto-reply none; A changes in nothing
# (status, members' standing, no relay, no report sent, no new case) and
# keeps no content of the new mail.  A second late mail from Bob the same
# day gets no second reply (flood guard); one a day later does.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
DAY=86400
export TZ=UTC
command -v sqlite3 >/dev/null 2>&1 || tb_skip "sqlite3 (the CLI) not installed"

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member
DB=$TB/state/conductd.db
q() { sqlite3 "$DB" "$1"; }

pass() { cd_pass "$@"; }

# report FROM ID WORD: a report naming a stranger.
report() {
	cat >"$TB/report-$2.eml" <<EOF
From: Rowan Reporter <$1@$D>
To: conduct@$D
Subject: Report: trouble at the venue ($2)
Message-ID: <purged-report-$2@$D>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Location: the main hall
Date and time: Friday 10:00
Description: an attendee kept saying "$3" to me.
Reported person: Yuri Stone (yuri@elsewhere.test)
EOF
	tb_send_file "$1@$D" "conduct@$D" "$TB/report-$2.eml"
}

# reply FROM TO FILE IN_REPLY_TO SUBJECT BODY [HEADER...]: a reply that
# threads to the message whose Message-ID is IN_REPLY_TO.
reply() {
	local from=$1 to=$2 file=$3 irt=$4 subject=$5 body=$6 h
	shift 6
	{
		echo "From: $from"
		echo "To: $to"
		echo "Subject: $subject"
		echo "Message-ID: <$(basename "$file" .eml)@$D>"
		echo "In-Reply-To: $irt"
		echo "References: $irt"
		for h in "$@"; do echo "$h"; done
		echo "MIME-Version: 1.0"
		echo "Content-Type: text/plain; charset=utf-8"
		echo
		printf '%s\n' "$body"
	} >"$file"
	tb_send_file "$from" "$to" "$file"
}

# ------------------------------------------------------------ case A
report reporter1 a "saffron_walrus"
pass 1 0
A=$(cd_codename reporter1)
cd_wait_grep bob 1 "Subject: [CoC $A] Conflict check" >/dev/null
cd_wait_grep carol 1 "Subject: [CoC $A] Conflict check" >/dev/null
aid=$(q "SELECT id FROM cases WHERE code_name = '$A'")
cd_msend alice@$D "$(cd_maddr alice "$A")" "Re: [CoC $A] Conflict check" "#noconflict"
pass 1 0
cd_wait_grep alice 1 "saffron_walrus" >/dev/null
cd_msend alice@$D "$(cd_maddr alice "$A")" "[CoC $A] status" "#status closed"
pass 1 0
cd_expect_eq "status of $A" "$(cd_status "$A")" closed
tomorrow=$(date -u -d "+1 day" +%Y-%m-%d)
cd_ctl purge --closed-before "$tomorrow" >"$TB/purge.out" 2>"$TB/purge.err" ||
    tb_fail "purge failed: $(cat "$TB/purge.err")"
cd_expect_eq "purged" "$(sed -n 's/^\t//p' "$TB/purge.out")" "$A"
members_before=$(q "SELECT member, state FROM case_member WHERE case_id = $aid ORDER BY member")
outbox_before=$(q "SELECT count(*) FROM outbox WHERE case_id = $aid")
alice_before=$(cd_ngrep alice "[CoC $A]")
lastmsg=$(q "SELECT max(id) FROM message")
tb_pass "case $A reported, checked, closed and purged"

# ------------------------------------------------------------ late mail
bob_check=$(cd_grep bob "Subject: [CoC $A] Conflict check" | head -1)
bob_check_id=$(cd_hdr "$bob_check" Message-ID)
carol_check=$(cd_grep carol "Subject: [CoC $A] Conflict check" | head -1)
ack=$(cd_grep reporter1 "Subject: [CoC $A]" | head -1)
ack_id=$(cd_hdr "$ack" Message-ID)
raddr=$(cd_hdr "$ack" Reply-To | grep -Eo "conduct\+$A-[0-9a-f]{12}@$D") ||
    tb_fail "no reporter address in the acknowledgment of $A"
[ -n "$bob_check_id" ] && [ -n "$ack_id" ] || tb_fail "no Message-ID on the old mail"

reply bob@$D "$(cd_maddr bob "$A")" "$TB/late-bob-1.eml" "$bob_check_id" \
    "Re: [CoC $A] Conflict check" "#noconflict"
reply carol@$D "$(cd_maddr carol "$A")" "$TB/late-carol.eml" \
    "$(cd_hdr "$carol_check" Message-ID)" "Out of office" \
    "I am away until Monday." "Auto-Submitted: auto-replied"
reply reporter1@$D "$raddr" "$TB/late-rep-1.eml" "$ack_id" \
    "Re: [CoC $A] Your report" "one more thing (teal_otter)"
report reporter2 b "juniper_lantern"
pass 4 $((2 * DAY))
cd_expect_eq "messages left unhandled" "$(q "SELECT count(*) FROM message WHERE kind IS NULL")" 0

# The new report got everything.
cd_expect_eq "cases" "$(cd_cases)" 2
B=$(cd_codename reporter2)
[ "$B" != "$A" ] || tb_fail "reporter2's report joined $A"
bid=$(q "SELECT id FROM cases WHERE code_name = '$B'")
cd_expect_eq "acknowledgment of $B" "$(q "SELECT count(*) FROM outbox WHERE case_id = $bid AND kind = 'ack' AND state = 'sent'")" 1
for u in alice bob carol; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Conflict check" >/dev/null
done
tb_pass "the new report $B got its case, acknowledgment and conflict checks"

# One short reply to Bob and one to reporter1; none to Carol's robot.
f=$(cd_wait_grep bob 1 "Subject: [CoC $A] Case closed" "content was deleted")
cd_one_recipient "$f" bob
cd_has "$f" "Auto-Submitted: auto-replied" || tb_fail "the reply to bob is not marked auto-replied"
cd_expect_eq "its In-Reply-To" "$(cd_hdr "$f" In-Reply-To)" "<late-bob-1@$D>"
! cd_has "$f" "Yuri" || tb_fail "the reply to bob names the reported person"
f=$(cd_wait_grep reporter1 1 "Subject: [CoC $A] Case closed" "content was deleted")
cd_one_recipient "$f" reporter1
! cd_has "$f" "saffron_walrus" || tb_fail "the reply to reporter1 quotes the report"
cd_exactly carol 0 "Case closed"
tb_pass "the late answer and the follow-up got one short reply each; the auto-reply none"

# Nothing else changed on A.
cd_expect_eq "status of $A" "$(cd_status "$A")" closed
cd_expect_eq "members' standing on $A" \
    "$(q "SELECT member, state FROM case_member WHERE case_id = $aid ORDER BY member")" "$members_before"
cd_expect_eq "new mail queued for $A" \
    "$(q "SELECT group_concat(kind) FROM outbox WHERE case_id = $aid AND purged IS NULL")" \
    "case-purged,case-purged"
cd_expect_eq "alice's mail on $A" "$(cd_ngrep alice "[CoC $A]")" "$alice_before"
for s in teal_otter "away until Monday"; do
	for u in alice bob carol; do
		cd_exactly $u 0 "$s"
	done
done
cd_expect_eq "the late mail's kinds" \
    "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM message WHERE case_id = $aid AND id > $lastmsg ORDER BY kind)")" \
    "auto-reply member reply"
cd_expect_eq "content kept of the late mail" \
    "$(q "SELECT count(*) FROM message WHERE case_id = $aid AND raw IS NOT NULL")" 0
cd_expect_eq "sealed fields of $A" \
    "$(q "SELECT count(*) FROM cases WHERE id = $aid AND coalesce(reporter, fields, reported, actions, resolution, reporter_hash) IS NULL")" 1
for s in teal_otter "away until Monday"; do
	! grep -a -q -F -- "$s" "$DB" $(ls "$DB-wal" 2>/dev/null) || tb_fail "the database holds '$s' in the clear"
done
tb_pass "$A: status, standing and sealed fields unchanged; no relay, no report sent; no content kept"

# ------------------------------------------------------------ flood guard
# The same day: Bob again, and reporter1 to the alias, threaded by the
# acknowledgment only.  Both are recorded, neither is answered again.
reply bob@$D "$(cd_maddr bob "$A")" "$TB/late-bob-2.eml" "$bob_check_id" \
    "Re: [CoC $A] Conflict check" "#conflict"
reply reporter1@$D "conduct@$D" "$TB/late-rep-2.eml" "$ack_id" \
    "Re: [CoC $A] Your report" "and another thing (amber_finch)"
pass 2 $((2 * DAY + 3600))
cd_expect_eq "cases" "$(cd_cases)" 2
cd_expect_eq "replies to bob" "$(cd_ngrep bob "Subject: [CoC $A] Case closed")" 1
cd_expect_eq "replies to reporter1" "$(cd_ngrep reporter1 "Subject: [CoC $A] Case closed")" 1
cd_expect_eq "kinds" "$(q "SELECT group_concat(kind, ' ') FROM (SELECT kind FROM message WHERE id > (SELECT max(id) FROM message WHERE case_id = $bid) ORDER BY kind)")" "member reply"
cd_expect_eq "their case" "$(q "SELECT group_concat(DISTINCT case_id) FROM message WHERE id > (SELECT max(id) FROM message WHERE case_id = $bid)")" "$aid"
cd_expect_eq "members' standing on $A" \
    "$(q "SELECT member, state FROM case_member WHERE case_id = $aid ORDER BY member")" "$members_before"
tb_pass "a second late mail the same day is recorded and not answered again"

# A day later Bob is answered once more, and so is reporter1, who now
# writes to the alias threaded only by the original report (a stored
# message of A): that is A's thread, not a new report.
reply bob@$D "$(cd_maddr bob "$A")" "$TB/late-bob-3.eml" "$bob_check_id" \
    "Re: [CoC $A] Conflict check" "#noconflict"
reply reporter1@$D "conduct@$D" "$TB/late-rep-3.eml" "<purged-report-a@$D>" \
    "Re: Report: trouble at the venue (a)" "still there (plum_heron)"
pass 2 $((3 * DAY + 7200))
cd_wait_grep bob 2 "Subject: [CoC $A] Case closed" >/dev/null
cd_wait_grep reporter1 2 "Subject: [CoC $A] Case closed" >/dev/null
cd_expect_eq "cases" "$(cd_cases)" 2
cd_expect_eq "the follow-up's case" "$(q "SELECT case_id FROM message WHERE id = (SELECT max(id) FROM message WHERE kind = 'reply')")" "$aid"
for u in alice bob carol; do
	cd_exactly $u 0 "plum_heron"
done
tb_pass "a day later the same senders are answered again; a reply to the old report is A's"

# The notices are content of A: a purge past them empties them.
later=$(date -u -d "+5 day" +%Y-%m-%d)
cd_ctl purge --closed-before "$later" >"$TB/purge2.out" ||
    tb_fail "the second purge failed"
head -1 "$TB/purge2.out" | grep -q "^purged 1 case(s): 0 messages, 4 outgoing mails" ||
    tb_fail "the second purge: $(head -1 "$TB/purge2.out")"
cd_expect_eq "notices left with content" "$(q "SELECT count(*) FROM outbox WHERE case_id = $aid AND purged IS NULL")" 0
tb_pass "the replies are purged with the case"

#!/bin/bash
# Only the reporter speaks as the reporter (issue 11, Build 6), end to end
# with the committee of five and one report naming a stranger (case B).
# Every mail here goes to the alias itself, joined to B only by its
# In-Reply-To/References; the sender decides what it is:
#   a stranger answering the reporter's acknowledgment: nobody gets
#     anything, conductctl show lists it, no case opens;
#   the reporter answering it: relayed as "Reporter via";
#   a conflicted member (carol) answering her conflict check: a refusal
#     to her, nothing relayed; a member who has not answered (dave)
#     sending #conflict: recorded as his answer, nothing relayed;
#   a participant's #status sent to the alias in answer to mail she got:
#     carried out as hers, her text relayed as hers; the same from her
#     address answering mail she was not sent (the acknowledgment): a
#     stranger's, nothing done;
#   #to-reporter holding a member's case address: refused, the reporter
#     gets nothing.
# Every step is one "conductd --once" pass; nothing sleeps for timing.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/committee"
D=example.test

cd_setup starttls
cd_committee

pass() {
	tb_imap_wait_count conduct INBOX "$1" 20
	cd_once || tb_fail "conductd --once failed"
	cd_wait_queue
}

# alias FROM IN-REPLY-TO SUBJECT BODY: mail to the alias answering a mail.
alias() {
	tb_send "$1" conduct@$D --header "Subject: $3" \
	    --header "In-Reply-To: $2" --header "References: $2" --body "$4"
}

# ------------------------------------------------------------ the case
tb_send_file reporter2@$D conduct@$D "$data/report-zed.eml"
pass 1
B=$(cd_codename reporter2)
f=$(cd_wait_grep reporter2 1 "Subject: [CoC $B]")
ACK=$(cd_hdr "$f" Message-ID)
[ -n "$ACK" ] || tb_fail "the acknowledgment has no Message-ID"
for u in alice bob carol dave; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Conflict check" >/dev/null
done
for u in alice bob; do
	cd_msend $u@$D "$(cd_maddr $u "$B")" "Re: [CoC $B] Conflict check" \
	    "#noconflict"
	pass 1
	cd_wait_grep $u 1 "Subject: [CoC $B] Report:" "lavender kettle orbit" \
	    >/dev/null
done
cd_msend carol@$D "$(cd_maddr carol "$B")" "Re: [CoC $B] Conflict check" \
    "#conflict"
pass 1
cd_ctl show "$B" | grep -Eq '^  Carol +member +conflict$' ||
    tb_fail "carol's #conflict was not recorded"
na=$(cd_ngrep alice "[CoC $B]")
nb=$(cd_ngrep bob "[CoC $B]")

# nothing new for alice and bob since the counts above
quiet() {
	cd_exactly alice "$na" "[CoC $B]"
	cd_exactly bob "$nb" "[CoC $B]"
}

# ------------------------------------------------------------ a stranger
alias outsider@$D "$ACK" "Re: [CoC $B] Your report" \
    "I know who the reporter is. stranger-mango-text"
pass 1
quiet
cd_exactly alice 0 "stranger-mango-text"
cd_exactly bob 0 "stranger-mango-text"
cd_expect_eq "outsider's mailbox" "$(tb_imap_count outsider INBOX)" 0
cd_expect_eq "cases after the stranger's reply" "$(cd_cases)" 1
cd_ctl show "$B" >"$TB/show.1"
n=$(grep -c 'stranger .*mail from an unknown sender, not relayed$' \
    "$TB/show.1") || true
cd_expect_eq "unknown-sender lines in show" "$n" 1
grep -Eq '^  message +[0-9]+ +[0-9]{4}-' "$TB/show.1" ||
    tb_fail "show's message lines carry no date"
! grep -q "outsider@" "$TB/show.1" ||
    tb_fail "conductctl show prints the stranger's address"
! grep -q "outsider@\|stranger-mango" "$TB/conductd.log" ||
    tb_fail "the log names the stranger or their text"
tb_pass "a stranger's reply to the acknowledgment: recorded, shown, not relayed"

# ------------------------------------------------------------ the reporter
alias reporter2@$D "$ACK" "Re: [CoC $B] Your report" \
    "It happened again this morning. reporter-lychee-text"
pass 1
for u in alice bob; do
	f=$(cd_wait_grep $u 1 "reporter-lychee-text")
	cd_hdr "$f" From | grep -q -F "Reporter via" ||
	    tb_fail "$u got the reporter's reply from '$(cd_hdr "$f" From)'"
done
na=$((na + 1))
nb=$((nb + 1))
tb_pass "the reporter's reply to the alias is relayed as the reporter's"

# ------------------------------------------------------------ members
f=$(cd_grep carol "Subject: [CoC $B] Conflict check" | head -1)
alias carol@$D "$(cd_hdr "$f" Message-ID)" "Re: [CoC $B] Conflict check" \
    "Zed is my cousin, so I cannot take part. carol-cherry-text"
pass 1
quiet
cd_exactly alice 0 "carol-cherry-text"
cd_exactly bob 0 "carol-cherry-text"
f=$(cd_wait_grep carol 1 "Not passed on" "#conflict")
cd_has "$f" "$B" && tb_fail "carol's refusal names the code name"
tb_pass "a conflicted member's reply to the alias: refused, nothing relayed"

f=$(cd_grep dave "Subject: [CoC $B] Conflict check" | head -1)
alias dave@$D "$(cd_hdr "$f" Message-ID)" "Re: [CoC $B] Conflict check" \
    "#conflict
Zed is my flatmate. dave-reason-text"
pass 1
quiet
cd_exactly alice 0 "dave-reason-text"
cd_exactly bob 0 "dave-reason-text"
cd_ctl show "$B" | grep -Eq '^  Dave +member +conflict$' ||
    tb_fail "dave's #conflict to the alias was not recorded as his answer"
tb_pass "#conflict to the alias answering one's conflict check is the answer"

f=$(cd_grep alice "Subject: [CoC $B] Report:" | head -1)
alias alice@$D "$(cd_hdr "$f" Message-ID)" "Re: [CoC $B] Report" \
    "#status investigating
I will talk to the volunteer. alice-alias-text"
pass 1
cd_expect_eq "status" "$(cd_status "$B")" investigating
cd_ctl show "$B" | head -1 | grep -q "^Case $B: investigating," ||
    tb_fail "conductctl show: '$(cd_ctl show "$B" | head -1)'"
f=$(cd_wait_grep bob 1 "alice-alias-text")
cd_hdr "$f" From | grep -q -F "Alice via" ||
    tb_fail "alice's text reached bob from '$(cd_hdr "$f" From)'"
cd_exactly bob 0 "Reporter via" "alice-alias-text"
cd_exactly alice 0 "alice-alias-text"
tb_pass "a participant's command mail to the alias counts as hers"

na=$(cd_ngrep alice "[CoC $B]")
nb=$(cd_ngrep bob "[CoC $B]")
alias alice@$D "$ACK" "Re: [CoC $B] Your report" \
    "#status closed
alice-forged-text"
pass 1
quiet
cd_exactly bob 0 "alice-forged-text"
cd_expect_eq "status" "$(cd_status "$B")" investigating
n=$(cd_ctl show "$B" | grep -c 'mail from an unknown sender, not relayed$') ||
    true
cd_expect_eq "unknown-sender lines in show" "$n" 2
tb_pass "a member's From answering mail sent to someone else counts for nothing"

# ------------------------------------------------------------ #to-reporter
nr=$(tb_imap_count reporter2 INBOX)
MA=$(cd_maddr alice "$B")
cd_msend alice@$D "$MA" "Re: [CoC $B] Report" \
    "#to-reporter
Thank you; you can also write to me at $MA leak-plum-text"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $B] Not done" "case address" >/dev/null
cd_expect_eq "reporter2's mailbox" "$(tb_imap_count reporter2 INBOX)" "$nr"
cd_exactly reporter2 0 "leak-plum-text"
cd_exactly bob 0 "leak-plum-text"
tb_pass "#to-reporter holding a member's case address is refused"

cd_msend alice@$D "$MA" "Re: [CoC $B] Report" \
    "#to-reporter
Thank you for your report; we are looking into it. sent-pear-text"
pass 1
cd_wait_grep reporter2 1 "sent-pear-text" >/dev/null
tb_pass "#to-reporter without one still reaches the reporter"

#!/bin/bash
# Replies as mail clients write them (issue 9, Build 4), end to end with
# the committee of five and one report naming a stranger (case B):
#   bob joins with a plain #noconflict; alice joins with a mutt-shaped
#     bottom-post (attribution, "> " quote of the conflict check, then
#     #noconflict and text): she gets the report and bob gets her text,
#     not the quote;
#   the reporter bottom-posts under the acknowledgment: the participants
#     get the text, not the quote;
#   alice writes #propose then #vote in one mail: both count (bob's vote
#     then carries 2 of 2), and nothing is refused.
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
}

ATTR="On Tue, Dec 01, 2026 at 10:00:00AM +0000, Example Conduct Committee wrote:"

# ------------------------------------------------------------ pass 1
tb_send_file reporter2@$D conduct@$D "$data/report-zed.eml"
pass 1
B=$(cd_codename reporter2)
f=$(cd_wait_grep reporter2 1 "Subject: [CoC $B]")
RB=$(cd_hdr "$f" Reply-To | grep -Eo "conduct\+$B-[0-9a-f]{12}@$D") ||
    tb_fail "the acknowledgment has no reporter address"
for u in alice bob; do
	cd_wait_grep $u 1 "Subject: [CoC $B] Conflict check" >/dev/null
done

# ------------------------------------------------------------ pass 2
cd_msend bob@$D "$(cd_maddr bob "$B")" "Re: [CoC $B] Conflict check" \
    "#noconflict"
pass 1
cd_wait_grep bob 1 "Subject: [CoC $B] Report:" "lavender kettle orbit" >/dev/null

# ------------------------------------------------------------ pass 3
cd_msend alice@$D "$(cd_maddr alice "$B")" "Re: [CoC $B] Conflict check" \
    "$ATTR
> Do you have a conflict with quoted-check-plum?
> Answer #noconflict or #conflict.

#noconflict
I know nobody here: kiwi-bottom-text.
-- 
Alice"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $B] Report:" "lavender kettle orbit" >/dev/null
tb_pass "a bottom-posted #noconflict is carried out: alice gets the report"
cd_wait_grep bob 1 "kiwi-bottom-text" >/dev/null
cd_exactly bob 0 "quoted-check-plum"
cd_exactly alice 0 "Not done"
tb_pass "alice's bottom-posted text reaches bob without the quote"

# ------------------------------------------------------------ pass 4
cd_msend reporter2@$D "$RB" "Re: [CoC $B] your report" \
    "$ATTR
> Thank you, we got your report quoted-ack-papaya.

Also, it happened again: reporter-fig-text."
pass 1
for u in alice bob; do
	cd_wait_grep $u 1 "reporter-fig-text" >/dev/null
	cd_exactly $u 0 "quoted-ack-papaya"
done
tb_pass "the reporter's bottom-posted reply reaches the participants without the quote"

# ------------------------------------------------------------ pass 5
nc=$(cd_ngrep alice "[CoC $B]" "carried")
cd_msend alice@$D "$(cd_maddr alice "$B")" "Re: [CoC $B] proposal" \
    "#propose Issue a written warning
#vote yes"
pass 1
cd_exactly alice 0 "Not done"
cd_exactly alice "$nc" "[CoC $B]" "carried"
cd_msend bob@$D "$(cd_maddr bob "$B")" "Re: [CoC $B] vote" "#vote yes"
pass 1
f=$(cd_wait_grep alice $((nc + 1)) "[CoC $B]" "carried")
grep -q -w carried "$(cd_txt "$f")" || tb_fail "the result is not 'carried'"
tb_pass "#propose then #vote in one mail both count: bob's vote carries 2 of 2"

# A refused command does not discard the others: an unknown one, then a
# valid #status.
cd_msend alice@$D "$(cd_maddr alice "$B")" "Re: [CoC $B] status" \
    "#frobnicate
#status investigating
status-text-quince"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $B] Not done" "frobnicate" >/dev/null
cd_wait_grep bob 1 "status-text-quince" >/dev/null
cd_expect_eq "status" "$(cd_status "$B")" investigating
tb_pass "a refused command is reported; the next one and the text go on"

# A reply with only the quote: a notice back, nothing relayed.
nb=$(cd_ngrep bob "[CoC $B]")
cd_msend alice@$D "$(cd_maddr alice "$B")" "Re: [CoC $B] status" \
    "$ATTR
> status-text-quince quoted-only-grape
"
pass 1
cd_wait_grep alice 1 "Subject: [CoC $B] Nothing passed on" >/dev/null
cd_exactly bob "$nb" "[CoC $B]"
cd_exactly bob 0 "quoted-only-grape"
tb_pass "a reply with no new text and no command: a notice back, nothing relayed"

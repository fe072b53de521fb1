#!/bin/bash
# Quarantine end to end (issue 10, build 1), on the real test bed, mail
# read back over IMAP:
#   a stored report whose sealed bytes are damaged (sqlite3, between the
#     storing pass and the case step) never stops the report behind it:
#     that one gets its case and its acknowledgment in the same pass; the
#     damaged one is held, conductctl held lists it, and each lead gets
#     exactly one alarm naming only "message 1" (no content, no address);
#   conductctl retry puts it back: still damaged it is held again and
#     alarmed again; with its bytes restored it becomes a case and its
#     reporter is acknowledged;
#   an outbox row damaged on purpose (the acknowledgment of one report)
#     is held, the acknowledgment queued behind it goes out, and the leads
#     get one alarm naming the case's code name and the row;
#     conductctl show lists the held row.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
export TZ=UTC

cd_setup starttls
cd_members Alice:lead Bob:lead Carol:member
DB=$TB/state/conductd.db
ALARM="Subject: [CoC] ALARM: an item is held"	# no case
CALARM="] ALARM: an item is held"			# [CoC code]

# stop_at STEP: one pass, killed at the named crash point.
stop_at() {
	local st=0
	CONDUCTD_CRASH_AT=$1 "$CONDUCTD" -f "$CONF" --once \
	    >>"$TB/conductd.log" 2>&1 || st=$?
	cd_expect_eq "exit status of a pass killed at $1" "$st" 137
}

# pass [OFFSET]: one pass (clock moved by OFFSET s), then Postfix drained.
pass() {
	CONDUCTD_CLOCK_OFFSET=${1:-0} cd_once ||
	    tb_fail "conductd --once failed (exit $?): one bad item stopped the pass"
	cd_wait_queue
}

# lacks FILE WHAT STRING...: the message holds none of the STRINGs.
lacks() {
	local f=$1 what=$2 s
	shift 2
	for s in "$@"; do
		! cd_has "$f" "$s" || tb_fail "$what holds '$s'"
	done
}

# ---- a damaged stored message
tb_send reporter1@example.test conduct@example.test \
    --header "Subject: first report" \
    --body "Location: the hall. Someone pushed me by the stairs."
tb_imap_wait_count conduct INBOX 1 20
stop_at after-move
cd_expect_eq "messages stored" "$(cd_count)" 1
cd_expect_eq "cases before the case step" "$(cd_cases)" 0
saved=$(sqlite3 "$DB" "SELECT hex(raw) FROM message_raw WHERE id = 1")
[ -n "$saved" ] || tb_fail "message 1 has no stored bytes"
sqlite3 "$DB" "UPDATE message_raw SET raw = zeroblob(length(raw)) WHERE id = 1"
tb_send reporter2@example.test conduct@example.test \
    --header "Subject: second report" \
    --body "Location: the bar. He is still here and shouting."
tb_imap_wait_count conduct INBOX 1 20
pass
cd_expect_eq "cases after the pass" "$(cd_cases)" 1
cd_wait_grep reporter2 1 "Subject: [CoC " >/dev/null
tb_pass "the report behind the damaged one is acknowledged"
cd_expect_eq "acknowledgments to the damaged report's sender" \
    "$(tb_imap_count reporter1 INBOX)" 0
cd_ctl held >"$TB/held.out"
grep -q '^message:1 .* - .* 1  sealed message does not open$' \
    "$TB/held.out" || { cat "$TB/held.out" >&2;
    tb_fail "conductctl held does not list message:1"; }
tb_pass "conductctl held lists message:1 with its reason"
f=$(cd_wait_grep alice 1 "$ALARM" "Stored message 1 is held")
cd_wait_grep bob 1 "$ALARM" "Stored message 1 is held" >/dev/null
cd_exactly carol 0 "$ALARM"
lacks "$f" "the alarm" pushed stairs reporter1 "first report"
tb_pass "one alarm per lead, naming only the message id"
pass 3600
pass 7200
cd_exactly alice 1 "$ALARM"
cd_exactly bob 1 "$ALARM"
tb_pass "later passes raise no second alarm"

# ---- conductctl retry
st=0
cd_ctl retry message:99 >/dev/null 2>&1 || st=$?
cd_expect_eq "exit status of retrying an item that is not held" "$st" 66
st=0
cd_ctl retry 1 >/dev/null 2>&1 || st=$?
cd_expect_eq "exit status of retrying a malformed item" "$st" 64
cd_ctl retry message:1 >/dev/null || tb_fail "conductctl retry message:1"
cd_ctl held | grep -q '^message:1 ' && tb_fail "message:1 still held after retry"
pass 7300
cd_wait_grep alice 2 "$ALARM" "Stored message 1 is held" >/dev/null
tb_pass "still damaged: held again, and alarmed again"
sqlite3 "$DB" "UPDATE message_raw SET raw = x'$saved' WHERE id = 1"
cd_ctl retry message:1 >/dev/null || tb_fail "second conductctl retry"
pass 7400
cd_expect_eq "cases once the bytes are back" "$(cd_cases)" 2
cd_wait_grep reporter1 1 "Subject: [CoC " >/dev/null
cd_expect_eq "held items left" "$(cd_ctl held | tail -n +2 | wc -l)" 0
tb_pass "retried with its bytes back, the report is a case, acknowledged"

# ---- a damaged outbox row
tb_send outsider@example.test conduct@example.test \
    --header "Subject: third report" --body "Location: the lobby. A push."
tb_imap_wait_count conduct INBOX 1 20
tb_send lead1@example.test conduct@example.test \
    --header "Subject: fourth report" --body "Location: the lift. A shove."
tb_imap_wait_count conduct INBOX 2 20
stop_at after-schedule
cd_expect_eq "cases with the acknowledgments queued" "$(cd_cases)" 4
row=$(sqlite3 "$DB" "SELECT min(id) FROM outbox WHERE kind = 'ack' AND state = 'queued'")
[ -n "$row" ] || tb_fail "no queued acknowledgment"
code=$(sqlite3 "$DB" "SELECT c.code_name FROM cases c JOIN outbox o ON o.case_id = c.id WHERE o.id = $row")
sqlite3 "$DB" "UPDATE outbox SET data = zeroblob(length(data)) WHERE id = $row"
pass 7500
cd_wait_grep lead1 1 "Subject: [CoC " >/dev/null
tb_pass "the acknowledgment behind the damaged row went out"
cd_expect_eq "mail to the damaged row's recipient" \
    "$(tb_imap_count outsider INBOX)" 0
cd_ctl held | grep -q "^outbox:$row  *ack  *$code .* sealed mail does not open$" ||
    tb_fail "conductctl held does not list outbox:$row"
cd_ctl show "$code" | sed -n '/^Held/,$p' | grep -q "^outbox:$row " ||
    tb_fail "conductctl show $code does not list its held row"
cd_ctl show "$code" | grep -q "^Acknowledgment: held" ||
    tb_fail "conductctl show $code calls its held acknowledgment queued"
f=$(cd_wait_grep alice 1 "Subject: [CoC $code$CALARM" \
    "Outgoing mail $row (ack) of case $code is held")
cd_wait_grep bob 1 "Subject: [CoC $code$CALARM" \
    "Outgoing mail $row (ack) of case $code is held" >/dev/null
lacks "$f" "the outbox alarm" outsider lobby "third report"
pass 8000
cd_exactly alice 1 "$CALARM" "Outgoing mail $row"
tb_pass "one alarm per lead for the held row, naming the case and the row"
# For the log: what conductctl held shows, what conductd logged.
cd_ctl held >&2
grep -E "held:" "$TB/conductd.log" >&2 || true

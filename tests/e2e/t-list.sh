#!/bin/bash
# The listing of a big INBOX (issue 13): imap_list() asks UID SEARCH for
# the new UIDs and their sizes 512 at a time, so a flood is listed in
# windows.  Every message is stored once, across windows, across holes
# left by expunged UIDs, and from a UID in the middle of the mailbox on
# the next pass; nothing listed twice, nothing left in INBOX.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
tb_ini_set "$CONF" daemon log_level debug

# seed DIR FIRST LAST: a maildir of reports FIRST..LAST, imported.
seed() {
	local md="$TB/seed-$2"
	mkdir -p "$md/cur" "$md/new" "$md/tmp"
	for i in $(seq "$2" "$3"); do
		printf 'From: reporter1+l%s@example.test\r\nTo: conduct@example.test\r\nSubject: listed %s\r\nMessage-ID: <list-%s@example.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nWhat happened: remark number %s at the stand.\r\n' \
		    "$i" "$i" "$i" "$i" >"$md/cur/$i.list:2,"
	done
	cd_import "$md"
}

# 1,100 messages (UIDs 1 to 1100), then UIDs 100 to 299 expunged: three
# windows over a set with a hole in the first.
seed "$TB" 1 1100
doveadm -c "$TB/dovecot.conf" expunge -u conduct mailbox INBOX uid 100:299 ||
    tb_fail "doveadm expunge"
cd_expect_eq "in INBOX before the pass" "$(tb_imap_count conduct INBOX)" 900
cd_once || tb_fail "first pass failed"
grep -q 'imap: 900 messages from uid 1$' "$TB/conductd.log" ||
    tb_fail "the first listing did not find the 900 messages"
cd_expect_eq "stored after the first pass" "$(cd_count)" 900
cd_expect_eq "rows after the first pass" "$(cd_rows)" 900
cd_expect_eq "left in INBOX" "$(tb_imap_count conduct INBOX)" 0

# 600 more: listed from the UID after the last one seen.
seed "$TB" 1101 1700
cd_once || tb_fail "second pass failed"
grep -q 'imap: 600 messages from uid 1101$' "$TB/conductd.log" ||
    tb_fail "the second listing did not start after the last UID"
cd_expect_eq "stored after the second pass" "$(cd_count)" 1500
cd_expect_eq "rows after the second pass" "$(cd_rows)" 1500
cd_expect_eq "in Processed" "$(tb_imap_count conduct Processed)" 1500
cd_ctl messages | awk 'NR > 1 && / copy:/' | grep -q . &&
    tb_fail "a message was stored twice"
tb_pass "a big INBOX is listed in windows, each message once"

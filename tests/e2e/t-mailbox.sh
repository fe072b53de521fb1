#!/bin/bash
# Two folders with one UIDVALIDITY (as Cyrus gives them): INBOX and
# Reports both hold UIDs 1 and 2 under UIDVALIDITY 777.  conductd reads
# INBOX, then mailbox is switched to Reports, then back, then to Reports
# again, with new reports arriving in each between the passes: every
# report is stored once, becomes a case and gets its acknowledgment
# (read over IMAP in the reporter's mailbox), and nothing is moved to the
# processed folder without being stored.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
DOVEADM="doveadm -c $TB/dovecot.conf"

# report FILE FROM N: a report from FROM, told apart by N.
report() {
	cat >"$1" <<EOM
From: Reporter $3 <$2@$TB_DOMAIN>
To: conduct@$TB_DOMAIN
Subject: Report $3: trouble at the venue
Message-ID: <mailbox-report-$3@$TB_DOMAIN>
Date: Thu, 03 Dec 2026 08:0$3:00 +0000

Location: room $3. Someone was rude to me during talk number $3.
EOM
}

# save FOLDER FROM N: a report put straight into FOLDER.
save() {
	report "$TB/r$3.eml" "$2" "$3"
	$DOVEADM save -u conduct -m "$1" <"$TB/r$3.eml" ||
	    tb_fail "doveadm save into $1 failed"
}

uidvalidity() {
	$DOVEADM -f flow mailbox status -u conduct uidvalidity "$1" |
	    sed -n 's/^.*uidvalidity=//p'
}

$DOVEADM mailbox create -u conduct Reports || tb_fail "cannot create Reports"
save INBOX reporter1 1
save INBOX reporter2 2
save Reports outsider 3
save Reports alice 4
for f in INBOX Reports; do
	$DOVEADM mailbox update -u conduct --uid-validity 777 "$f" ||
	    tb_fail "doveadm could not set the UIDVALIDITY of $f"
done
cd_expect_eq "UIDVALIDITY of INBOX" "$(uidvalidity INBOX)" 777
cd_expect_eq "UIDVALIDITY of Reports" "$(uidvalidity Reports)" 777
cd_expect_eq "UIDs in INBOX" "$(tb_imap_uids conduct INBOX | tr '\n' ' ')" "1 2 "
cd_expect_eq "UIDs in Reports" "$(tb_imap_uids conduct Reports | tr '\n' ' ')" "1 2 "

# check N I R WHAT: N reports stored, N cases, N in Processed (nothing
# moved unstored), I left in INBOX and R in Reports.
check() {
	cd_expect_eq "stored ($4)" "$(cd_count)" "$1"
	cd_expect_eq "cases ($4)" "$(cd_cases)" "$1"
	cd_expect_eq "in Processed ($4)" "$(tb_imap_count conduct Processed)" "$1"
	cd_expect_eq "left in INBOX ($4)" "$(tb_imap_count conduct INBOX)" "$2"
	cd_expect_eq "left in Reports ($4)" "$(tb_imap_count conduct Reports)" "$3"
}

cd_once || tb_fail "pass over INBOX failed"
check 2 0 2 "INBOX"
tb_ini_set "$CONF" imap mailbox Reports
cd_once || tb_fail "pass over Reports failed"
check 4 0 0 "switched to Reports"

# New reports in both; back to INBOX, then Reports again.
save INBOX bob 5
save Reports carol 6
tb_ini_set "$CONF" imap mailbox INBOX
cd_once || tb_fail "second pass over INBOX failed"
check 5 0 1 "back to INBOX"
tb_ini_set "$CONF" imap mailbox Reports
cd_once || tb_fail "second pass over Reports failed"
check 6 0 0 "Reports again"

# Each reporter has exactly one acknowledgment, for their own report.
cd_wait_queue
n=1
for u in reporter1 reporter2 outsider alice bob carol; do
	tb_imap_wait_count "$u" INBOX 1 20
	cd_exactly "$u" 1 "Subject: [CoC " "Report $n: trouble at the venue"
	n=$((n + 1))
done
tb_pass "all six reports got their case and one acknowledgment each"
cd_ctl cases | tail -n +2 | awk '{ print $1 }' | sort -u | wc -l |
    grep -qx 6 || tb_fail "the code names are not six different ones"
if grep -q 'is already recorded' "$TB/conductd.log"; then
	grep 'is already recorded' "$TB/conductd.log" >&2
	tb_fail "a UID of one folder was taken for the same UID of the other"
fi
tb_pass "no UID of one folder was taken for one of the other"

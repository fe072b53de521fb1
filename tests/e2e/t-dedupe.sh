#!/bin/bash
# Deduplication end to end: the same report delivered twice with other
# trace headers (Received, Delivered-To, X-UID, LF line ends) is one case
# and one ack; a different report reusing its Message-ID is a new case
# with its own ack.  (The other report comes from another sender: acks
# to one sender within 24 h are the ack rules' business, not this test's.)
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls

# save FILE: puts FILE into the conduct INBOX as delivered.
save() {
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$1" ||
	    tb_fail "doveadm save"
}

head='From: Dana Reporter <dana@elsewhere.test>\r\nTo: conduct@example.test\r\nSubject: report about\r\n the workshop\r\nMessage-ID: <reused-1@elsewhere.test>\r\n'
printf "Received: from a.elsewhere.test by mx.example.test\r\n\tfor <conduct@example.test>\r\n$head\r\nLocation: workshop room\r\nSomething happened at the workshop.\r\n" \
    >"$TB/first.eml"
printf "Delivered-To: conduct@example.test\r\nReceived: from b.elsewhere.test by mx2.example.test\r\nReceived: from a.elsewhere.test by relay.example.test\r\nX-Spam-Status: No\r\n$head\r\nLocation: workshop room\r\nSomething happened at the workshop.\r\n" \
    >"$TB/again.eml"
printf "Received: from c.elsewhere.test\n$head\nLocation: workshop room\nSomething happened at the workshop.\n" |
    sed 's/\r$//' >"$TB/lf.eml"
printf "Received: from a.elsewhere.test by mx.example.test\r\n${head/dana@/erin@}\r\nLocation: hallway\r\nA second, different incident in the hallway.\r\n" \
    >"$TB/other.eml"

save "$TB/first.eml"
save "$TB/again.eml"
cd_once || tb_fail "first pass failed"
cd_expect_eq "cases after a redelivery" "$(cd_cases)" 1
cd_expect_eq "rows after a redelivery" "$(cd_rows)" 2
cd_expect_eq "stored with content" "$(cd_count)" 1
cd_wait_log "is a copy of message"
tb_imap_wait_count sink INBOX 1 20

save "$TB/lf.eml"
cd_once || tb_fail "pass with LF line ends failed"
cd_expect_eq "cases after an LF copy" "$(cd_cases)" 1

save "$TB/other.eml"
cd_once || tb_fail "pass with a reused Message-ID failed"
cd_expect_eq "cases after a reused Message-ID" "$(cd_cases)" 2
cd_expect_eq "stored with content" "$(cd_count)" 2

tb_imap_wait_count sink INBOX 2 20
cd_expect_eq "acks in the sink" "$(tb_imap_count sink INBOX)" 2
cd_expect_eq "processed" "$(tb_imap_count conduct Processed)" 4

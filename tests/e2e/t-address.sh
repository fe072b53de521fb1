#!/bin/bash
# Address recovery end to end: a From with an unquoted comma in the
# name and one missing its '>' each get their ack in that reporter's
# mailbox (read over IMAP); an ack to a quoted local part goes out with
# its quotes (Postfix's log shows to=<"rep one"@...>; it may bounce).
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
put() {
	printf 'From: %s\r\nTo: conduct@%s\r\nSubject: report %s\r\nMessage-ID: <addr-%s@elsewhere.test>\r\n\r\nLocation: room %s\r\nSomething happened.\r\n' \
	    "$1" "$TB_DOMAIN" "$2" "$2" "$2" >"$TB/addr.eml"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$TB/addr.eml" ||
	    tb_fail "doveadm save"
}
put "Doe, Jane <reporter1@$TB_DOMAIN>" 1
put "Jane <reporter2@$TB_DOMAIN" 2
put "\"rep one\"@$TB_DOMAIN" 3
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 3
tb_imap_wait_count reporter1 INBOX 1 20
cd_expect_eq "acks for 'Doe, Jane <reporter1@...>'" \
    "$(tb_imap_count reporter1 INBOX)" 1
tb_imap_wait_count reporter2 INBOX 1 20
cd_expect_eq "acks for 'Jane <reporter2@...' (no '>')" \
    "$(tb_imap_count reporter2 INBOX)" 1
uid=$(tb_imap_uids reporter2 INBOX | head -1)
tb_imap_fetch reporter2 INBOX "$uid" >"$TB/ack2.eml"
cd_header "$TB/ack2.eml" In-Reply-To | grep -q '<addr-2@elsewhere.test>' ||
    tb_fail "reporter2's ack answers another report"
tb_pass "reporter2's ack answers their report"

want="to=<\"rep one\"@$TB_DOMAIN>"
for i in $(seq 1 40); do
	grep -qF "$want" "$TB/postfix/maillog" && break
	sleep 0.5
done
grep -qF "$want" "$TB/postfix/maillog" ||
    tb_fail "Postfix never saw $want"
tb_pass "the ack went to the quoted local part, quotes kept"
if grep -E 'to=<[^>]*rep ?one' "$TB/postfix/maillog" | grep -qvF "$want"; then
	tb_fail "a mangled 'rep one' recipient reached Postfix"
fi
tb_pass "no mangled recipient"

#!/bin/bash
# [smtp] connections: 200 reports, their acknowledgments sent over up to
# 4 SMTP connections at once (implicit TLS, AUTH).  Postfix refuses one
# reporter's address for now (451 at RCPT TO: that connection fails part
# way and is dropped).  Every other reporter gets exactly one
# acknowledgment, by Postfix's log and in the sink; Postfix had more than
# one connection open at once; the refused one stays queued and, once
# Postfix takes it, goes out exactly once on a later pass (the clock
# moved past its backoff).
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls
tb_ini_set "$CONF" smtp connections 4
tb_ini_set "$CONF" daemon log_level info
n=200
refused=r050@elsewhere.test
pc=$TB/postfix/conf
maillog=$TB/postfix/maillog

# refuse on|off: Postfix answers 451 to RCPT TO:<$refused>, or not.
refuse() {
	if [ "$1" = on ]; then
		echo "$refused 451 4.7.1 not now" >"$pc/refuse"
	else
		: >"$pc/refuse"
	fi
	grep -q "^smtpd_recipient_restrictions" "$pc/main.cf" ||
	    echo "smtpd_recipient_restrictions = check_recipient_access texthash:$pc/refuse" \
	    >>"$pc/main.cf"
	tb__backdate "$pc"/*
	tb_stop_postfix
	tb_start_postfix
}
refuse on

md=$TB/seed
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in $(seq 1 "$n"); do
	printf 'From: Reporter %s <r%03d@elsewhere.test>\r\nTo: conduct@example.test\r\nSubject: report %s\r\nMessage-ID: <cn-%s@elsewhere.test>\r\n\r\nLocation: room %s\r\nSomething happened.\r\n' \
	    "$i" "$i" "$i" "$i" "$i" >"$md/cur/$i.cn:2,"
done
cd_import "$md"

cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" "$n"
cd_wait_queue
log=$TB/conductd.log

# sent_to ADDR...: how many times Postfix delivered mail for each ADDR,
# one line "ADDR COUNT" each; all: every orig_to.
delivered() {
	grep -o "orig_to=<r[0-9]*@elsewhere\.test>.* status=sent" "$maillog" |
	    sed 's/^orig_to=<\([^>]*\)>.*/\1/' | sort | uniq -c
}
delivered >"$TB/delivered"
cd_expect_eq "reporters with an acknowledgment" \
    "$(wc -l <"$TB/delivered")" $((n - 1))
cd_expect_eq "reporters with more than one" \
    "$(awk '$1 != 1' "$TB/delivered" | wc -l)" 0
grep -q " $refused\$" "$TB/delivered" &&
    tb_fail "the refused reporter got an acknowledgment"
tb_imap_wait_count sink INBOX $((n - 1)) 60
cd_expect_eq "acknowledgments in the sink" "$(tb_imap_count sink INBOX)" \
    $((n - 1))
tb_pass "$((n - 1)) reporters got exactly one acknowledgment each"

grep -q "outbox: row .* (ack, case .*) deferred, attempt 1, .*not now" \
    "$log" || tb_fail "the refused acknowledgment was not deferred"
cd_expect_eq "acknowledgments not marked sent" \
    "$(cd_ctl cases --wide | awk 'NR > 1 && $5 !~ /T/' | wc -l)" 1
tb_pass "the refused acknowledgment waits, deferred"

# Connections open at once, by Postfix's connect and disconnect lines
# (in the order postlogd got them) on the submissions listener.
conc=$(grep "postfix/submissions/smtpd" "$maillog" | awk '
    / connect from / { if (++k > max) max = k }
    / disconnect from / { k-- }
    END { print max + 0 }')
conns=$(grep -c "postfix/submissions/smtpd.*: connect from" "$maillog" ||
    true)
echo "# SMTP connections: $conns, at most $conc at once"
[ "$conc" -ge 2 ] && [ "$conc" -le 4 ] ||
    tb_fail "$conc SMTP connections at once, not 2 to 4"
tb_pass "$n acknowledgments over $conns connections, up to $conc at once"

# Postfix takes it now; after its backoff it goes, once.
refuse off
CONDUCTD_CLOCK_OFFSET=120 cd_once || tb_fail "retry pass failed"
cd_wait_queue
delivered >"$TB/delivered"
cd_expect_eq "reporters with an acknowledgment" \
    "$(wc -l <"$TB/delivered")" "$n"
cd_expect_eq "reporters with more than one" \
    "$(awk '$1 != 1' "$TB/delivered" | wc -l)" 0
cd_expect_eq "acknowledgments not marked sent" \
    "$(cd_ctl cases --wide | awk 'NR > 1 && $5 !~ /T/' | wc -l)" 0
tb_pass "the refused acknowledgment went out once on its retry"

#!/bin/bash
# A burst: 200 reports from 200 senders -> 200 cases and 200 acks, sent
# over a few SMTP connections ([smtp] connections, default 4).
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls
n=200
for i in $(seq 1 "$n"); do
	printf 'From: Reporter %s <r%03d@elsewhere.test>\r\nTo: conduct@example.test\r\nSubject: report %s\r\nMessage-ID: <burst-%s@elsewhere.test>\r\n\r\nLocation: room %s\r\nSomething happened.\r\n' \
	    "$i" "$i" "$i" "$i" "$i" >"$TB/burst.eml"
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$TB/burst.eml" ||
	    tb_fail "doveadm save"
done
t0=$(date +%s.%N)
cd_once || tb_fail "pass failed"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "figure: %d reports fetched, filed and acknowledged in %.2f s\n", n, b - a }'
cd_expect_eq "cases" "$(cd_cases)" "$n"
tb_imap_wait_count sink INBOX "$n" 60
cd_expect_eq "acks in the sink" "$(tb_imap_count sink INBOX)" "$n"
cd_expect_eq "acks marked sent" "$(cd_ctl cases --wide | awk 'NR > 1 && $5 ~ /T/' | wc -l)" "$n"
conns=$(grep -c ": connect from localhost\[127.0.0.1\]" "$TB/postfix/maillog" || true)
echo "# SMTP connections seen by Postfix: $conns"
[ "$conns" -ge 1 ] && [ "$conns" -le 5 ] ||
    tb_fail "$conns SMTP connections for $n acks: mail is not batched"
tb_pass "$n acks over $conns SMTP connection(s)"
codes=$(cd_ctl cases | awk 'NR > 1 { print $1 }' | sort -u | wc -l)
cd_expect_eq "distinct code names" "$codes" "$n"

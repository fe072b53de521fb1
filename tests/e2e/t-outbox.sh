#!/bin/bash
# The outbox at the MTA's pace: 120 reports taken in by one pass in
# batches of 40, the tenth of them urgent (ongoing).  Between the batches
# the new cases' acknowledgments go out already (before the last batch
# is stored); the urgent alert and the conflict checks only after the
# intake, once every fetched mail is read (a later batch may hold a
# lead's #conflict: t-isolation found an alert built before it); every
# row goes out in that one pass, all over one SMTP connection.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup tls
cd_committee
tb_ini_set "$CONF" imap fetch_batch 40
# One connection, so that the log's order is the order of sending
# (t-connections.sh tests several).
tb_ini_set "$CONF" smtp connections 1
tb_ini_set "$CONF" daemon log_level info
n=120
md=$TB/seed
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in $(seq 1 "$n"); do
	ongoing=
	[ "$i" != 10 ] || ongoing='Ongoing: yes, right now\r\n'
	printf 'From: Reporter %s <r%03d@elsewhere.test>\r\nTo: conduct@example.test\r\nSubject: report %s\r\nMessage-ID: <ob-%s@elsewhere.test>\r\n\r\nLocation: room %s\r\n'"$ongoing"'Something happened.\r\n' \
	    "$i" "$i" "$i" "$i" "$i" >"$md/cur/$i.ob:2,"
done
cd_import "$md"
cd_expect_eq "messages in the alias's INBOX" "$(tb_imap_count conduct INBOX)" "$n"

cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" "$n"
cd_expect_eq "acks marked sent" \
    "$(cd_ctl cases --wide | awk 'NR > 1 && $5 ~ /T/' | wc -l)" "$n"
log=$TB/conductd.log
queued=$(grep -c "^.*outbox: row .* accepted by the server" "$log" || true)
left=$(cd_ctl held | tail -n +2 | wc -l)
cd_expect_eq "items held" "$left" 0
[ "$queued" -gt "$n" ] || tb_fail "only $queued rows sent for $n reports"
tb_pass "$queued rows sent in one pass"

# Order in the log: line numbers of the last message stored, of the
# first and last acknowledgment and of the first conflict check sent.
last_stored=$(grep -n "intake: stored message" "$log" | tail -1 | cut -d: -f1)
first_ack=$(grep -n "(ack, case .*) accepted by the server" "$log" |
    head -1 | cut -d: -f1)
first_check=$(grep -n "(conflict-check, case .*) accepted by the server" \
    "$log" | head -1 | cut -d: -f1)
acks_before=$(head -n "$last_stored" "$log" |
    grep -c "(ack, case .*) accepted by the server" || true)
[ -n "$last_stored" ] && [ -n "$first_ack" ] && [ -n "$first_check" ] ||
    tb_fail "log lines missing (stored $last_stored, ack $first_ack, check $first_check)"
[ "$first_ack" -lt "$last_stored" ] ||
    tb_fail "no acknowledgment went out before the last batch was stored"
[ "$acks_before" -ge 80 ] ||
    tb_fail "$acks_before acknowledgments before the last batch, not the first two batches' 80"
tb_pass "$acks_before acknowledgments went out between the intake batches"
urgent=$(grep -n "(urgent, case .*) accepted by the server" "$log" |
    head -1 | cut -d: -f1)
[ -n "$urgent" ] || tb_fail "no urgent alert was sent"
[ "$urgent" -gt "$last_stored" ] ||
    tb_fail "the urgent alert went out before the intake was read"
tb_pass "the urgent alert waits until every fetched mail is read"
[ "$first_check" -gt "$last_stored" ] ||
    tb_fail "a conflict check went out between the batches, before acks"
tb_pass "conflict checks only after the intake"

conns=$(grep -c ": connect from localhost\[127.0.0.1\]" "$TB/postfix/maillog" || true)
cd_expect_eq "SMTP connections for the pass" "$conns" 1

# Everything the pass queued went in that pass: a second pass, right
# after, finds nothing due.
before=$(grep -c "accepted by the server" "$log")
cd_once || tb_fail "second pass failed"
cd_expect_eq "rows sent by a second pass" \
    "$(($(grep -c "accepted by the server" "$log") - before))" 0

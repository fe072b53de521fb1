#!/bin/bash
# Every permanent failure is heard: a member whose address the server
# refuses (550 5.1.1, an unknown user in the test bed's virtual domain)
# does not get the conflict check; the leads get one alarm at once, in
# the same pass, naming the case and the reply code but no address; the
# log gives the server's reply code and text with the address taken out;
# conductctl show lists the refused mail.  A lead whose address is
# refused too: the alarm to that lead is logged, and not alarmed (no
# loop).  A later pass alarms nothing again.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"

cd_setup starttls
cd_committee
cd_members Ghost:member Nolead:lead	# no such users in the test bed

tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "the pass failed"
cd_wait_queue
code=$(cd_code 1)
[ -n "$code" ] || tb_fail "no case"

for u in alice bob; do
	cd_wait_grep "$u" 2 "ALARM: mail refused by the server" >/dev/null
	cd_exactly "$u" 1 "ALARM: mail refused by the server" "$code" \
	    "a member's conflict check" "550"
	cd_exactly "$u" 1 "ALARM: mail refused by the server" "$code" \
	    "a lead's conflict check" "550"
	for f in $(cd_grep "$u" "ALARM: mail refused by the server"); do
		grep -q -i "ghost\|nolead" "$f" "$(cd_txt "$f")" &&
		    tb_fail "the alarm to $u names the refused member"
	done
	tb_pass "$u got one alarm per refusal, naming $code and 550, not the member"
done
cd_exactly carol 1 "Conflict check" "$code"
cd_exactly carol 0 "ALARM"

grep -q "refused permanently (550): 5\.1\.1 <address>" "$TB/conductd.log" ||
    tb_fail "the log has no reply code and text for the refusal"
grep -qi "ghost@\|nolead@\|Failed sending data" "$TB/conductd.log" &&
    tb_fail "the log has the address or libcurl's words"
grep -q "ALARM: case $code: a member's conflict check .* (550)" \
    "$TB/conductd.log" || tb_fail "the alarm is not logged"
tb_pass "the log: 550 and the reply text, no address"

cd_ctl show "$code" >"$TB/show.out"
grep -A3 "^Not delivered" "$TB/show.out" |
    grep -q "conflict-check .*Ghost .*failed .*reply 550: 5\.1\.1 <address>" ||
    tb_fail "conductctl show does not list the refused mail: $(cat "$TB/show.out")"
tb_pass "conductctl show lists the refused conflict check with 550"

# Nothing is alarmed twice, and the refused alarms start no loop.
cd_once || tb_fail "a later pass failed"
cd_once || tb_fail "a later pass failed"
cd_wait_queue
cd_exactly alice 2 "ALARM: mail refused by the server"
cd_exactly bob 2 "ALARM: mail refused by the server"
grep -q "ALARM: case $code: a lead's alarm .* (550)" "$TB/conductd.log" ||
    tb_fail "the refused alarm to a lead is not logged"
tb_pass "one alarm per refusal, not one a pass"

#!/bin/bash
# Bounded resends in a crash loop: conductd dies right after every send
# (CONDUCTD_CRASH_AT=after-send on every restart, as under systemd's
# Restart=), so no send is ever confirmed.  The acknowledgment reaches
# the reporter at most 3 times, then its row is held and never sent
# again, and the rows behind it (the conflict checks) still go out.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"

cd_setup starttls
cd_committee
tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20

runs=0 st=137
while [ "$st" = 137 ]; do
	runs=$((runs + 1))
	[ "$runs" -le 60 ] ||
	    tb_fail "still crashing after 60 restarts: the resends are not bounded"
	st=0
	CONDUCTD_CRASH_AT=after-send "$CONDUCTD" -f "$CONF" --once \
	    >>"$TB/conductd.log" 2>&1 || st=$?
	[ "$st" = 0 ] || [ "$st" = 137 ] ||
	    tb_fail "conductd --once exited $st in the crash loop"
done
tb_pass "the crash loop ended after $runs runs"
cd_wait_queue

code=$(cd_code 1)
n=$(cd_ngrep reporter1 "[CoC $code]")
[ "$n" -ge 1 ] && [ "$n" -le 3 ] ||
    tb_fail "the reporter got the acknowledgment $n times, not 1 to 3"
tb_pass "the acknowledgment was delivered $n time(s)"
cd_ctl show "$code" >"$TB/show.out"
grep -q " ack .*reporter .*held .*3 sends not confirmed" "$TB/show.out" ||
    tb_fail "the ack row is not held: $(cat "$TB/show.out")"
grep -q "outbox: row [0-9]* (ack, case $code) held: 3 sends not confirmed" \
    "$TB/conductd.log" || tb_fail "the hold is not logged"
for u in alice bob carol dave; do
	n=$(cd_ngrep "$u" "[CoC $code] Conflict check")
	[ "$n" -ge 1 ] && [ "$n" -le 3 ] ||
	    tb_fail "$u got the conflict check $n times, not 1 to 3"
done
tb_pass "the conflict checks behind the held ack went out"

# The crashes stop: nothing held is sent again.
acks=$(cd_ngrep reporter1 "[CoC $code]")
cd_once || tb_fail "a pass without crashes failed"
CONDUCTD_CLOCK_OFFSET=7200 cd_once || tb_fail "a later pass failed"
cd_wait_queue
cd_expect_eq "acks after the crashes stopped" \
    "$(cd_ngrep reporter1 "[CoC $code]")" "$acks"
cd_ctl show "$code" | grep -q " ack .*reporter .*held " ||
    tb_fail "the ack row is no longer held"

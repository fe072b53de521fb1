#!/bin/bash
# A pass costs what is new, not what the database holds (issue 13),
# shown by count: with nothing new a pass, and the daemon's start, read
# no case row; a reload that changes one member's addresses applies
# recusal for that member alone, on the open cases, and still recuses
# them where the new address rules them out; a change of the deadline
# settings plans the open cases again, once.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
tb_ini_set "$CONF" daemon log_level debug
tb_ini_set "$CONF" daemon poll_interval 3600
cd_members Alice:lead Dave:member
ncases=30
md="$TB/seed"
mkdir -p "$md/cur" "$md/new" "$md/tmp"
for i in $(seq 1 "$ncases"); do
	who="someone at table $i"
	[ "$i" = 7 ] && who="zed@elsewhere.test"
	printf 'From: reporter1+s%s@example.test\r\nTo: conduct@example.test\r\nSubject: seeded %s\r\nMessage-ID: <seed-%s@example.test>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0000\r\n\r\nReported person: %s\r\nWhat happened: a remark at the stand.\r\n' \
	    "$i" "$i" "$i" "$who" >"$md/cur/$i.seed:2,"
done
cd_import "$md"

# The log lines of the last run (or of the daemon since the mark).
mark=0
log_mark() { mark=$(wc -l <"$TB/conductd.log"); }
log_since() { tail -n +$((mark + 1)) "$TB/conductd.log"; }
# hup_pass: a reload, and the pass after it.
hup_pass() {
	local had
	had=$(grep -c "the pass read" "$TB/conductd.log")
	log_mark
	kill -HUP "$CD_PID"
	cd_wait_log_count "the pass read" $((had + 1))
}
reads() {
	log_since | sed -n 's/.*the pass read \([0-9]*\) case row.*/\1/p' |
	    tail -1
}

cd_once
cd_expect_eq "cases filed" "$(cd_cases)" "$ncases"
# The first pass ends with mail sent; the next plans what that changed.
cd_once
log_mark
cd_once
cd_expect_eq "case rows read by a pass with nothing new" "$(reads)" 0
! log_since | grep -q "recusal applied" ||
    tb_fail "a start with no member changed applied recusal again"
tb_pass "with $ncases cases and nothing new, a pass reads no case row"

code=$(cd_ctl cases --wide | awk 'NR > 1 { print $1 }' | while read -r c; do
	cd_ctl show "$c" | grep -q "zed@elsewhere" && echo "$c"; done | head -1)
[ -n "$code" ] || tb_fail "no case names zed@elsewhere.test"
before=$(cd_ctl show "$code" | awk '$1 == "Dave" { print $3 }')
log_mark
cd_start_daemon
cd_wait_log "waiting for new mail"
cd_expect_eq "case rows read by the daemon's start" "$(reads)" 0

sed -i 's/^email = dave@example.test$/email = dave@example.test, zed@elsewhere.test/' \
    "$CONF"
grep -q "zed@elsewhere.test" "$CONF" || tb_fail "config edit"
log_mark
had=$(grep -c "recusal applied for" "$TB/conductd.log")
kill -HUP "$CD_PID"
cd_wait_log_count "recusal applied for" $((had + 1))
line=$(log_since | grep "recusal applied for")
echo "$line" | grep -qF "for 1 new or changed member(s) on $ncases open case(s)" ||
    tb_fail "the reload re-checked more than the changed member: $line"
after=$(cd_ctl show "$code" | awk '$1 == "Dave" { print $3 }')
[ "$after" != "$before" ] && [ -n "$after" ] ||
    tb_fail "Dave stays '$before' on the case naming his new address"
cd_expect_eq "Dave's state on that case" "$after" recused
tb_pass "a reload that gives Dave an address: only Dave is re-checked," \
    "and he is recused where the report names it"

# The same configuration again: nothing is re-applied, nothing read.
hup_pass
cd_expect_eq "case rows read after an unchanged reload" "$(reads)" 0
tb_pass "a reload that changes nothing reads no case"

tb_ini_set "$CONF" committee followup_within 6d
hup_pass
log_since | grep -q "every open case is planned again" ||
    tb_fail "a new follow-up time did not plan the cases again"
r=$(reads)
[ "$r" -ge "$ncases" ] || tb_fail "a new follow-up time planned only $r cases"
hup_pass
cd_expect_eq "case rows read by the reload after" "$(reads)" 0
tb_pass "a new deadline setting plans the $ncases open cases again, once"
st=0
cd_stop_daemon TERM || st=$?
cd_expect_eq "exit status after SIGTERM" "$st" 0

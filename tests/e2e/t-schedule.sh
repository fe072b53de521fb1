#!/bin/bash
# Deadlines end to end (issue 5), on a moved clock (CONDUCTD_CLOCK_OFFSET
# given to each "conductd --once" pass; nothing sleeps for timing), with
# the committee of t-committee.sh (leads Alice and Bob, members Carol and
# Dave, backup Erin), everything read back from the mailboxes over IMAP:
#   K (reporter1) and M (reporter2) arrive while Postfix is down for 5 h
#     of clock time: at 4 h the leads are alarmed (log line, webhook POST
#     with only the code name and the deadline; the mail arrives when
#     Postfix is back), and nothing more once the acks are out;
#   conflict checks: one reminder to each member who has not answered,
#     12 h after the check; N, which nobody joins, goes to the backup at
#     24 h;
#   U, an ongoing incident: an urgent alert (no location by default) to
#     the leads at once and every hour until Alice answers #noconflict;
#   follow-up: reminders at day 5 and day 6 to the participants only, one
#     copy each although the day-5 pass is killed right after the
#     scheduler committed; overdue alarms to the non-recused leads at day
#     7 and day 8 for K; M's #to-reporter on day 6 stops them and its next
#     status update is due on day 13 (reminder on day 11); conductctl
#     cases shows the next deadline and "overdue"; closing K stops it all.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/schedule"
D=example.test
MIN=60
H=3600
DAY=86400
MEMBERS="alice bob carol dave erin"
export TZ=UTC

cd_setup starttls
cd_webhook_start
cat >>"$CONF" <<EOF
ack_alarm_after = 4h
alarm_repeat = 1h
followup_within = 7d
reminders = 2d, 1d
overdue_repeat = 1d
conflict_reminder_after = 12h
conflict_escalate_after = 24h
urgent_repeat = 1h
webhook_url = http://127.0.0.1:$CD_WEBHOOK_PORT/alarm
EOF
tb_ini_set "$CONF" committee digest_day "monday"
tb_ini_set "$CONF" committee digest_hour "9"
cd_committee

# dhm SECONDS: "5d 0h 1m", for messages.
dhm() {
	echo "$(($1 / DAY))d $(($1 % DAY / H))h $(($1 % H / MIN))m"
}

# pass OFFSET [N]: waits for N messages in the alias's INBOX, runs one
# pass with the clock moved by OFFSET seconds, then waits until Postfix
# has delivered all that the pass sent (so that a mailbox that lacks a
# message really did not get it).
pass() {
	[ "${2:-0}" = 0 ] || tb_imap_wait_count conduct INBOX "$2" 20
	CONDUCTD_CLOCK_OFFSET=$1 cd_once ||
	    tb_fail "conductd --once at +$(dhm "$1") failed"
	[ "$(tb_imap_count conduct INBOX)" = 0 ] ||
	    tb_fail "the pass at +$(dhm "$1") left mail in the alias's INBOX"
	cd_wait_queue
}

# body FILE: the decoded text of a fetched message after its header.
body() {
	sed '1,/^$/d' "$(cd_txt "$1")"
}

# lacks FILE WHAT STRING...: the message holds none of the STRINGs.
lacks() {
	local f=$1 what=$2 s
	shift 2
	for s in "$@"; do
		! cd_has "$f" "$s" || tb_fail "$what holds '$s'"
	done
}

# from_case FILE USER CODE: the message is from USER's address for CODE.
from_case() {
	cd_hdr "$1" From | grep -q -F "$(cd_maddr "$2" "$3")" ||
	    tb_fail "$2's $(cd_hdr "$1" Subject | cut -c1-60) is from" \
	    "'$(cd_hdr "$1" From)', not $2's address for $3"
}

# answer USER CODE BODY: USER writes BODY to their address for CODE.
answer() {
	cd_msend "$1@$D" "$(cd_maddr "$1" "$2")" "Re: [CoC $2] Conflict check" "$3"
}

rfc3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'
ALARM="ALARM: acknowledgment not sent"
URGENT="URGENT: ongoing incident"
CREM="Reminder: conflict check"
REM2="Reminder: follow-up with the reporter due in 2 days"
REM1="Reminder: follow-up with the reporter due in 1 day"
OVERDUE="OVERDUE: follow-up with the reporter"

# ================================================ acknowledgment watch
tb_send_file reporter1@$D conduct@$D "$data/report-k.eml"
tb_imap_wait_count conduct INBOX 1 20
tb_send_file reporter2@$D conduct@$D "$data/report-m.eml"
tb_imap_wait_count conduct INBOX 2 20
tb_stop_postfix

pass 0 2
cd_expect_eq "cases" "$(cd_cases)" 2
CK=$(cd_code 1)
CM=$(cd_code 2)
tb_log "cases: K=$CK M=$CM"
RK=$(cd_received "$CK")
RM=$(cd_received "$CM")
! grep -q ALARM "$TB/conductd.log" || tb_fail "an ALARM at receipt"
[ ! -s "$TB/webhook.log" ] || tb_fail "the webhook was called at receipt"

pass $((4 * H + MIN))
# With Postfix still down: the log line and the webhook.
for c in $CK $CM; do
	grep -F -- "$c" "$TB/conductd.log" | grep -F ALARM |
	    grep -q -E '( error: |^<3>)' ||
	    tb_fail "no error line with ALARM and $c in conductd.log"
done
tb_pass "4 h after receipt, unacknowledged: ALARM error lines name $CK and $CM"
grep ALARM "$TB/conductd.log" | grep -q -E 'reporter[12]|Robin|Sam|Zed|Yuri|xylophone|zeppelin' &&
    tb_fail "an ALARM log line carries report data"
cd_webhook_requests >"$TB/webhook.req"
for c in $CK $CM; do
	if [ "$c" = "$CK" ]; then r=$RK; else r=$RM; fi
	line=$(awk -F'\t' -v c="$c" '$2 == c' "$TB/webhook.req" | head -1)
	[ -n "$line" ] || { cat "$TB/webhook.log" >&2
	    tb_fail "the webhook got no POST with \"code_name\":\"$c\""; }
	IFS=$'\t' read -r req code dl keys raw <<<"$line"
	cd_expect_eq "webhook request for $c" "$req" "POST /alarm"
	# Other keys (say, what kind of alarm) may come along; nothing from
	# the report may (checked on the raw body below).
	[[ ,$keys, == *,code_name,* && ,$keys, == *,deadline,* ]] ||
	    tb_fail "webhook JSON for $c has keys $keys: $raw"
	tb_log "webhook JSON for $c: $raw"
	[[ $dl =~ $rfc3339 ]] || tb_fail "webhook deadline '$dl' is not RFC 3339"
	cd_expect_eq "webhook deadline of $c (receipt + 24 h)" \
	    "$(date -u -d "$dl" +%s)" $((r + 24 * H))
	# Without the code name: "chat" is in "whinchat", a word of its.
	for s in reporter Robin Sam Zed Yuri xylophone zeppelin keynote chat; do
		case "${raw//$c/}" in
		*"$s"*) tb_fail "webhook body for $c holds '$s'" ;;
		esac
	done
done
tb_pass "the webhook got a POST per case with only the code name and the deadline"

pass $((5 * H))
tb_start_postfix
pass $((5 * H + MIN))
# The acks must be out in the first pass after Postfix is back.  If one is
# not, the failure is kept for the end and a pass 10 minutes later lets
# it out, so that the rest still runs.
late=""
for r in reporter1:$CK reporter2:$CM; do
	n=$(cd_ngrep ${r%:*} "Subject: [CoC ${r#*:}]")
	if [ "$n" = 1 ]; then
		tb_pass "acknowledgments to ${r%:*} at 5 h 1 m = 1"
	else
		m="${r%:*} had $n acknowledgment(s), not 1, after the pass at 5 h 1 m (Postfix back)"
		echo "FAIL (reported at the end): $m" >&2
		late="$late$m; "
	fi
done
if [ -n "$late" ]; then
	pass $((5 * H + 10 * MIN))
fi
cd_expect_eq "acknowledgments to reporter1" "$(cd_ngrep reporter1 "Subject: [CoC $CK]")" 1
cd_expect_eq "acknowledgments to reporter2" "$(cd_ngrep reporter2 "Subject: [CoC $CM]")" 1
cd_expect_eq "reporter1's case" "$(cd_codename reporter1)" "$CK"
cd_expect_eq "reporter2's case" "$(cd_codename reporter2)" "$CM"
declare -A nal
for c in $CK $CM; do
	for u in alice bob; do
		nal[$u$c]=$(cd_ngrep $u "Subject: [CoC $c] $ALARM")
		[ "${nal[$u$c]}" -ge 1 ] || tb_fail "$u got no ack alarm for $c"
	done
	f=$(cd_grep alice "Subject: [CoC $c] $ALARM" | head -1)
	cd_one_recipient "$f" alice
	from_case "$f" alice "$c"
	body "$f" | grep -q -E '\b(19|20) ?(hours|h)\b' ||
	    tb_fail "alice's first alarm for $c does not say 19 or 20 hours are left: $(body "$f")"
	lacks "$f" "alice's alarm for $c" reporter1 reporter2 Robin Sam Zed Yuri \
	    xylophone zeppelin keynote
done
for u in carol dave erin; do
	cd_exactly $u 0 "$ALARM"
done
tb_pass "Postfix back: the leads' alarms arrive (alice: ${nal[alice$CK]}, ${nal[alice$CM]}), the members' do not"
nwh=$(cd_webhook_requests | wc -l)

# ===================================== answers, two more cases, urgent
# K: alice joins, bob and carol have a conflict, dave says nothing.
# M: alice and dave join, bob has a conflict, carol says nothing.
answer alice "$CK" "#noconflict"
answer bob "$CK" "#conflict"
answer carol "$CK" "#conflict"
answer alice "$CM" "#noconflict"
answer dave "$CM" "#noconflict"
answer bob "$CM" "#conflict"
tb_send_file lead1@$D conduct@$D "$data/report-n.eml"
tb_send_file outsider@$D conduct@$D "$data/report-urgent.eml"
T7=$(date +%s)
pass $((7 * H)) 8
for c in $CK $CM; do
	for u in alice bob; do
		cd_exactly $u "${nal[$u$c]}" "Subject: [CoC $c] $ALARM"
	done
done
cd_expect_eq "webhook calls after the acks went out" \
    "$(cd_webhook_requests | wc -l)" "$nwh"
tb_pass "no alarm once the acks are out"
CN=$(cd_codename lead1)
CU=$(cd_codename outsider)
tb_log "cases: N=$CN U=$CU"
for u in alice bob; do
	cd_exactly $u 1 "Subject: [CoC $CU] $URGENT"
	f=$(cd_grep $u "Subject: [CoC $CU] $URGENT")
	cd_one_recipient "$f" $u
	from_case "$f" $u "$CU"
	b=$(body "$f")
	for s in "$CU" ongoing "#noconflict"; do
		case "$b" in *"$s"*) ;; *) tb_fail "$u's urgent alert lacks '$s': $b" ;; esac
	done
	# urgent_alert_details = none (the default): no location either.
	lacks "$f" "$u's urgent alert" gazebo rutabaga "following me" whispers \
	    outsider Olive Walt Moss walt@ "east hall" "Location:"
done
for u in carol dave erin; do
	cd_exactly $u 0 "$URGENT"
done
tb_pass "an ongoing incident: the leads are alerted in the pass that received it, with code name, 'ongoing' and #noconflict only (no location)"

answer carol "$CN" "#conflict"
pass $((8 * H + MIN)) 1
for u in alice bob; do
	cd_exactly $u 2 "Subject: [CoC $CU] $URGENT"
done
tb_pass "the urgent alert is repeated after an hour"
answer alice "$CU" "#noconflict"
pass $((8 * H + 2 * MIN)) 1
pass $((9 * H + 3 * MIN))
pass $((10 * H + 3 * MIN))
for u in alice bob; do
	cd_exactly $u 2 "Subject: [CoC $CU] $URGENT"
done
for u in carol dave erin; do
	cd_exactly $u 0 "$URGENT"
done
tb_pass "no urgent alert after alice's #noconflict (passes at 9 h and 10 h)"

# ===================================================== conflict checks
# 10 h after K's checks were written (5 h after they went out): too early.
for u in $MEMBERS; do
	cd_exactly $u 0 "$CREM"
done
pass $((19 * H + MIN))
# K: dave; M: carol; N (received at 7 h): alice, bob, dave; U: bob,
# carol, dave.
declare -A crem=(
	[$CK]="dave" [$CM]="carol" [$CN]="alice bob dave" [$CU]="bob carol dave"
)
check_crem() {
	local c u n
	for c in $CK $CM $CN $CU; do
		for u in $MEMBERS; do
			case " ${crem[$c]} " in *" $u "*) n=1 ;; *) n=0 ;; esac
			cd_exactly $u $n "Subject: [CoC $c] $CREM"
		done
	done
}
check_crem
f=$(cd_grep dave "Subject: [CoC $CK] $CREM")
cd_one_recipient "$f" dave
from_case "$f" dave "$CK"
lacks "$f" "dave's conflict reminder" xylophone Robin reporter1 keynote
tb_pass "one conflict reminder, 12 h on, to each member who has not answered"
cd_exactly erin 0 "[CoC $CN]"
cd_exactly alice 0 "Reminder: follow-up"
pass $((31 * H + MIN))
f=$(cd_wait_grep erin 1 "Subject: [CoC $CN] Conflict check")
cd_exactly erin 1 "Subject: [CoC $CN] Conflict check"
cd_has "$f" "Xavi West" || tb_fail "erin's conflict check does not name the reported person"
lacks "$f" "erin's conflict check" lead1 Lee trombone okra
for c in $CK $CM $CU; do
	cd_exactly erin 0 "[CoC $c]"
done
check_crem
tb_pass "N, still without a participant 24 h after receipt, went to the backup (only N)"
cd_exactly alice 0 "Reminder: follow-up"

# ========================================================= follow-up
# Day 5, killed right after the scheduler committed, then re-run.
st=0
CONDUCTD_CRASH_AT=after-schedule CONDUCTD_CLOCK_OFFSET=$((5 * DAY + MIN)) \
    "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 || st=$?
cd_expect_eq "exit status of a crash after the scheduler" "$st" 137
cd_wait_queue
cd_exactly alice 0 "$REM2"
pass $((5 * DAY + MIN))
pass $((5 * DAY + MIN))
for c in $CK $CM; do
	for u in $MEMBERS; do
		case "$c:$u" in
		$CK:alice|$CM:alice|$CM:dave) n=1 ;;
		*) n=0 ;;
		esac
		cd_exactly $u $n "Subject: [CoC $c] $REM2"
		cd_exactly $u 0 "Subject: [CoC $c] $REM1"
	done
done
f=$(cd_grep alice "Subject: [CoC $CK] $REM2")
cd_one_recipient "$f" alice
from_case "$f" alice "$CK"
tb_pass "day 5: one 'due in 2 days' reminder per participant (after a crash and two passes)"

pass $((6 * DAY + MIN))
for c in $CK $CM; do
	for u in $MEMBERS; do
		case "$c:$u" in
		$CK:alice|$CM:alice|$CM:dave) n=1 ;;
		*) n=0 ;;
		esac
		cd_exactly $u $n "Subject: [CoC $c] $REM2"
		cd_exactly $u $n "Subject: [CoC $c] $REM1"
	done
done
tb_pass "day 6: one 'due in 1 day' reminder per participant"
cd_msend dave@$D "$(cd_maddr dave "$CM")" "[CoC $CM] status" "#to-reporter
We are still looking into your report and will write again (status-tuba)."
t0=$(date +%s)
pass $((6 * DAY + 2 * MIN)) 1
t1=$(date +%s)
cd_exactly reporter2 1 "status-tuba"

pass $((7 * DAY + 2 * MIN))
for u in $MEMBERS; do
	case $u in alice) n=1 ;; *) n=0 ;; esac
	cd_exactly $u $n "Subject: [CoC $CK] $OVERDUE"
	cd_exactly $u 0 "Subject: [CoC $CM] $OVERDUE"
done
f=$(cd_grep alice "Subject: [CoC $CK] $OVERDUE")
cd_one_recipient "$f" alice
from_case "$f" alice "$CK"
tb_pass "day 7: K overdue to alice (bob has a conflict; carol and dave are members); M followed up"

pass $((8 * DAY + 3 * MIN))
for u in $MEMBERS; do
	case $u in alice) n=2 ;; *) n=0 ;; esac
	cd_exactly $u $n "Subject: [CoC $CK] $OVERDUE"
	cd_exactly $u 0 "Subject: [CoC $CM] $OVERDUE"
done
for u in alice dave; do
	cd_exactly $u 1 "Subject: [CoC $CM] $REM2"
done
tb_pass "day 8: the overdue alarm repeated once; still nothing overdue for M"

# conductctl reads the same (moved) clock.
export CONDUCTD_CLOCK_OFFSET=$((8 * DAY + 3 * MIN))
cd_ctl cases --wide >"$TB/cases.out"
head -1 "$TB/cases.out" | grep -q "NEXT DUE" ||
    tb_fail "conductctl cases has no NEXT DUE column: $(head -1 "$TB/cases.out")"
nd=$(cd_next_due "$CK")
set -- $nd
[[ ${1:-} =~ $rfc3339 ]] || tb_fail "K's NEXT DUE '$nd' is not an RFC 3339 time"
cd_expect_eq "K's next deadline (receipt + 7 d)" "$(date -u -d "$1" +%s)" $((RK + 7 * DAY))
echo "$nd" | grep -q -w overdue || tb_fail "K is not shown overdue: '$nd'"
nd=$(cd_next_due "$CM")
set -- $nd
[[ ${1:-} =~ $rfc3339 ]] || tb_fail "M's NEXT DUE '$nd' is not an RFC 3339 time"
due=$(date -u -d "$1" +%s)
[ "$due" -ge $((t0 + 6 * DAY + 2 * MIN + 7 * DAY)) ] &&
    [ "$due" -le $((t1 + 6 * DAY + 2 * MIN + 7 * DAY)) ] ||
    tb_fail "M's next deadline $1 is not 7 days after the #to-reporter of day 6"
! echo "$nd" | grep -q -w overdue || tb_fail "M is shown overdue: '$nd'"
tb_pass "conductctl cases: K overdue since receipt + 7 d, M due 7 d after its follow-up"
unset CONDUCTD_CLOCK_OFFSET

# Closing K stops it all.
cd_msend alice@$D "$(cd_maddr alice "$CK")" "[CoC $CK] close" "#status closed"
pass $((8 * DAY + 4 * MIN)) 1
cd_expect_eq "status of K" "$(cd_status "$CK")" closed
! CONDUCTD_CLOCK_OFFSET=$((8 * DAY + 4 * MIN)) cd_next_due "$CK" | grep -q -w overdue ||
    tb_fail "closed K is still shown overdue"
declare -A nk
for u in $MEMBERS; do
	nk[$u]=$(cd_ngrep $u "Subject: [CoC $CK]")
done

# Day 11: M's next status update (due day 13) is 2 days away.
pass $((11 * DAY + 5 * MIN))
for u in $MEMBERS; do
	case $u in alice|dave) n=2 ;; *) n=0 ;; esac
	cd_exactly $u $n "Subject: [CoC $CM] $REM2"
	cd_exactly $u $(( n / 2 )) "Subject: [CoC $CM] $REM1"
	cd_exactly $u 0 "Subject: [CoC $CM] $OVERDUE"
	cd_exactly $u "${nk[$u]}" "Subject: [CoC $CK]"
done
tb_pass "day 11: 'due in 2 days' for M's status update; nothing more about closed K"

# ================================================================ the end
# Erin, asked about N at 31 h, has not answered either.
crem[$CN]="alice bob dave erin"
check_crem
tb_pass "still one conflict reminder each after all the passes"
for u in $MEMBERS; do
	for f in $(cd_grep $u "@"); do
		cd_one_recipient "$f" $u
	done
done
tb_pass "every mail to a member had one recipient"
for u in reporter1 reporter2 lead1 outsider; do
	for s in ALARM URGENT OVERDUE Reminder; do
		cd_exactly $u 0 "$s"
	done
done
tb_pass "the reporters got no alarm or reminder"
[ -z "$late" ] || tb_fail "$late"

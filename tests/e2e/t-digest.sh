#!/bin/bash
# The weekly status digest (issue 5) end to end, on a moved clock, with
# the committee of t-committee.sh (leads Alice and Bob, members Carol and
# Dave, backup Erin), read back from every member's mailbox over IMAP:
#   D1 (reporter1) names Bob: Alice and Carol join, Dave has a conflict;
#     Alice sets status, safety, repeat, actions and resolution;
#   D2 (reporter2) names a stranger: Bob and Dave join, Alice and Carol
#     never answer; Bob sets safety, repeat, actions and resolution;
#   D3 (outsider) is closed by Alice.
# On Monday 08:xx UTC nobody gets a digest; on Monday 09:xx every member
# gets exactly one "[CoC] Weekly status" from the alias (although the
# first 09:xx pass is killed right after the scheduler committed), with
# one line per open case the member is not kept from: code name, status,
# safety, repeat, received and next due date; actions and resolution only
# where the member is a participant.  A member recused from a case (or
# with a conflict on it) finds no line for it, not even its code name.  Never the reporter,
# the reported person or report text.  A later pass that hour sends no
# second digest.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/schedule"
D=example.test
MIN=60
H=3600
DAY=86400
MEMBERS="alice bob carol dave erin"
DIGEST="Subject: [CoC] Weekly status"
export TZ=UTC

cd_setup starttls
cat >>"$CONF" <<EOF
ack_alarm_after = 4h
followup_within = 7d
reminders = 2d, 1d
EOF
tb_ini_set "$CONF" committee digest_day "monday"
tb_ini_set "$CONF" committee digest_hour "9"
cd_committee

pass() {
	cd_pass_at "$@"
}

# answer USER CODE BODY: USER writes BODY to their address for CODE.
answer() {
	cd_msend "$1@$D" "$(cd_maddr "$1" "$2")" "[CoC $2] Conflict check" "$3"
}

# Setup passes run at offset S, out of any Monday 09:xx (S = 3 h when the
# test runs on a Monday between 08:00 and 09:59 UTC).
S=$(cd_off_digest)

# ------------------------------------------------------------ cases
tb_send_file reporter1@$D conduct@$D "$data/digest-bob.eml"
tb_send_file reporter2@$D conduct@$D "$data/digest-zed.eml"
tb_send_file outsider@$D conduct@$D "$data/digest-closed.eml"
pass $S 3
D1=$(cd_codename reporter1)
D2=$(cd_codename reporter2)
D3=$(cd_codename outsider)
tb_log "cases: D1=$D1 D2=$D2 D3=$D3"
cd_exactly bob 0 "[CoC $D1]"

answer alice "$D1" "#noconflict"
answer carol "$D1" "#noconflict"
answer dave "$D1" "#conflict"
answer bob "$D2" "#noconflict"
answer dave "$D2" "#noconflict"
answer alice "$D3" "#noconflict"
pass $S 6
cd_wait_grep carol 1 "Subject: [CoC $D1] Report:" >/dev/null
cd_wait_grep dave 1 "Subject: [CoC $D2] Report:" >/dev/null

cd_msend alice@$D "$(cd_maddr alice "$D1")" "[CoC $D1] sheet" "#status investigating
#safety yes
#repeat maybe
#actions talk to the venue (act-kazoo)
#resolution res-lobster"
cd_msend bob@$D "$(cd_maddr bob "$D2")" "[CoC $D2] sheet" "#safety unknown
#repeat yes
#actions ask the volunteers (act-walrus)
#resolution res-ukulele"
cd_msend alice@$D "$(cd_maddr alice "$D3")" "[CoC $D3] close" "#status closed"
pass $S 3
cd_expect_eq "status of D1" "$(cd_status "$D1")" investigating
cd_expect_eq "status of D3" "$(cd_status "$D3")" closed
S2=$(cd_status "$D2")
[ -n "$S2" ] || tb_fail "no status for D2"
cd_wait_grep dave 1 "[CoC $D2]" "act-walrus" >/dev/null
for u in $MEMBERS; do
	cd_exactly $u 0 "$DIGEST"
done

# The next Monday 09:20 UTC at least 2 h from now.
now=$(date +%s)
t=$(cd_monday_0920 $((now + S + 2 * H)))
OFF=$((t - now))
tb_log "digest time: $(date -u -d "@$t" '+%a %F %H:%M') (offset $OFF s)"

# ------------------------------------------------------------ Monday 08:20
pass $((OFF - H))
for u in $MEMBERS; do
	cd_exactly $u 0 "$DIGEST"
done
tb_pass "no digest on Monday 08:xx"

# ------------------------------------------------------------ Monday 09:20
st=0
CONDUCTD_CRASH_AT=after-schedule CONDUCTD_CLOCK_OFFSET=$OFF \
    "$CONDUCTD" -f "$CONF" --once >>"$TB/conductd.log" 2>&1 || st=$?
cd_expect_eq "exit status of a crash after the scheduler" "$st" 137
cd_wait_queue
for u in $MEMBERS; do
	cd_exactly $u 0 "$DIGEST"
done
pass "$OFF"
pass $((OFF + 20 * MIN))
for u in $MEMBERS; do
	cd_exactly $u 1 "$DIGEST"
done
tb_pass "Monday 09:xx: one digest per member (a crashed pass and two more)"

# ------------------------------------------------------------ content
day() {
	date -u -d "@$1" +%F
}
R1=$(cd_received "$D1")
R2=$(cd_received "$D2")
declare -A rcv=([$D1]=$(day "$R1") [$D2]=$(day "$R2"))
declare -A due=([$D1]=$(day $((R1 + 7 * DAY))) [$D2]=$(day $((R2 + 7 * DAY))))
declare -A stat=([$D1]=investigating [$D2]=$S2)
declare -A safe=([$D1]="yes maybe" [$D2]="unknown yes")
declare -A acts=([$D1]="act-kazoo res-lobster" [$D2]="act-walrus res-ukulele")

# entry TXT CODE: the digest's entry for CODE, on one line: the line that
# starts with the code name and the indented lines that follow it.
entry() {
	sed '1,/^$/d' "$1" | awk -v c="$2" '
	    on && /^[ \t]/ { e = e " " $0; next }
	    { on = 0 }
	    index($0, c) == 1 && !done { on = 1; done = 1; e = $0 }
	    END { print e }'
}

# role USER CODE: participant, recused or other.
role() {
	case "$2:$1" in
	$D1:alice|$D1:carol|$D2:bob|$D2:dave) echo participant ;;
	$D1:bob|$D1:dave) echo recused ;;
	*) echo other ;;
	esac
}

for u in $MEMBERS; do
	f=$(cd_grep $u "$DIGEST")
	txt=$(cd_txt "$f")
	cd_one_recipient "$f" $u
	cd_hdr "$f" From | grep -q -F "conduct@$D" ||
	    tb_fail "$u's digest is from '$(cd_hdr "$f" From)', not the alias"
	! cd_has "$f" "$D3" || tb_fail "$u's digest lists the closed case $D3"
	for s in reporter1 reporter2 outsider Robin Sam Olive Zed Quill zed@ \
	    Quinn quinn@ accordion parsnip bagpipe pretzel harmonica turnip \
	    "sprint room" "lunch area" "coat check"; do
		! cd_has "$f" "$s" || tb_fail "$u's digest holds '$s'"
	done
	if [ $u != bob ]; then
		! grep -q -w -e Bob -e bob@$D "$txt" ||
		    tb_fail "$u's digest names Bob, the reported person of $D1"
	fi
	for c in $D1 $D2; do
		r=$(role $u $c)
		if [ $r = recused ]; then
			! cd_has "$f" "$c" ||
			    tb_fail "$u, recused from $c, finds its code name in the digest"
			continue
		fi
		line=$(entry "$txt" "$c")
		[ -n "$line" ] ||
		    tb_fail "$u's digest has no line for $c: $(sed '1,/^$/d' "$txt")"
		[[ " $line " == *[^a-z]"${stat[$c]}"[^a-z]* ]] ||
		    tb_fail "$u's line for $c lacks the status ${stat[$c]}: $line"
		for s in ${safe[$c]}; do
			echo "$line" | grep -q -w -F -- "$s" ||
			    tb_fail "$u's line for $c lacks '$s': $line"
		done
		for s in "${rcv[$c]}" "${due[$c]}"; do
			echo "$line" | grep -q -F -- "$s" ||
			    tb_fail "$u's line for $c lacks the date $s: $line"
		done
		for s in ${acts[$c]}; do
			if [ $r = participant ]; then
				echo "$line" | grep -q -F -- "$s" ||
				    tb_fail "$u, participant of $c, does not see '$s': $line"
			else
				! cd_has "$f" "$s" ||
				    tb_fail "$u, $r on $c, sees '$s' in the digest"
			fi
		done
	done
done
tb_pass "digest content: no line at all for a case the member is recused from; status, safety, repeat, dates for the others; actions and resolution for participants only"
tb_pass "no digest holds a reporter, a reported person or report text; none lists the closed case"

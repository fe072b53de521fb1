#!/bin/bash
# Each member's language (issue 14, build 4) end to end, on a moved
# clock, read back from the members' mailboxes over IMAP and decoded.
# [committee] language is English; lead Alice has language = ko, lead
# Bob none, member Carol language = de.  For one case that all three
# join, each gets the conflict check, the report (its labels), the echo
# of a command, a relayed mail's sender name, the follow-up reminders,
# the overdue alarm (leads) and the weekly digest in their own language,
# and no line of another language's template.  #help to Alice is Korean,
# and so is the reason (with its example) of her refused #actions.
# A member's language with no template set is refused by check-config
# with file, line and member.
# Then an admin's templates folder holding ko/reminder.txt alone:
# Alice's next reminder takes its words, her digest stays the installed
# Korean one, and Bob's and Carol's mail does not change.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/schedule"
D=example.test
MIN=60
H=3600
DAY=86400
export TZ=UTC

cd_setup starttls
cat >>"$CONF" <<EOF
followup_within = 7d
reminders = 2d, 1d
overdue_repeat = 1d
conflict_reminder_after = 3d
conflict_escalate_after = 3d
EOF
tb_ini_set "$CONF" committee digest_day "monday"
tb_ini_set "$CONF" committee digest_hour "9"
printf '\n[member Alice]\nemail = alice@%s\nrole = lead\nlanguage = ko\n' \
    "$D" >>"$CONF"
printf '\n[member Bob]\nemail = bob@%s\nrole = lead\n' "$D" >>"$CONF"
printf '\n[member Carol]\nemail = carol@%s\nrole = member\nlanguage = de\n' \
    "$D" >>"$CONF"
cd_ctl check-config >"$TB/check.out" 2>&1 ||
    tb_fail "check-config refuses the member languages: $(cat "$TB/check.out")"

pass() {
	cd_pass_at "$@"
}

answer() {
	cd_msend "$1@$D" "$(cd_maddr "$1" "$2")" "Re: [CoC $2] $3" "$4"
}

# only USER WHAT LANG: USER's one message holding the words of WHAT in
# LANG (fixed strings per language below) exists, and none holds them in
# the other two languages.
declare -A W
W[check.en]="Subject: [CoC CODE] Conflict check"
W[check.ko]="Subject: [CoC CODE] 이해충돌 확인"
W[check.de]="Subject: [CoC CODE] Konfliktabfrage"
W[report.en]="This is the report of case"
W[report.ko]="의 신고 내용입니다"
W[report.de]="Dies ist die Meldung zu Fall"
W[label.en]="Whether it is still going on: no"
W[label.ko]="지금도 계속되고 있는지: no"
W[label.de]="Ob es noch andauert: no"
W[echo.en]="Alice set status to investigating"
W[echo.ko]="Alice 님이 상태를 변경했습니다: investigating"
W[echo.de]="Alice hat den Status gesetzt: investigating"
W[via.en]="Bob via Example Conduct Committee"
W[via.ko]="Bob (Example Conduct Committee 경유)"
W[via.de]="Bob über Example Conduct Committee"
W[rem.en]="Reminder: follow-up with the reporter due in 2 days"
W[rem.ko]="알림: 신고자 후속 연락 기한 2일 전"
W[rem.de]="Erinnerung: Rückmeldung an die meldende Person, noch 2 Tage"
W[over.en]="OVERDUE: follow-up with the reporter"
W[over.ko]="기한 지남: 신고자에 대한 후속 연락"
W[over.de]="ÜBERFÄLLIG: Rückmeldung an die meldende Person"
W[digest.en]="Subject: [CoC] Weekly status"
W[digest.ko]="Subject: [CoC] 주간 현황"
W[digest.de]="Subject: [CoC] Wochenübersicht"

word() {
	printf '%s' "${W[$1.$2]//CODE/$C}"
}

only() {
	local user=$1 what=$2 lang=$3 l n
	n=$(cd_ngrep "$user" "$(word "$what" "$lang")")
	[ "$n" -ge 1 ] ||
	    tb_fail "$user has no $what in $lang ('$(word "$what" "$lang")')"
	for l in en ko de; do
		[ $l = "$lang" ] && continue
		cd_exactly "$user" 0 "$(word "$what" $l)"
	done
}

LANGS="alice:ko bob:en carol:de"
# wait_each WHAT: waits until each member has WHAT in their language.
wait_each() {
	local ul
	for ul in $LANGS; do
		cd_wait_grep "${ul%%:*}" 1 "$(word "$1" "${ul#*:}")" >/dev/null
	done
}
each() {
	local what=$1 ul
	for ul in $LANGS; do
		only "${ul%%:*}" "$what" "${ul#*:}"
	done
	tb_pass "$what: Alice's in Korean, Bob's in English, Carol's in German"
}

# Setup passes out of any Monday 09:xx, as in t-digest.sh.
S=$(cd_off_digest)

tb_send_file reporter2@$D conduct@$D "$data/digest-zed.eml"
pass $S 1
C=$(cd_codename reporter2)
tb_log "case: $C"
wait_each check
each check

for u in alice bob carol; do
	answer $u "$C" "Conflict check" "#noconflict"
done
pass $S 3
wait_each report
each report
each label

answer alice "$C" "Report" "#status investigating"
pass $S 1
wait_each echo
each echo

answer bob "$C" "Report" "I will talk to the lunch area volunteers."
pass $S 1
for u in alice carol; do
	cd_wait_grep $u 1 "lunch area volunteers" >/dev/null
done
only alice via ko
only carol via de
cd_exactly bob 0 "lunch area volunteers"
tb_pass "a relay's sender name is each reader's language (Bob gets no copy)"

answer alice "$C" "Report" "#help"
pass $S 1
cd_wait_grep alice 1 "Subject: [CoC $C] 명령어" >/dev/null
cd_exactly bob 0 "Subject: [CoC $C] Commands"
tb_pass "#help answers Alice in Korean, to her alone"

answer alice "$C" "Report" "#actions"
pass $S 1
cd_wait_grep alice 1 "#actions에는 인수가 필요합니다. 예: #actions 양쪽과 이야기함" >/dev/null
cd_exactly alice 0 "spoke with both"
answer bob "$C" "Report" "#actions"
pass $S 1
cd_wait_grep bob 1 "#actions needs an argument, e.g. #actions spoke with both" >/dev/null
tb_pass "a refusal's reason and its example are in the sender's language"

# Follow-up reminders: due 7 days after the report.
R=$(cd_received "$C")
now=$(date +%s)
rem2=$((R + 5 * DAY + 5 * MIN - now))
pass $rem2
wait_each rem
each rem

pass $((R + 7 * DAY + 5 * MIN - now))
only alice over ko
only bob over en
for l in en ko de; do
	cd_exactly carol 0 "$(word over $l)"
done
tb_pass "the overdue alarm reaches the leads, Alice's in Korean, Bob's in English"

# The weekly digest: the next Monday 09:20 UTC after the overdue pass.
t=$(cd_monday_0920 $((R + 7 * DAY + H)))
pass $((t - now))
wait_each digest
each digest
f=$(cd_grep alice "$(word digest ko)" | tail -1)
grep -q -F "$C" "$(cd_txt "$f")" || tb_fail "Alice's digest lacks the case"
grep -q "안전 위험" "$(cd_txt "$f")" || tb_fail "Alice's digest line is not Korean"

# ------------------------------------------- an admin's one Korean file
mkdir -p "$TB/templates/ko"
cat >"$TB/templates/ko/reminder.txt" <<'EOF'
Subject: 우리 위원회 알림: ${span} 남음 (admin-ko-reminder)

${code_name} 사건의 후속 연락 기한: ${due}.
EOF
# The test bed's templates folder is the source's; now the source's set
# is the installed defaults and the admin's folder holds one file.
export CONDUCTD_TEMPLATE_DEFAULTS="$top_srcdir/conf/templates"
tb_ini_set "$CONF" committee templates "$TB/templates"
cd_ctl check-config >"$TB/check.out" 2>&1 ||
    tb_fail "check-config refuses the override folder: $(cat "$TB/check.out")"
# A new cadence: Alice follows up, so reminders come again 5 days on.
answer alice "$C" "Report" "#followup-done"
pass $((t - now + 10 * MIN)) 1
R2=$(date +%s)
R2=$((R2 + t - now + 10 * MIN))
pass $((R2 + 5 * DAY + 5 * MIN - now))
cd_wait_grep alice 1 "admin-ko-reminder" >/dev/null
cd_exactly alice 1 "admin-ko-reminder"
cd_exactly bob 0 "admin-ko-reminder"
cd_exactly carol 0 "admin-ko-reminder"
[ "$(cd_ngrep bob "$(word rem en)")" -ge 2 ] ||
    tb_fail "Bob's second reminder is not the English one"
[ "$(cd_ngrep carol "$(word rem de)")" -ge 2 ] ||
    tb_fail "Carol's second reminder is not the German one"
tb_pass "an admin's ko/reminder.txt changes Alice's reminder only"
pass $((t - now + 7 * DAY))
[ "$(cd_ngrep alice "$(word digest ko)")" -ge 2 ] ||
    tb_fail "Alice's next digest is not the installed Korean one"
tb_pass "the rest of the Korean set stays the installed one (Alice's next digest)"

# A member's language without a template set: file, line and member.
sed -i 's/^language = de$/language = xx/' "$CONF"
! cd_ctl check-config >"$TB/check.out" 2>&1 ||
    tb_fail "check-config accepts a member's language = xx"
grep -Eq "conductd.conf:[0-9]+: \[member Carol\] language: no template set for xx" \
    "$TB/check.out" ||
    { cat "$TB/check.out" >&2; tb_fail "the error does not name file, line and member"; }
tb_pass "a member's language = xx is refused with file, line and member"

#!/bin/bash
# Templates end to end (issue 14, build 1), on a moved clock: the
# admin's folder ([committee] templates) holds only en/reminder.txt, with
# its own subject and words; everything else comes from the defaults
# (conf/templates, standing in for PKGDATADIR/templates).  Read back
# over IMAP: the participant's reminder has the admin's subject and
# text, while the acknowledgment, the conflict check and the report keep
# the default words.  Then a SIGHUP with a broken reminder.txt is
# refused (the log names the file and line), the daemon goes on with
# the templates it had (read at load, not the broken file), conductctl
# check-config fails the same way, a good file is taken at the next
# reload, and a missing template keeps conductd from starting.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test
MIN=60
DAY=86400

cd_setup starttls
export CONDUCTD_TEMPLATE_DEFAULTS="$top_srcdir/conf/templates"
TPL="$TB/admin-templates"
mkdir -p "$TPL/en"
cat >"$TPL/en/reminder.txt" <<'EOF'
Subject: Nudge for ${code_name}: follow up by ${due}

OVERRIDDEN REMINDER of the ${committee}: case ${code_name} wants its
follow-up with the reporter by ${due} (${span} from now).
EOF
tb_ini_set "$CONF" committee templates "$TPL"
cat >>"$CONF" <<EOF
followup_within = 7d
reminders = 2d
EOF
cd_members Alice:lead Bob:member
cd_ctl check-config >"$TB/check.out" 2>&1 ||
    { cat "$TB/check.out" >&2; tb_fail "check-config refused the override"; }

tb_send reporter1@$D conduct@$D --header "Subject: at the social" \
    --body "Reported person: the man in the orange scarf
What happened: he kept following me around the hall."
cd_pass 1 0
C=$(cd_codename reporter1)
tb_log "case: $C"
f=$(cd_wait_grep reporter1 1 "Subject: [CoC $C]")
cd_has "$f" "Thank you for telling us" ||
    tb_fail "the acknowledgment lost its default text"
f=$(cd_wait_grep alice 1 "Subject: [CoC $C] Conflict check")
cd_has "$f" "Before anyone reads the report" ||
    tb_fail "alice's conflict check lost its default text"
tb_pass "acknowledgment and conflict check keep the default templates"

cd_msend alice@$D "$(cd_maddr alice "$C")" "Re: [CoC $C] Conflict check" \
    "#noconflict"
cd_pass 1 0
f=$(cd_wait_grep alice 1 "Subject: [CoC $C] Report: at the social")
cd_has "$f" "This is the report of case $C" ||
    tb_fail "the report lost its default preamble"

# Day 5: the 2-day reminder, in the admin's words.
cd_pass 0 $((5 * DAY + MIN))
f=$(cd_wait_grep alice 1 "Subject: [CoC $C] Nudge for $C: follow up by ")
cd_has "$f" "OVERRIDDEN REMINDER of the" ||
    tb_fail "alice's reminder lacks the overridden text: $(cat "$(cd_txt "$f")")"
cd_has "$f" "(2 days from now)" ||
    tb_fail "the overridden reminder lacks \${span}"
cd_exactly alice 0 "Reminder: follow-up with the reporter"
cd_exactly alice 0 "Write to them with #to-reporter"
cd_exactly bob 0 "Nudge for"
cd_exactly reporter1 0 "Nudge for"
cd_exactly alice 1 "Subject: [CoC $C] Conflict check"
tb_pass "the participant's reminder has the admin's subject and text, nothing else changed"

# A broken template on reload: refused with file and line, and the
# daemon goes on with the templates it had, although the broken file
# now lies in the admin's folder (the templates are read at load).
cd_start_daemon
cd_wait_log "waiting for new mail"
printf 'Subject: Conflict?\n\nCase ${code_name}\nwith ${reported_person}.\n' \
    >"$TPL/en/conflict-check.txt"
kill -HUP "$CD_PID"
cd_wait_log "reload refused"
grep -qF "$TPL/en/conflict-check.txt:4: unknown variable \${reported_person}" \
    "$TB/conductd.log" ||
    tb_fail "the refused reload does not name the file and line: $(grep -i template "$TB/conductd.log" | tail -3)"
kill -0 "$CD_PID" || tb_fail "the daemon stopped"
st=0
cd_ctl check-config >"$TB/check2.out" 2>&1 || st=$?
[ "$st" != 0 ] || tb_fail "check-config accepted the broken template"
grep -qF "conflict-check.txt:4: unknown variable" "$TB/check2.out" ||
    tb_fail "check-config does not name the file and line: $(cat "$TB/check2.out")"
tb_pass "a broken template is refused at reload and by check-config (file and line)"

tb_send reporter2@$D conduct@$D --header "Subject: again" \
    --body "Reported person: someone at the registration desk"
f=$(cd_wait_grep bob 2 "Conflict check")
cd_has "$f" "Before anyone reads the report" ||
    tb_fail "bob's second conflict check is not the default one"
cd_exactly bob 0 "Conflict?"
cd_wait_grep reporter2 1 "Thank you for telling us" >/dev/null
tb_pass "the daemon goes on with the templates it had (not the broken file)"

# A good file again and a reload: taken.
printf 'Subject: Conflict? (${code_name})\n\nCase ${code_name}: ${reported}\n' \
    >"$TPL/en/conflict-check.txt"
kill -HUP "$CD_PID"
cd_wait_log "configuration reloaded"
tb_send reporter3@$D conduct@$D --header "Subject: third" \
    --body "Reported person: a man with a blue umbrella"
f=$(cd_wait_grep bob 1 "Conflict? (")
cd_has "$f" "a man with a blue umbrella" ||
    tb_fail "the reloaded conflict check lacks \${reported}"
tb_pass "after a good reload the new conflict-check.txt is used"
cd_stop_daemon TERM || true
rm "$TPL/en/conflict-check.txt"

# A missing template: refused, naming the places looked in.
mkdir -p "$TB/empty"
st=0
CONDUCTD_TEMPLATE_DEFAULTS="$TB/empty" cd_ctl check-config \
    >"$TB/check3.out" 2>&1 || st=$?
[ "$st" != 0 ] || tb_fail "check-config passed without the defaults"
grep -qF "template overdue: none of $TPL/en/overdue.txt, $TPL/overdue.txt, $TB/empty/en/overdue.txt exists" \
    "$TB/check3.out" ||
    tb_fail "a missing template is not named: $(grep overdue "$TB/check3.out")"
st=0
CONDUCTD_TEMPLATE_DEFAULTS="$TB/empty" "$CONDUCTD" -f "$CONF" --once \
    >>"$TB/conductd.log" 2>&1 || st=$?
[ "$st" != 0 ] || tb_fail "conductd started without its templates"
tb_pass "a missing template is refused, naming the places looked in"

# conductctl templates: where each file in effect comes from.
mkdir -p "$TPL/ko"
printf 'Subject: 알림 ${code_name}\n\n${due} 까지 (admin-ko)\n' >"$TPL/ko/reminder.txt"
printf 'Subject: Hinweis\n\nFall ${code_name}\n' >"$TPL/overdue.txt"
cd_ctl templates --lang ko >"$TB/tpl-ko.out" ||
    tb_fail "conductctl templates --lang ko failed"
row() {
	awk -v k="$2" '$1 == k' "$1"
}
row "$TB/tpl-ko.out" reminder | grep -qF "admin                 $TPL/ko/reminder.txt" ||
    tb_fail "ko reminder not from the admin's ko/: $(row "$TB/tpl-ko.out" reminder)"
row "$TB/tpl-ko.out" overdue | grep -qF "admin, all languages  $TPL/overdue.txt" ||
    tb_fail "ko overdue not from the admin's top: $(row "$TB/tpl-ko.out" overdue)"
row "$TB/tpl-ko.out" ack | grep -qF "installed             $top_srcdir/conf/templates/ko/ack.txt" ||
    tb_fail "ko ack not the installed one: $(row "$TB/tpl-ko.out" ack)"
cd_ctl templates >"$TB/tpl-en.out"
row "$TB/tpl-en.out" reminder | grep -qF "$TPL/en/reminder.txt" ||
    tb_fail "the committee's (en) reminder is not the admin's en/"
grep -q "^Templates in en" "$TB/tpl-en.out" ||
    tb_fail "conductctl templates does not default to the committee's language"
cd_ctl templates --lang xx >"$TB/tpl-xx.out"
grep -q "no template set: every file is English" "$TB/tpl-xx.out" ||
    tb_fail "a language without a set is not said so"
row "$TB/tpl-xx.out" ack | grep -qF "installed English     $top_srcdir/conf/templates/en/ack.txt" ||
    tb_fail "xx ack is not the English fallback"
tb_pass "conductctl templates --lang ko: admin's ko/ file, admin's all-languages file, installed Korean; English fallback for xx"

# conductctl templates check: a bad variable, an unknown name, a folder
# that is no language, a mail without its subject; file and line.
cd_ctl templates check >"$TB/tc-good.out" ||
    { cat "$TB/tc-good.out" >&2; tb_fail "templates check fails a good folder"; }
grep -q "^3 file(s) checked, 0 failed" "$TB/tc-good.out" ||
    tb_fail "templates check count: $(tail -1 "$TB/tc-good.out")"
cd_ctl templates check "$top_srcdir/conf/templates" >"$TB/tc-dflt.out" ||
    tb_fail "templates check fails the installed templates: $(grep FAIL "$TB/tc-dflt.out" | head -3)"
BAD="$TB/bad-templates"
mkdir -p "$BAD/ko" "$BAD/Korean"
printf 'Subject: 접수 ${code_name}\n\n안녕하세요\n${codename} 입니다\n' >"$BAD/ko/ack.txt"
printf 'hello\n' >"$BAD/ko/acknowledgment.txt"
printf 'no subject here ${code_name}\n' >"$BAD/reminder.txt"
st=0
cd_ctl templates check "$BAD" >"$TB/tc-bad.out" 2>&1 || st=$?
cd_expect_eq "exit status of templates check on a bad folder" "$st" 65
for want in "FAIL ko/ack.txt: $BAD/ko/ack.txt:4: unknown variable \${codename}" \
    "FAIL ko/acknowledgment.txt: $BAD/ko/acknowledgment.txt: acknowledgment is not a template conductd uses" \
    "FAIL Korean/: not a language folder" \
    "FAIL reminder.txt: $BAD/reminder.txt:1: no \"Subject: ...\" line" \
    "3 file(s) checked, 4 failed"; do
	grep -qF -- "$want" "$TB/tc-bad.out" ||
	    { cat "$TB/tc-bad.out" >&2; tb_fail "templates check lacks: $want"; }
done
tb_pass "conductctl templates check names each bad file with its line and reason, and exits 65"

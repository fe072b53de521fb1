#!/bin/bash
# The reporter's language end to end (issue 14, build 3): reports in
# Korean (EUC-KR), Japanese (ISO-2022-JP) and German (UTF-8, 8bit)
# each get their acknowledgment in their own language, read
# back from the reporter's mailbox over IMAP and decoded; a very short
# Korean report without a subject (an unsure guess) gets the bilingual
# one: Korean first, a line of dashes, then English, in one text/plain
# UTF-8 body, its subject "Korean words / English words".  A lead's
# #to-reporter reaches the Korean reporter in Korean and the unsure one
# in the committee's English.  Then with
# [committee] language = de, a report with no language guess at all
# is acknowledged in German alone, and the leads' conflict check is
# German.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"
D=example.test

cd_setup starttls
cd_members Alice:lead Bob:member

tb_send_file reporter2@$D conduct@$D "$data/korean-euckr.eml"
tb_send_file outsider@$D conduct@$D "$data/japanese-iso2022jp.eml"
tb_send reporter1@$D conduct@$D \
    --header "Subject: Belästigung beim Abendprogramm" \
    --header "MIME-Version: 1.0" \
    --header "Content-Type: text/plain; charset=UTF-8" \
    --header "Content-Transfer-Encoding: 8bit" \
    --body "Hallo,

ich möchte einen Vorfall melden. Am Samstagabend beim Abendprogramm im
Foyer hat mich ein Teilnehmer mit rotem Rucksack mehrmals gegen meinen
Willen angefasst und mir danach bis zum Ausgang nachgestellt. Zwei
Freundinnen haben es gesehen und können es bestätigen. Ich fühle mich
seitdem auf der Konferenz nicht mehr sicher.

Viele Grüße"
tb_send m1@$D conduct@$D --header "Subject:" \
    --header "MIME-Version: 1.0" \
    --header "Content-Type: text/plain; charset=UTF-8" \
    --header "Content-Transfer-Encoding: 8bit" \
    --body "발표장에서 괴롭힘을 당했어요."
cd_pass 4 0
cd_expect_eq "cases" "$(cd_cases)" 4

# ack USER: the decoded acknowledgment in USER's mailbox (exactly one).
ack() {
	cd_sync "$1"
	cd_expect_eq "acknowledgments to $1" "$(wc -l <"$TB/fetched/$1/uids")" 1 >&2
	echo "$TB/fetched/$1/$(head -1 "$TB/fetched/$1/uids").txt"
}
EN="Thank you for telling us"

ko=$(ack reporter2)
grep -q '보내 주신 신고는 .*에 잘 접수되었습니다' "$ko" || tb_fail "the Korean ack is not Korean"
grep -q '현지 긴급 신고 번호' "$ko" || tb_fail "the Korean ack lacks its emergency advice"
grep -qF "$EN" "$ko" && tb_fail "the Korean ack has English text"
grep -qi '^content-type: text/plain; charset="\?utf-8' "${ko%.txt}.eml" ||
    tb_fail "the Korean ack is not text/plain UTF-8"
tb_pass "the Korean report's acknowledgment is in Korean"

ja=$(ack outsider)
grep -q 'お知らせいただき、ありがとうございます' "$ja" || tb_fail "the Japanese ack is not Japanese"
grep -qF "$EN" "$ja" && tb_fail "the Japanese ack has English text"
tb_pass "the Japanese report's acknowledgment is in Japanese"

de=$(ack reporter1)
grep -q 'danke, dass Sie uns davon erzählt haben' "$de" || tb_fail "the German ack is not German"
grep -qF "$EN" "$de" && tb_fail "the German ack has English text"
case "$(cd_header "$de" Subject)" in
*"Re: Belästigung beim Abendprogramm") tb_pass "the German ack keeps the subject" ;;
*) tb_fail "German ack subject: $(cd_header "$de" Subject)" ;;
esac
tb_pass "the German report's acknowledgment is in German"

# The short one: unsure Korean, so Korean, then the committee's English.
short=$(cd_codename m1)
cd_ctl show "$short" | grep -Eq '^Language: ko \(confidence [0-9]+, unsure\)$' ||
    tb_fail "the short report's guess: $(cd_ctl show "$short" | grep '^Language')"
bi=$(ack m1)
kline=$(grep -n '잘 접수되었습니다' "$bi" | head -1 | cut -d: -f1)
sline=$(grep -n '^----------------------------------------$' "$bi" | head -1 | cut -d: -f1)
eline=$(grep -nF "$EN" "$bi" | head -1 | cut -d: -f1)
[ -n "$kline" ] && [ -n "$sline" ] && [ -n "$eline" ] ||
    tb_fail "the bilingual ack lacks a part (ko '$kline', line '$sline', en '$eline')"
[ "$kline" -lt "$sline" ] && [ "$sline" -lt "$eline" ] ||
    tb_fail "the bilingual ack is out of order ($kline, $sline, $eline)"
cd_expect_eq "Korean texts in the bilingual ack" "$(grep -c '잘 접수되었습니다' "$bi")" 1
cd_expect_eq "English texts in the bilingual ack" "$(grep -cF "$EN" "$bi")" 1
grep -q "$short" <(sed -n "${sline},\$p" "$bi") || tb_fail "the English part lacks the code name"
cd_expect_eq "bilingual subject" "$(cd_header "$bi" Subject)" "[CoC $short] 보내 주신 신고 / Your report"
tb_pass "the unsure short report gets the Korean and English acknowledgment"

# A lead's #to-reporter: the Korean reporter's wrapper is Korean, the
# unsure one's the committee's English (never two languages).
koc=$(cd_codename reporter2)
for c in "$koc" "$short"; do
	cd_msend alice@$D "$(cd_maddr alice "$c")" "Re: conflict check" "#noconflict"
done
cd_pass 2 0
cd_msend alice@$D "$(cd_maddr alice "$koc")" "Re: report" "#to-reporter
추가로 여쭤볼 것이 있습니다. 편하실 때 답장 주세요."
cd_msend alice@$D "$(cd_maddr alice "$short")" "Re: report" "#to-reporter
Could you tell us a little more about what happened?"
cd_pass 2 0
f=$(cd_wait_grep reporter2 1 "Subject: [CoC $koc] 보내 주신 신고에 관하여") ||
    tb_fail "the Korean reporter's #to-reporter mail is not Korean"
grep -q '추가로 여쭤볼 것이 있습니다' "$(cd_txt "$f")" || tb_fail "the #to-reporter text is missing"
f=$(cd_wait_grep m1 1 "Subject: [CoC $short] About your report") ||
    tb_fail "the unsure reporter's #to-reporter mail is not in English"
grep -q 'Could you tell us a little more' "$(cd_txt "$f")" || tb_fail "the #to-reporter text is missing"
tb_pass "#to-reporter: Korean to the Korean reporter, English to the unsure one"

# The committee writes German: a report with no language guess at all
# (digits only) is acknowledged in German alone.
tb_ini_set "$CONF" committee language de
cd_ctl check-config >"$TB/check.out" 2>&1 ||
    { cat "$TB/check.out" >&2; tb_fail "check-config refused language = de"; }
tb_send sink@$D conduct@$D --header "Subject: 2026-11-21 21:15" \
    --body "2026-11-21 21:15 +49 30 1234 5678"
cd_pass 1 0
code=$(cd_code 5)
cd_expect_eq "the digits' guess" "$(cd_ctl show "$code" | grep '^Language')" \
    "Language: unknown (confidence 0, unsure)"
sk=$(ack sink)
grep -q 'danke, dass Sie uns davon erzählt haben' "$sk" || tb_fail "the ack is not in the committee's German"
grep -qF "$EN" "$sk" && tb_fail "the committee-German ack has English text"
grep -q '^----------------------------------------$' "$sk" && tb_fail "the committee-German ack is bilingual"
tb_pass "[committee] language = de: the ack of a report with no guess is German"
# The committee's own mail follows it: the leads' conflict check.
cd_wait_grep alice 1 "Subject: [CoC $code] Konfliktabfrage" >/dev/null
cd_expect_eq "English conflict checks for $code" \
    "$(cd_ngrep alice "Subject: [CoC $code] Conflict check")" 0
tb_pass "[committee] language = de: the conflict check is German"

# A language with no template set is a config error with file and line.
tb_ini_set "$CONF" committee language xx
if cd_ctl check-config >"$TB/check.out" 2>&1; then
	tb_fail "check-config took language = xx"
fi
grep -Eq "conductd.conf:[0-9]+: \[committee\] language: no template set for xx" "$TB/check.out" ||
    { cat "$TB/check.out" >&2; tb_fail "the error does not name file, line and key"; }
tb_pass "language = xx is refused with file, line and key"

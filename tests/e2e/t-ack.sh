#!/bin/bash
# Cases and acknowledgments end to end: a report through Postfix becomes
# a case and the reporter's own mailbox (read over IMAP) holds exactly one
# acknowledgment with the code name, Reply-To the case's reporter address,
# In-Reply-To the report and Auto-Submitted; the reporter's reply joins
# the case without a second ack; automatic mail gets nothing; Korean
# (EUC-KR) and Japanese (ISO-2022-JP) reports read correctly,
# conductctl show and cases --csv give each report's language, and the
# reporter's later reply in English switches the Japanese case's.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
data="$top_srcdir/tests/data/reports"

cd_setup starttls
tb_send_file reporter1@example.test conduct@example.test "$data/english.eml"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases" "$(cd_cases)" 1
code=$(cd_code 1)
echo "$code" | grep -Eq '^[a-z]+-[a-z]+$' || tb_fail "odd code name '$code'"
tb_imap_wait_count reporter1 INBOX 1 20
cd_expect_eq "acks in the reporter's mailbox" "$(tb_imap_count reporter1 INBOX)" 1
uid=$(tb_imap_uids reporter1 INBOX | head -1)
tb_imap_fetch reporter1 INBOX "$uid" >"$TB/ack.eml"
subject=$(cd_header "$TB/ack.eml" Subject)
case "$subject" in
*"[CoC $code]"*) tb_pass "subject carries [CoC $code]" ;;
*) tb_fail "subject '$subject' lacks [CoC $code]" ;;
esac
case "$subject" in
*"Report: harassment at the evening social"*) tb_pass "subject keeps the reporter's subject" ;;
*) tb_fail "subject '$subject' lacks the reporter's subject" ;;
esac
reply_to=$(cd_header "$TB/ack.eml" Reply-To)
echo "$reply_to" | grep -Eq "^<?conduct\+$code-[0-9a-f]{12}@example\.test>?$" ||
    tb_fail "Reply-To '$reply_to' is not the case's reporter address"
tb_pass "Reply-To is the case's reporter address"
cd_expect_eq "In-Reply-To" "$(cd_header "$TB/ack.eml" In-Reply-To)" "<report-en-1@example.test>"
cd_expect_eq "Auto-Submitted" "$(cd_header "$TB/ack.eml" Auto-Submitted)" "auto-replied"
cd_header "$TB/ack.eml" From | grep -q 'conduct@example.test' || tb_fail "From is not the alias"
grep -q "$code" "$TB/ack.eml" || tb_fail "the body does not name the code name"
cd_ctl cases --wide | grep "^$code " | grep -qv ' - *$' || tb_fail "no ack time on the case"
cd_ctl show "$code" | grep -q 'Acknowledgment: accepted' || tb_fail "show lacks the ack time"
cd_ctl show "$code" | grep -q 'the rooftop bar' || tb_fail "show lacks the location"

# The reporter answers the acknowledgment: same case, no second ack.
ack_id=$(cd_header "$TB/ack.eml" Message-ID)
reply_addr=$(echo "$reply_to" | tr -d '<>')
tb_send reporter1@example.test "$reply_addr" --header "Subject: Re: $subject" \
    --header "In-Reply-To: $ack_id" --body "One more thing: it was 21:15."
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after the reply" "$(cd_cases)" 1
cd_ctl show "$code" | grep -q ' reply ' || tb_fail "the reply did not join the case"
# A reply by reference only (to the plain alias) joins as well.
tb_send reporter1@example.test conduct@example.test --header "Subject: again" \
    --header "References: $ack_id" --body "And one more."
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after a reply by reference" "$(cd_cases)" 1
cd_expect_eq "acks after the replies" "$(tb_imap_count reporter1 INBOX)" 1

# A forged reporter address (wrong token) joins no case, opens none.
tb_send reporter2@example.test "conduct+$code-000000000000@example.test" \
    --header "Subject: forged" --body "guessing the address"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after a forged address" "$(cd_cases)" 1
cd_ctl messages | awk '$6 == "refused"' | grep -q . ||
    tb_fail "the forged mail is not recorded as refused"
cd_expect_eq "acks to the forger" "$(tb_imap_count reporter2 INBOX)" 0

# Automatic mail: recorded, never acknowledged.
before=$(cd_cases)
tb_send reporter2@example.test conduct@example.test --header "Subject: Out of office" \
    --header "Auto-Submitted: auto-replied" --body "I am away."
tb_send reporter2@example.test conduct@example.test --header "Subject: list" \
    --header "List-Id: <chat.lists.example.test>" --body "list traffic"
tb_send reporter2@example.test conduct@example.test --header "Subject: spam" \
    --header "X-Spam-Flag: YES" --body "buy now"
tb_send '<>' conduct@example.test --header "Subject: Undelivered Mail Returned to Sender" \
    --header "From: MAILER-DAEMON@example.test" --body "bounce"
tb_imap_wait_count conduct INBOX 4 20
cd_once || tb_fail "pass failed"
cd_expect_eq "cases after automatic mail" "$(cd_cases)" "$before"
for kind in auto-reply list spam bounce; do
	cd_ctl messages | awk -v k="$kind" '$6 == k' | grep -q . ||
	    tb_fail "no message recorded as $kind"
done
tb_pass "auto-reply, list, spam and bounce opened no case"

# Korean in EUC-KR and Japanese in ISO-2022-JP.
tb_send_file reporter2@example.test conduct@example.test "$data/korean-euckr.eml"
tb_send_file outsider@example.test conduct@example.test "$data/japanese-iso2022jp.eml"
tb_imap_wait_count conduct INBOX 2 20
cd_once || tb_fail "pass failed"
ko=$(cd_code $((before + 1)))
ja=$(cd_code $((before + 2)))
cd_ctl show "$ko" >"$TB/ko.out"
cd_ctl show "$ja" >"$TB/ja.out"
grep -q '발표장 괴롭힘 신고' "$TB/ko.out" || tb_fail "EUC-KR subject"
grep -q '초록색 기차 나무' "$TB/ko.out" || tb_fail "EUC-KR body"
grep -q '2층 로비' "$TB/ko.out" || tb_fail "EUC-KR location field"
grep -q '行動規範違反の報告' "$TB/ja.out" || tb_fail "ISO-2022-JP subject"
grep -q '青い傘と白い猫' "$TB/ja.out" || tb_fail "ISO-2022-JP body"
grep -q 'ホールB' "$TB/ja.out" || tb_fail "ISO-2022-JP location field"
tb_pass "EUC-KR and ISO-2022-JP reports read correctly in conductctl show"
cd_ctl show "$code" >"$TB/en.out"
# Each has the length a confident guess needs (120 letters, or 30
# characters of Korean or Japanese).
grep -Eq '^Language: en \(confidence [0-9]+, confident\)$' "$TB/en.out" ||
    tb_fail "show gives no English: $(grep '^Language' "$TB/en.out")"
grep -Eq '^Language: ko \(confidence [0-9]+, confident\)$' \
    "$TB/ko.out" ||
    tb_fail "show gives no Korean: $(grep '^Language' "$TB/ko.out")"
grep -Eq '^Language: ja \(confidence [0-9]+, confident\)$' \
    "$TB/ja.out" ||
    tb_fail "show gives no Japanese: $(grep '^Language' "$TB/ja.out")"
grep '^Language' "$TB/en.out" "$TB/ko.out" "$TB/ja.out" | sed 's/^/# /'
csv_lang() {
	cd_ctl cases --csv | awk -F, -v c="$1" '$1 == c { print $9 }'
}
cd_expect_eq "cases --csv language of $ko" "$(csv_lang "$ko")" ko
cd_expect_eq "cases --csv language of $ja" "$(csv_lang "$ja")" ja
cd_expect_eq "cases --csv language of $code" "$(csv_lang "$code")" en
tb_pass "conductctl show and cases --csv give each report's language"
tb_imap_wait_count outsider INBOX 1 20
uid=$(tb_imap_uids outsider INBOX | head -1)
tb_imap_fetch outsider INBOX "$uid" >"$TB/ack-ja.eml"
grep -q "$ja" "$TB/ack-ja.eml" || tb_fail "the Japanese reporter's ack lacks the code name"
tb_pass "the Japanese reporter got an acknowledgment"

# The Japanese reporter answers: a word changes nothing, a reply of a
# few sentences in English makes the case English.
ja_reply=$(cd_header "$TB/ack-ja.eml" Reply-To | tr -d '<>')
ja_ack=$(cd_header "$TB/ack-ja.eml" Message-ID)
tb_send outsider@example.test "$ja_reply" --header "Subject: Re: report" \
    --header "In-Reply-To: $ja_ack" --body "Thanks!"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_ctl show "$ja" | grep -Eq '^Language: ja \(confidence [0-9]+, confident\)$' ||
    tb_fail "a one-word reply changed the language: $(cd_ctl show "$ja" | grep '^Language')"
tb_send outsider@example.test "$ja_reply" --header "Subject: Re: report" \
    --header "In-Reply-To: $ja_ack" --body "Could we continue in English, \
please? A colleague who does not read Japanese is helping me with this, \
and I would like her to be able to follow what you write to me."
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass failed"
cd_ctl show "$ja" | grep '^Language' | sed 's/^/# after the English reply: /'
cd_ctl show "$ja" | grep -Eq '^Language: en \(confidence [0-9]+, confident\)$' ||
    tb_fail "the English reply did not switch the language"
cd_expect_eq "cases --csv language of $ja after the reply" "$(csv_lang "$ja")" en
tb_pass "the reporter's English reply switched the case to English"

# The database holds no address or report text in the clear.
for f in "$TB"/state/conductd.db*; do
	for needle in reporter1@example.test outsider@example.test "periwinkle lantern" \
	    "rooftop" '青い傘'; do
		if grep -a -q -F -- "$needle" "$f"; then
			tb_fail "$(basename "$f") holds '$needle' in the clear"
		fi
	done
done
tb_pass "cases, fields and outgoing mail are sealed"
for needle in reporter1@example.test outsider@example.test "periwinkle lantern"; do
	if grep -q -F -- "$needle" "$TB/conductd.log"; then
		tb_fail "the log holds '$needle'"
	fi
done
tb_pass "the log holds no address or report text"

#!/bin/bash
# A report over max_message_size (issue 9, item 8): a 30 MB mail, a text
# part, a 29 MB video, then a second text part, with max_message_size at
# 20M.  A lead who answers #noconflict gets both text parts whole and the
# note that the mail was cut, naming the video and where the whole mail
# lies (processed folder and UID); that UID is fetched back over IMAP.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"
D=example.test

cd_setup starttls
cd_members Alice:lead Bob:lead
tb_ini_set "$CONF" imap max_message_size 20M

big="$TB/big.eml"
{
	printf 'From: reporter1@%s\nTo: conduct@%s\n' $D $D
	printf 'Subject: big report\nMessage-ID: <big-1@%s>\n' $D
	printf 'MIME-Version: 1.0\n'
	printf 'Content-Type: multipart/mixed; boundary="b-outer"\n\n'
	printf -- '--b-outer\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'First part: someone filmed me at the talk. walnut-first-opal\n'
	printf -- '--b-outer\nContent-Type: video/mp4; name="talk.mp4"\n'
	printf 'Content-Disposition: attachment; filename="talk.mp4"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	head -c 21750000 /dev/urandom | base64 -w 76
	printf -- '--b-outer\nContent-Type: text/plain; charset=utf-8\n\n'
	printf 'Second part, after the video. lantern-second-quill\n'
	printf -- '--b-outer--\n'
} >"$big"
size=$(stat -c %s "$big")
# As the server counts it: CRLF line ends.
crlf=$((size + $(wc -l <"$big")))
[ "$size" -gt 29000000 ] || tb_fail "the big mail is only $size bytes"
doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$big" ||
    tb_fail "doveadm save"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass with the big mail failed"
cd_expect_eq "stored" "$(cd_count)" 1
cd_expect_eq "left in INBOX" "$(tb_imap_count conduct INBOX)" 0
cd_expect_eq "in Processed" "$(tb_imap_count conduct Processed)" 1
C=$(cd_codename reporter1)
f=$(cd_wait_grep alice 1 "Subject: [CoC $C] Conflict check")
a=$(cd_maddr alice "$C")
cd_msend alice@$D "$a" "Re: [CoC $C] Conflict check" "#noconflict"
tb_imap_wait_count conduct INBOX 1 20
cd_once || tb_fail "pass with alice's answer failed"

f=$(cd_wait_grep alice 1 "Subject: [CoC $C] Report: big report")
t=$(cd_txt "$f")
grep -q -F "walnut-first-opal" "$t" || tb_fail "the report lacks its first text part"
grep -q -F "lantern-second-quill" "$t" ||
    tb_fail "the report lacks the text after the attachment"
tb_pass "alice gets both text parts of the 30 MB report whole"
grep -q -F "this message was cut" "$t" || tb_fail "the report has no cut note"
sed -n '/this message was cut/,$p' "$t" | sed 's/^/#   /' >&2
grep -q -F "It was $crlf bytes, over max_message_size (20971520 bytes)" "$t" ||
    tb_fail "the cut note does not say the size and the limit"
grep -q -E '^  - part 2, video/mp4 "talk\.mp4", [0-9]+ bytes, left out$' "$t" ||
    tb_fail "the cut note does not name the video"
line=$(grep -E '^The whole message lies in folder Processed, UID [0-9]+ ' "$t") ||
    tb_fail "the cut note does not give the processed folder and UID"
uid=$(printf '%s\n' "$line" | sed 's/^.*UID \([0-9]*\) .*$/\1/')
cd_expect_eq "processed UIDs" "$(tb_imap_uids conduct Processed | head -1)" "$uid"
tb_imap_fetch conduct Processed "$uid" >"$TB/whole.eml"
grep -a -q -F "Message-ID: <big-1@$D>" "$TB/whole.eml" ||
    tb_fail "UID $uid in Processed is not the big mail"
grep -a -q -F "lantern-second-quill" "$TB/whole.eml" ||
    tb_fail "UID $uid in Processed is not the whole mail"
[ "$(wc -c <"$TB/whole.eml")" -ge "$size" ] ||
    tb_fail "UID $uid in Processed is shorter than the mail"
tb_pass "the cut note names the video, and Processed UID $uid is the whole mail"
cd_ctl show-message 1 | grep -q -F "part 2, video/mp4 \"talk.mp4\"" ||
    tb_fail "show-message does not give the cut note"
cd_ctl show-message 1 | grep -q -F "lantern-second-quill" ||
    tb_fail "show-message lacks the text after the attachment"
tb_pass "show-message gives both text parts and the cut note"

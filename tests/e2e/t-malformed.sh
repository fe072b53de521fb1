#!/bin/bash
# Bad mail never stops the daemon: every malformed shape is stored with
# its raw bytes and parse warnings, logged by id, and moved on.
set -eu
. "$top_srcdir/tests/e2e/cdlib.sh"

cd_setup starttls
m="$TB/malformed"
mkdir -p "$m"
printf 'From: a@example.test\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary="XYZ"\r\n\r\n--XYZ\r\nContent-Type: text/plain\r\n\r\nthe boundary never ends\r\n' >"$m/01-boundary.eml"
printf 'From: a@example.test\r\nSubject: b64\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!! not base64 at all ****\r\n' >"$m/02-base64.eml"
printf 'From: \xe9t\xe9 <a@example.test>\r\nSubject: caf\xe9 cr\xe8me\r\n\r\nbody\r\n' >"$m/03-8bit.eml"
printf 'From: a@example.test\r\nSubject: nul\r\n\r\nbefore\0after\0\r\n' >"$m/04-nul.eml"
printf 'From: a@example.test\rSubject: bare cr\r\rline one\rline two\r' >"$m/05-barecr.eml"
printf 'just some words and no headers at all\n' >"$m/06-noheaders.eml"
printf '' >"$m/07-empty.eml"
printf 'From: a@example.test\r\nSubject: =?x-unknown?B?w6k=?=\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nbody \xff\xfe\r\n' >"$m/08-charset.eml"
printf 'From: a@example.test\r\nSubject: =?utf-8?Q?x=0D=0ABcc:_evil@example.test?=\r\n\r\nsneaky\r\n' >"$m/09-inject.eml"
{ printf 'From: a@example.test\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n'; for i in $(seq 1 200); do printf -- '--a\r\nContent-Type: multipart/mixed; boundary=a%s\r\n\r\n' "$i"; done; } >"$m/10-deep.eml"
if [ -d "$top_srcdir/tests/data/mime" ]; then
	cp "$top_srcdir"/tests/data/mime/*.eml "$m/" 2>/dev/null || true
fi
count=0
for f in "$m"/*.eml; do
	doveadm -c "$TB/dovecot.conf" save -u conduct -m INBOX <"$f" ||
	    tb_fail "doveadm save $f"
	count=$((count + 1))
done
cd_once || tb_fail "the pass over malformed mail failed"
rows=$(cd_rows)
[ "$rows" -eq "$count" ] || tb_fail "$rows rows for $count messages"
tb_pass "all $count malformed or odd messages recorded"
cd_expect_eq "left in INBOX" "$(tb_imap_count conduct INBOX)" 0
grep -q 'parsed with warnings' "$TB/conductd.log" || tb_fail "no warning log line"
for id in $(cd_ctl messages | awk 'NR > 1 && !/ copy:/ { print $1 }'); do
	cd_ctl show-message "$id" >"$TB/show-$id.out" ||
	    tb_fail "show-message $id failed"
done
grep -l 'Subject: broken' "$TB"/show-*.out >/dev/null || tb_fail "broken boundary lost its subject"
grep -q 'the boundary never ends' "$TB"/show-*.out || tb_fail "broken boundary lost its text"
grep -q 'just some words and no headers' "$TB"/show-*.out || tb_fail "headerless text lost"
grep -q 'café crème' "$TB"/show-*.out || tb_fail "8-bit header not decoded best effort"
if grep -q '^Bcc' "$TB"/show-*.out; then tb_fail "encoded CRLF made a header"; fi
tb_pass "malformed mail is readable as far as it goes"

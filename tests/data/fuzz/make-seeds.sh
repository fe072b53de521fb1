#!/bin/sh
# Makes the fuzz targets' seed corpora, tests/data/fuzz/TARGET/, from the
# test data already in the tree (mail fixtures, reports, replies, the
# sample config and the default templates) and a few hand-written shapes
# per target.  The output is committed; run it again after adding
# fixtures.  Findings of the fuzzers are added by hand as
# TARGET/regress-NAME, next to their regression test in tests/unit, and
# are kept by this script.  Run from anywhere: sh make-seeds.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/.." && pwd)
top=$(cd "$data/../.." && pwd)
cd "$here"

# The seeds of one target made again; regress-* files stay.
fresh() {
	mkdir -p "$1"
	find "$1" -type f ! -name 'regress-*' -exec rm -f {} +
}

# Copies the files (at most 16 KB each: small seeds fuzz faster).
seed_files() {
	dir=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le 16384 ] || continue
		cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"
	done
}

# The body of a mail file (after the first blank line), as plain text.
body() {
	tr -d '\r' <"$1" | sed '1,/^$/d'
}

# mime: every mail fixture.
fresh mime
seed_files mime "$data"/mime/*.eml "$data"/replies/*.eml \
    "$data"/committee/*.eml "$data"/schedule/*.eml "$data"/reports/*.eml

# commands: command blocks, and the bodies of the replies.
fresh commands
n=0
for f in "$data"/replies/*.eml; do
	case "$f" in *-b64.eml|*-qp.eml|*html*) continue ;; esac
	body "$f" >"commands/reply-$(basename "$f" .eml).txt"
done
printf '#noconflict\n' >commands/noconflict.txt
printf '#conflict\n\nI work with them.\n' >commands/conflict.txt
printf '#status investigating\n#safety unknown\n#repeat no\n' \
    >commands/several.txt
printf '#vote: yes\n#propose close with a warning\n#actions spoke with both\n' \
    >commands/vote.txt
printf '#reported Jo <jo@example.org>\n#include Jo Doe\n#to-reporter\nThanks.\n' \
    >commands/reported.txt
printf '#resolution a private warning\n#followup-done\n#help\n#recuse\n' \
    >commands/resolution.txt
printf '#bogus\n# Heading\n#1\n#\n#status=closed\n' >commands/errors.txt
printf 'Top text.\n\nOn Mon, 1 Jan 2026, Jo <jo@example.org> wrote:\n> #vote no\n> quoted\n-- \nsig\n' \
    >commands/quoted.txt
printf '#vote yes\n\n-----Original Message-----\nFrom: x\n\n#vote no\n' \
    >commands/outlook.txt

# lang: the language fixtures (the first byte picks the charset hint).
fresh lang
seed_files lang "$data"/lang/*.txt

# report: report bodies.
fresh report
for f in "$data"/reports/fields/*.eml "$data"/reports/*.eml \
    "$data"/committee/*.eml "$data"/schedule/report-*.eml; do
	[ -f "$f" ] || continue
	grep -qi '^content-transfer-encoding: *\(base64\|quoted\)' "$f" &&
	    continue
	grep -qi '^content-type: *text/plain' "$f" || continue
	grep -qi 'charset=.*\(euc\|iso-2022\)' "$f" && continue
	body "$f" >"report/$(basename "$(dirname "$f")")-$(basename "$f" .eml).txt"
done
printf '| Field | Answer |\n|---|---|\n| Who | Ana Lima |\n| Where | Room 204 |\n' \
    >report/table.txt
printf '1. Where did it happen?\nHall B\n2) When? Monday 10am\nQ3: Is it ongoing? yes\n' \
    >report/numbered.txt
printf '**Location:** hall\n## What happened\nHe shouted.\n- Witnesses: Bo\n' \
    >report/markdown.txt

# classify: mail with the headers of automatic mail.
fresh classify
seed_files classify "$data"/mime/injection.eml "$data"/committee/*.eml
i=0
while IFS= read -r h; do
	i=$((i + 1))
	printf 'From: Alice <alice@example.net>\r\nTo: conduct@example.org\r\nSubject: s\r\n%b\r\n\r\nbody\r\n' \
	    "$h" >"classify/headers-$i.eml"
done <<'HEADERS'
X-Conductd-Loop: conduct@example.org
X-CONDUCTD-LOOP:   Conduct@Example.ORG  
Return-Path: <>
X-Failed-Recipients: bob@example.net
Content-Type: multipart/report; report-type=delivery-status; boundary=x
Auto-Submitted: auto-replied
Auto-Submitted: no
X-Autoreply: yes
Precedence: bulk
List-Id: <list.example.org>
List-Unsubscribe: <mailto:u@example.org>
X-Spam-Flag: YES
X-MS-Exchange-Inbox-Rules-Loop: bob@example.net
X-Auto-Response-Suppress: All
Return-Path: <MAILER-DAEMON@example.net>
Authentication-Results: mx.example.org; dkim=pass header.d=example.net; spf=pass smtp.mailfrom=alice@example.net
Authentication-Results: mx.example.org; dmarc=fail header.from=example.net
Authentication-Results: mx.example.org (comment); spf=pass (ok) smtp.mailfrom=example.net;\r\n dkim=pass header.i=@mail.example.net
Authentication-Results: other.example.org; dkim=pass header.d=example.net
Authentication-Results: mx.example.org; none
HEADERS

# address: "address\ncode name\nheader value" under fuzz-address's fixed
# key (tokens made with address_reporter/address_member and that key).
fresh address
a=1
while IFS='|' read -r addr code value; do
	printf '%s\n%s\n%s' "$addr" "$code" "$value" >"address/seed-$a.txt"
	a=$((a + 1))
done <<'ADDRESSES'
conduct+angular-merganser-f0c650ba34bf@example.org|angular-merganser|Jane Doe <jane@example.org>
conduct+angular-merganser-ma6fad0be931c@example.org|polar-chiffchaff|"Doe, Jane" <jane@example.org>, bob@example.net
CONDUCT+Polar-Chiffchaff-MB58124B35CF7@Example.ORG|sunny-ptarmigan|Doe, Jane <jane@example.org
conduct+sunny-ptarmigan-afc633013ff9@example.org|sunny-ptarmigan|Rep <"rep one"@example.org
conduct+sunny-ptarmigan-md480dcdfb80b@example.org|angular-merganser|"a b"@example.org
conduct+sunny-ptarmigan@example.org|sunny-ptarmigan|jane@example.org (Jane)
conduct+sunny-ptarmigan-000000000000@example.org|nope|Team: Jane <jane@example.org>
conduct+sunny-ptarmigan-m000000000000@example.org||"a\"b"@example.org
conduct@example.org|polar-chiffchaff|<>
other+x@example.org|angular-merganser|a@b.org, c@d.org,  <e@f.org>  
ADDRESSES

# compose: a flag byte (0x01 Reply-To, 0x02 Auto-Submitted, 0x04 loop
# guard, 0x08 an attachment, 0x10 In-Reply-To and References, 0x20
# display names), then fields split at \001: from name, to name, to,
# Reply-To, subject, In-Reply-To, References, Auto-Submitted, loop
# guard, text, file name, type, data.
fresh compose
c=1
while IFS='|' read -r flags rest; do
	printf "\\$(printf '%03o' "$flags")" >"compose/seed-$c.bin"
	printf '%s' "$rest" | tr '~' '\001' | sed 's/\\n/\n/g' \
	    >>"compose/seed-$c.bin"
	c=$((c + 1))
done <<'MAILS'
0|~~reporter@example.test~~[ack quiet-otter] Your report~~~~~Thank you.\nWe received your report.\n
63|Conduct Committee~Jane Doe~jane@example.org~conduct+x@example.org~Re: [CoC amber-heron] 보고서~a@b.org~a@b.org c@d.org <bad>~auto-replied~conduct@example.org~본문입니다. 長い行です\n-- \nsig~screen shot.png~image/png~PNGDATA
33|Doe, Jane "the" \\ Rep~=?utf-8?q?x?=~"a b"@example.org~~Subject\nBcc: x@y.org~~~~~Line\r\nBcc: evil@example.org\r\n\r\n--=_cd_\n.\n
8|~~a@b.org~~s~~~~~--=_cd_00\n~../../etc/passwd~text/html; x=y~<html>
2|~~a@b.org\r\nBcc: x@y.org~~s~~~auto replied~~text
1|~~a@b.org~a@b.org, c@d.org~s~~~~~text
MAILS

# template: the default templates and a few edge cases.
fresh template
for f in "$top"/conf/templates/*.txt; do
	cp "$f" "template/$(basename "$f")"
done
printf 'Hello ${code_name}, $$5 and ${committee}${x}{\n' >template/vars.txt
printf 'Line\n${unknown}\n' >template/unknown.txt
printf 'Line\n\n${code_name\n' >template/unterminated.txt

# config: the sample config, and complete ones whose files are in the
# folder fuzz-config writes ("@DIR@": key and pass, mode 0600).
fresh config
cp "$top"/conf/conductd.conf config/sample.conf
cat >config/complete.conf <<'CONF'
[daemon]
state_dir = @DIR@
key_file = @DIR@/key
poll_interval = 30
log_level = debug

[imap]
host = 127.0.0.1
port = 1143
tls = none
user = conduct@example.org
password_file = @DIR@/pass
max_message_size = 1M

[smtp]
host = 127.0.0.1
port = 1025
tls = none
user = conduct@example.org
password_file = @DIR@/pass

[committee]
alias = conduct@example.org
tag = CoC
delimiter = +
authserv_id = mx.example.org
reminders = 2d, 1d, 2h

[member Alice]
email = Alice@Example.org, alice@home.example
role = lead

[member Bob]
email = bob@example.org
role = member

[member Zed]
email = zed@example.org
role = backup
CONF
cat >config/errors.conf <<'CONF'
[daemon]
poll_interval = soon
[imap]
password_file = @DIR@/missing
tls = maybe
[nosuch]
x = 1
[member Secret Name]
role = chief
email = not-an-address
[member Secret Name]
email = conduct+x@example.org
garbage line
CONF

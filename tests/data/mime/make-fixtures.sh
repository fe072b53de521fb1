#!/bin/sh
# Regenerates the raw mail fixtures of tests/unit/test-mime.c.  Bytes in
# other charsets come from iconv on the machine that runs this; every
# file has CRLF line ends except those that test bare line ends.
# Run it from anywhere: sh tests/data/mime/make-fixtures.sh
set -e
LC_ALL=C
export LC_ALL
cd "$(dirname "$0")"

crlf() { sed 's/$/\r/'; }
# to CHARSET TEXT: TEXT (UTF-8) in CHARSET
to() { printf '%s' "$2" | iconv -f UTF-8 -t "$1"; }
# body CHARSET TEXT: TEXT and a newline in CHARSET
body() { printf '%s\n' "$2" | iconv -f UTF-8 -t "$1"; }
# ew CHARSET TEXT: an RFC 2047 B word
ew() { printf '=?%s?B?%s?=' "$1" "$(to "$1" "$2" | base64 -w0)"; }
# pct CHARSET TEXT: RFC 2231 percent encoding
pct() { to "$1" "$2" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'; }
qp() { python3 -c 'import quopri,sys
sys.stdout.buffer.write(quopri.encodestring(sys.stdin.buffer.read()))'; }
head() {
	printf 'From: Reporter <reporter@example.org>\n'
	printf 'To: conduct@example.net\n'
	printf 'Date: Mon, 3 Jun 2024 10:00:00 +0200\n'
	printf 'Message-ID: <%s@example.org>\nMIME-Version: 1.0\n' "$1"
}

# One fixture per charset: an RFC 2047 subject and a body in it.
charset() {	# file charset cte text
	{
		head "$1" | crlf
		printf 'Subject: %s\r\n' "$(ew "$2" "Report: $4")"
		printf 'Content-Type: text/plain; charset="%s"\r\n' "$2"
		printf 'Content-Transfer-Encoding: %s\r\n\r\n' "$3"
		case "$3" in
		base64)	body "$2" "$4" | base64 | crlf ;;
		quoted-printable)
			body "$2" "$4" | qp | crlf ;;
		*)	body "$2" "$4" | crlf ;;
		esac
	} >"$1.eml"
}
charset cs-iso-2022-jp iso-2022-jp 7bit '会議で嫌がらせを受けました'
charset cs-shift_jis shift_jis 8bit '発表中に何度もからかわれました'
charset cs-gb2312 gb2312 base64 '我在会议上受到骚扰'
charset cs-gbk gbk 8bit '喆在会议上受到骚扰'
charset cs-windows-1252 windows-1252 quoted-printable 'Café – “quoted” €5'
charset cs-iso-8859-1 iso-8859-1 8bit 'Grüße aus München'
charset cs-iso-8859-2 iso-8859-2 quoted-printable 'Zażółć gęślą jaźń'
charset cs-iso-8859-5 iso-8859-5 8bit 'Привет, меня обидели'
charset cs-iso-8859-7 iso-8859-7 8bit 'Καλημέρα σας'
charset cs-iso-8859-15 iso-8859-15 8bit 'Prix: 5 € œuvre'
charset cs-koi8-r koi8-r base64 'Меня оскорбили на конференции'

# A Korean report in EUC-KR (8bit) and in UTF-8 (base64).
KO='신고합니다. 어제 행사장에서 발표자가 저에게 모욕적인 말을 했습니다.
장소: 2층 세미나실
목격자: 두 명'
{
	printf 'From: %s <minji@example.kr>\r\n' "$(ew euc-kr '김민지')"
	printf 'To: conduct@example.net\r\nSubject: %s\r\n' \
	    "$(ew euc-kr '행동강령 위반 신고')"
	printf 'Message-ID: <ko-euckr@example.kr>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: text/plain; charset=EUC-KR\r\n'
	printf 'Content-Transfer-Encoding: 8bit\r\n\r\n'
	body euc-kr "$KO" | crlf
} >korean-euckr.eml
{
	printf 'From: %s <Minji.Kim@Example.KR>\r\n' "$(ew utf-8 '김민지')"
	printf 'To: conduct@example.net\r\nSubject: %s\r\n' \
	    "$(ew utf-8 '행동강령 위반 신고')"
	printf 'Message-ID: <ko-utf8@example.kr>\r\nMIME-Version: 1.0\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf '%s\n' "$KO" | base64 | crlf
} >korean-utf8.eml

{
	head qp | crlf
	printf 'Subject: =?UTF-8?Q?Caf=C3=A9_incident?= at the '
	printf '=?utf-8?q?venue?=\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n'
	printf 'Content-Transfer-Encoding: quoted-printable\r\n\r\n'
	{
		printf 'The speaker at the caf=C3=A9 said things that were '
		printf 'not ok, and this li=\nne is soft-broken.\n'
		printf 'End =3D fin.\n'
	} | crlf
} >qp.eml

{
	head b64 | crlf
	printf 'Subject: Base64 body\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf 'Someone followed me to the hotel — please help.\n' |
	    base64 | crlf
} >base64.eml

crlf >html-only.eml <<'X'
From: "Doe, Jane" <Jane.Doe@Example.COM>
To: conduct@example.net
Subject: HTML only
Reply-To: <jane+coc@example.com>
Message-ID: <html@example.com>
In-Reply-To: <ack-1@conduct.example.net> <other@example.net>
References: <a@x> <b@y>
	<ack-1@conduct.example.net>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<!DOCTYPE html>
<html><head><title>Title here</title><style>p { color: red }</style>
<script>alert("x")</script></head>
<body><p>Hello&nbsp;committee,</p>
<p>Tom &amp; Jerry were &eacute;vil&#8217;s<br>friends.</p>
<ul><li>first</li><li>second</li></ul>
<div>See <a href="https://example.org/evidence">the photos</a>.</div>
<table><tr><td>cell1</td><td>cell2</td></tr></table>
</body></html>
X

crlf >alternative.eml <<'X'
From: Reporter <reporter@example.org>
To: conduct@example.net
Subject: Alternative
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt-1"

--alt-1
Content-Type: text/plain; charset=utf-8

Plain version of the report.
--alt-1
Content-Type: text/html; charset=utf-8

<p>HTML version of the report.</p>
--alt-1--
X

{
	head attach | crlf
	printf 'Subject: Screenshots\r\n'
	printf 'Content-Type: multipart/mixed; boundary="mix"\r\n\r\n'
	printf 'preamble\r\n--mix\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Screenshots attached.\r\n--mix\r\n'
	printf 'Content-Type: image/PNG\r\n'
	printf "Content-Disposition: attachment; filename*=UTF-8''%s\r\n" \
	    "$(pct utf-8 '証拠.png')"
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf 'iVBORw0KGgo=\r\n--mix\r\n'
	printf 'Content-Type: image/jpeg\r\n'
	printf 'Content-Disposition: attachment;\r\n'
	printf " filename*0*=UTF-8''%s;\r\n" "$(pct utf-8 '스크린')"
	printf ' filename*1*=%s\r\n' "$(pct utf-8 '샷.jpg')"
	printf 'Content-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--mix\r\n'
	printf 'Content-Type: application/pdf; name="%s"\r\n' \
	    "$(ew utf-8 '報告書.pdf')"
	printf 'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--mix\r\n'
	printf "Content-Type: image/gif; name*=euc-kr'ko'%s\r\n" \
	    "$(pct euc-kr '사진.gif')"
	printf 'Content-Disposition: inline\r\n\r\nGIF89a\r\n--mix\r\n'
	printf 'Content-Type: text/plain; name="notes.txt"\r\n\r\n'
	printf 'attached text\r\n--mix--\r\nepilogue\r\n'
} >attach-2231.eml

crlf >forward.eml <<'X'
From: Witness <witness@example.org>
To: conduct@example.net
Subject: Fwd: what happened
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain

I am forwarding the message I received.
--outer
Content-Type: message/rfc822
Content-Disposition: inline

From: Harasser <bad@example.com>
To: Witness <witness@example.org>
Date: Sun, 2 Jun 2024 23:10:00 +0200
Subject: =?UTF-8?Q?You_will_regret_it?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

Inner threatening text.
--inner
Content-Type: image/jpeg; name="photo.jpg"
Content-Transfer-Encoding: base64

/9j/4AAQ
--inner--
--outer--
X

# Malformed shapes.
crlf >broken-boundary.eml <<'X'
From: Reporter <reporter@example.org>
Subject: Broken boundary
Content-Type: multipart/mixed; boundary="declared"

--actual
Content-Type: text/plain

Text under the wrong boundary.
--actual--
X

crlf >unterminated-boundary.eml <<'X'
From: Reporter <reporter@example.org>
Subject: Unterminated
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

First part.
--b1
Content-Type: text/plain

Second part, and the message just ends
X

crlf >missing-boundary-param.eml <<'X'
From: Reporter <reporter@example.org>
Subject: No boundary parameter
Content-Type: multipart/mixed

Text of a multipart without a boundary.
X

crlf >bad-content-type.eml <<'X'
From: Reporter <reporter@example.org>
Subject: Bad content type
Content-Type: garbage; charset=utf-8

Text under a bad content type.
X

{
	printf 'From: Reporter <reporter@example.org>\r\n'
	printf 'Subject: Bad base64\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	printf 'VGhlIGZpcnN0IGxpbmUgaXMgZmluZS4K\r\n!!!! ~~~~ ####\r\n'
	printf 'VGhlIHNlY29uZCBpcyBjdXQgc2hvcnQ\r\n'
} >bad-base64.eml

{
	printf 'From: %s <Jose@Example.ES>\r\n' "$(to latin1 'José Pérez')"
	printf 'Subject: Belästigung beim Vortrag\r\n'
	printf 'To: conduct@example.net\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
	printf 'Body is plain.\r\n'
} >8bit-header.eml

{
	printf 'From: Reporter <reporter@example.org>\r\nSubject: N\000ul\r\n'
	printf 'Content-Type: text/plain\r\n\r\nBefore\000after NUL.\r\n'
} >nul.eml

printf 'From: Reporter <reporter@example.org>\rSubject: Bare CR\r\r%b' \
    'Old Mac line one.\rLine two.\r' >bare-cr.eml
printf 'From: Reporter <reporter@example.org>\nSubject: LF only\n\n%b' \
    'Unix line one.\nLine two.\n' >lf-only.eml
printf 'I saw someone being harassed at the party.\r\n%b' \
    'Please call me.\r\n' >no-headers.eml
: >empty.eml

{
	printf 'From: Reporter <reporter@example.org>\r\n'
	printf 'Subject: =?x-unknown?Q?Unknown_label?=\r\n'
	printf 'Content-Type: text/plain; charset=x-unknown\r\n\r\n'
	printf 'Text with UTF-8 ünïcödé in an unknown label.\r\n'
} >unknown-charset.eml

{
	printf 'From: Reporter <reporter@example.org>\r\n'
	printf 'Subject: Wrong label\r\n'
	printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
	body latin1 'Latin-1 bytes: café crème' | crlf
} >wrong-label.eml

crlf >injection.eml <<'X'
From: Reporter <reporter@example.org>
Reply-To: "Evil" <evil@example.org>, other@example.org
Subject: =?UTF-8?Q?Hello=0D=0ABcc:_victim@example.com?=
X-Injected: =?UTF-8?B?bGluZQ0KQmNjOiB4QGV4YW1wbGUuY29t?=
Content-Type: text/plain

Body.
X

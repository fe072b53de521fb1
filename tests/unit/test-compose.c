/*
 * test-compose: composes messages and parses them back with mime_parse()
 * to check that subjects, names, text and attachments survive the trip
 * (Korean, Japanese, long values), that hostile values cannot start a
 * header of their own, that bad addresses are refused, and that every
 * line ends in CRLF within 998 octets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "compose.h"
#include "crypto.h"
#include "mime.h"
#include "harness.h"

#define DATE	1795000000	/* Wed, 18 Nov 2026 11:06:40 UTC */

/* A 1200-octet line, mixed scripts, to test soft line breaks. */
#define LONG100	"긴 줄입니다 長い行です long line ---------------------------"
#define LONGLINE LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 \
	LONG100 LONG100 LONG100 LONG100 LONG100 LONG100

static struct compose_mail
base_mail(void)
{
	struct compose_mail	m;

	memset(&m, 0, sizeof(m));
	m.from_name = "Conduct Committee";
	m.from_addr = "conduct@example.test";
	m.to_name = "Reporter";
	m.to_addr = "reporter@example.test";
	m.subject = "[ack quiet-otter] Your report";
	m.message_id = "cd.0123456789abcdef01234567.1795000000@example.test";
	m.date = DATE;
	m.text = "Thank you.\nWe received your report.\n";
	return m;
}

static char *
compose_ok(const struct compose_mail *m, size_t *len)
{
	char	*raw, *err = NULL;

	raw = compose_message(m, len, &err);
	CHECK(raw != NULL);
	if (err != NULL) {
		fprintf(stderr, "unexpected error: %s\n", err);
		free(err);
	}
	return raw;
}

/* Every line ends in CRLF and holds at most 998 octets. */
static int
lines_ok(const char *raw, size_t len)
{
	size_t	i, col = 0;

	if (len < 2 || raw[len - 2] != '\r' || raw[len - 1] != '\n')
		return 0;
	for (i = 0; i < len; i++) {
		if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r'))
			return 0;
		if (raw[i] == '\r' && raw[i + 1] != '\n')
			return 0;
		if (raw[i] == '\n')
			col = 0;
		else if (raw[i] != '\r' && ++col > 998)
			return 0;
	}
	return 1;
}

/* Number of header fields (lines not starting with white space). */
static int
count_headers(const char *raw)
{
	const char	*p = raw;
	int		 n = 0;

	while (*p != '\0' && !(p[0] == '\r' && p[1] == '\n')) {
		if (*p != ' ' && *p != '\t')
			n++;
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return n;
}

/* 1 if some line of the header block starts with prefix. */
static int
header_line(const char *raw, const char *prefix)
{
	const char	*p = raw;
	size_t		 n = strlen(prefix);

	while (*p != '\0' && !(p[0] == '\r' && p[1] == '\n')) {
		if (strncasecmp(p, prefix, n) == 0)
			return 1;
		if ((p = strstr(p, "\r\n")) == NULL)
			break;
		p += 2;
	}
	return 0;
}

static void
test_basic(void)
{
	struct compose_mail	 m = base_mail();
	struct mime_msg		*msg;
	struct tm		 tm;
	size_t			 len;
	char			*raw, *end;

	m.reply_to_addr = "conduct+quiet-otter-abc@example.test";
	m.in_reply_to = "orig.1@mail.example.test";
	m.references = "first.0@mail.example.test orig.1@mail.example.test";
	m.auto_submitted = "auto-replied";
	m.loop_guard = "conduct@example.test";
	if ((raw = compose_ok(&m, &len)) == NULL)
		return;
	CHECK(lines_ok(raw, len));
	CHECK_INTEQ(strlen(raw), len);
	CHECK(strncmp(raw, "Date: Wed, 18 Nov 2026 11:06:40 +0000\r\n",
	    39) == 0);
	CHECK_STRSTR(raw, " +0000\r\n");
	CHECK_STRSTR(raw, "\r\nMIME-Version: 1.0\r\n");
	CHECK_STRSTR(raw, "text/plain; charset=\"utf-8\"");
	CHECK_STRSTR(raw, "Content-Transfer-Encoding: quoted-printable");
	CHECK_STRSTR(raw, "\r\nAuto-Submitted: auto-replied\r\n");
	CHECK_STRSTR(raw, "\r\nX-Conductd-Loop: conduct@example.test\r\n");
	/* Date, From, To, Reply-To, Message-ID, In-Reply-To, References,
	 * Subject, Auto-Submitted, X-Conductd-Loop, MIME-Version,
	 * Content-Type, Content-Transfer-Encoding. */
	CHECK_INTEQ(count_headers(raw), 13);

	msg = mime_parse(raw, len, 0);
	CHECK_INTEQ(msg->warnings, 0);
	CHECK_STREQ(msg->subject, "[ack quiet-otter] Your report");
	CHECK_STREQ(msg->from_addr, "conduct@example.test");
	CHECK_STRSTR(msg->from, "Conduct Committee");
	CHECK_STRSTR(msg->to, "reporter@example.test");
	CHECK_STREQ(msg->reply_to_addr,
	    "conduct+quiet-otter-abc@example.test");
	CHECK_STREQ(msg->message_id, m.message_id);
	CHECK_STREQ(msg->in_reply_to, "orig.1@mail.example.test");
	CHECK_STREQ(msg->references,
	    "first.0@mail.example.test orig.1@mail.example.test");
	CHECK_STREQ(msg->text, "Thank you.\nWe received your report.");
	memset(&tm, 0, sizeof(tm));
	end = strptime(msg->date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	CHECK(end != NULL && *end == '\0');
	CHECK_INTEQ(timegm(&tm), DATE);
	CHECK_STREQ(mime_header(msg, "Auto-Submitted"), "auto-replied");
	mime_msg_free(msg);
	free(raw);
}

/* Non-ASCII and long values come back as they went in. */
static const struct {
	const char	*subject;
	const char	*name;
	const char	*text;
	const char	*want_text;	/* mime_parse trims the end */
} rt[] = {
	{ "행동강령 위반 신고 [ack quiet-otter]", "김민지",
	    "신고해 주셔서 감사합니다.\n위원회가 검토합니다.\n",
	    "신고해 주셔서 감사합니다.\n위원회가 검토합니다." },
	{ "行動規範違反の報告について（会議二日目の懇親会）",
	    "行動規範委員会 事務局", "ご報告ありがとうございます。\n",
	    "ご報告ありがとうございます。" },
	{ "Re: Ça va? \"quoted\" =?not-a-word?= — ok", "Smith, John \"JJ\"",
	    "Ligne 1\r\nLigne 2 with trailing space \t\rFrom here\n"
	    "= =3D é\n.\n",
	    "Ligne 1\nLigne 2 with trailing space\nFrom here\n= =3D é\n." },
	{ "Mixed 한국어 and 日本語 and English with quite a long tail that "
	    "goes on and on and on so that the header has to fold more than "
	    "once: 이것은 매우 긴 제목입니다 これはとても長い件名です end",
	    "A very long display name 아주 긴 이름입니다 とても長い名前です "
	    "that keeps going past one encoded word", LONGLINE, LONGLINE },
	{ "", "Committee, Example Conference on Very Long Names and Folding "
	    "(Europe) <tm> \\ backslash", "", "" },
};

static void
test_roundtrip(void)
{
	struct compose_mail	 m;
	struct mime_msg		*msg;
	size_t			 i, len;
	const char		*name;
	char			*raw;

	for (i = 0; i < sizeof(rt) / sizeof(rt[0]); i++) {
		m = base_mail();
		m.subject = rt[i].subject;
		m.from_name = rt[i].name;
		m.to_name = rt[i].name;
		m.text = rt[i].text;
		if ((raw = compose_ok(&m, &len)) == NULL)
			continue;
		CHECK(lines_ok(raw, len));
		msg = mime_parse(raw, len, 0);
		CHECK_INTEQ(msg->warnings, 0);
		CHECK_STREQ(msg->subject, rt[i].subject);
		/* Quoted names come back in their quoted form. */
		name = rt[i].name[0] == 'S' ? "Smith, John" :
		    rt[i].name[0] == 'C' ? "Committee, Example Conference "
		    "on Very Long Names and Folding (Europe) <tm>" :
		    rt[i].name;
		CHECK_STRSTR(msg->from, name);
		CHECK_STREQ(msg->from_addr, "conduct@example.test");
		CHECK_STRSTR(msg->to, name);
		CHECK_STREQ(msg->text, rt[i].want_text);
		CHECK_INTEQ(count_headers(raw), 8);
		mime_msg_free(msg);
		free(raw);
	}
}

static void
test_long_subject(void)
{
	struct compose_mail	 m = base_mail();
	struct mime_msg		*msg;
	char			 subj[1500], *raw;
	size_t			 len, i;

	/* One 1400-octet word, and a long run of short words. */
	memset(subj, 'a', 1400);
	subj[1400] = '\0';
	m.subject = subj;
	if ((raw = compose_ok(&m, &len)) == NULL)
		return;
	CHECK(lines_ok(raw, len));
	msg = mime_parse(raw, len, 0);
	CHECK_STREQ(msg->subject, subj);
	mime_msg_free(msg);
	free(raw);

	for (i = 0; i + 3 < 1400; i += 3)
		memcpy(subj + i, "ab ", 3);
	subj[i] = 'z';
	subj[i + 1] = '\0';
	if ((raw = compose_ok(&m, &len)) == NULL)
		return;
	CHECK(lines_ok(raw, len));
	msg = mime_parse(raw, len, 0);
	CHECK_STREQ(msg->subject, subj);
	mime_msg_free(msg);
	free(raw);
}

/* Hostile values: nothing may start a header of its own. */
static const struct {
	const char	*subject;
	const char	*name;
	const char	*irt;
	const char	*refs;
	const char	*want_subject;
	int		 nheaders;
} inj[] = {
	{ "x\r\nBcc: evil@example.test", NULL, NULL, NULL,
	    "x Bcc: evil@example.test", 8 },
	{ "x\nBcc: evil@example.test\n\nbody", "Eve\nBcc: evil@example.test",
	    NULL, NULL, "x Bcc: evil@example.test body", 8 },
	{ "x\rBcc: evil@example.test", "Eve\r\n\r\nBcc: evil@example.test",
	    NULL, NULL, "x Bcc: evil@example.test", 8 },
	/* An encoded word that decodes to "x\r\nBcc: evil@example.test". */
	{ "=?UTF-8?B?eA0KQmNjOiBldmlsQGV4YW1wbGUudGVzdA==?=", NULL, NULL,
	    NULL, "=?UTF-8?B?eA0KQmNjOiBldmlsQGV4YW1wbGUudGVzdA==?=", 8 },
	{ "tab\there\x7f\x01 and\x1b[31m ansi", NULL, NULL, NULL,
	    "tab here and[31m ansi", 8 },
	/* Ids: the bad ones go, the good ones stay. */
	{ "ids", NULL, "a b@example.test", "x@y> <z@w",
	    "ids", 8 },
	{ "ids", NULL, "ok@example.test>\r\nBcc: evil@example.test",
	    "good@example.test bad>@x\r\nBcc: evil@example.test", "ids", 9 },
	{ "ids", NULL, "ok@example.test", "a@b\nBcc:evil@example.test",
	    "ids", 10 },
};

static void
test_injection(void)
{
	struct compose_mail	 m;
	struct mime_msg		*msg;
	size_t			 i, len;
	char			*raw;

	for (i = 0; i < sizeof(inj) / sizeof(inj[0]); i++) {
		m = base_mail();
		m.subject = inj[i].subject;
		m.from_name = inj[i].name;
		m.in_reply_to = inj[i].irt;
		m.references = inj[i].refs;
		if ((raw = compose_ok(&m, &len)) == NULL)
			continue;
		CHECK(lines_ok(raw, len));
		CHECK(!header_line(raw, "Bcc:"));
		CHECK(strstr(raw, "\nBcc:") == NULL);
		CHECK_INTEQ(count_headers(raw), inj[i].nheaders);
		msg = mime_parse(raw, len, 0);
		CHECK_STREQ(msg->subject, inj[i].want_subject);
		CHECK(mime_header(msg, "Bcc") == NULL);
		CHECK(strchr(msg->from, '\n') == NULL);
		CHECK_STREQ(msg->from_addr, "conduct@example.test");
		if (i == 6) {
			/* "evil@example.test" is a well-formed id. */
			CHECK_STREQ(msg->references,
			    "good@example.test evil@example.test");
			CHECK(mime_header(msg, "In-Reply-To") == NULL);
		}
		if (i == 7) {
			CHECK_STREQ(msg->in_reply_to, "ok@example.test");
			CHECK_STREQ(msg->references, "a@b");
		}
		mime_msg_free(msg);
		free(raw);
	}
}

static const struct {
	const char	*addr;
	int		 ok;
} addrs[] = {
	{ "conduct@example.test", 1 },
	{ "conduct+quiet-otter-x1@example.test", 1 },
	{ "first.last@sub.example.test", 1 },
	{ "a@localhost", 1 },
	{ "", 0 },
	{ "example.test", 0 },
	{ "@example.test", 0 },
	{ "a@", 0 },
	{ "a@@example.test", 0 },
	{ "a b@example.test", 0 },
	{ "a@example.test\r\nBcc: evil@example.test", 0 },
	{ "a@example.test>", 0 },
	{ "<a@example.test>", 0 },
	{ "\"a\"@example.test", 1 },	/* quoted local part */
	{ "a,b@example.test", 0 },
	{ "a;b@example.test", 0 },
	{ "a:b@example.test", 0 },
	{ "a(b)@example.test", 0 },
	{ ".a@example.test", 0 },
	{ "a.@example.test", 0 },
	{ "a..b@example.test", 0 },
	{ "a@-example.test", 0 },
	{ "a@example-.test", 0 },
	{ "a@example..test", 0 },
	{ "a@example.test.", 0 },
	{ "a@exa_mple.test", 0 },
	{ "a@[127.0.0.1]", 0 },
	{ "ä@example.test", 0 },
	{ "a\x7f@example.test", 0 },
};

static void
test_addresses(void)
{
	struct compose_mail	 m;
	char			 longaddr[300], *raw, *err;
	size_t			 i, len;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		CHECK_INTEQ(compose_valid_address(addrs[i].addr),
		    addrs[i].ok);
		if (addrs[i].ok)
			continue;
		m = base_mail();
		m.to_addr = addrs[i].addr;
		err = NULL;
		raw = compose_message(&m, &len, &err);
		CHECK(raw == NULL);
		CHECK(err != NULL);
		/* The error must not carry the address (it gets logged). */
		if (err != NULL && addrs[i].addr[0] != '\0')
			CHECK(strstr(err, addrs[i].addr) == NULL);
		free(err);
		free(raw);
	}
	memset(longaddr, 'a', 250);
	memcpy(longaddr + 60, "@", 1);
	strcpy(longaddr + 250, ".test");
	CHECK(!compose_valid_address(longaddr));
	CHECK(!compose_valid_address(NULL));

	/* From and Reply-To are checked too; so is the Message-ID. */
	m = base_mail();
	m.from_addr = "evil\n@example.test";
	err = NULL;
	CHECK(compose_message(&m, &len, &err) == NULL && err != NULL);
	free(err);
	m = base_mail();
	m.reply_to_addr = "a b@example.test";
	err = NULL;
	CHECK(compose_message(&m, &len, &err) == NULL && err != NULL);
	free(err);
	m = base_mail();
	m.message_id = "no spaces@example.test";
	err = NULL;
	CHECK(compose_message(&m, &len, &err) == NULL && err != NULL);
	free(err);
	m = base_mail();
	m.message_id = NULL;
	err = NULL;
	CHECK(compose_message(&m, &len, &err) == NULL && err != NULL);
	free(err);
	m = base_mail();
	m.auto_submitted = "auto-replied\r\nBcc: evil@example.test";
	err = NULL;
	CHECK(compose_message(&m, &len, &err) == NULL && err != NULL);
	free(err);
}

static void
test_attachments(void)
{
	static const unsigned char	 png[] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n', 0, 0, 0, 0x0d, '=', '_', '-', '-' };
	struct compose_attachment	 att[3];
	struct compose_mail		 m = base_mail();
	struct mime_msg			*msg;
	char				*raw, big[3000];
	size_t				 len;

	memset(big, 'x', sizeof(big));
	att[0].name = "screenshot.png";
	att[0].type = "image/png";
	att[0].data = png;
	att[0].len = sizeof(png);
	att[1].name = "증거 자료 (회의록) 第二日目.txt";
	att[1].type = "text/plain; name=\"evil\"\r\nBcc: x@y";
	att[1].data = big;
	att[1].len = sizeof(big);
	att[2].name = "../../etc/\"passwd\"\r\nBcc: evil@example.test";
	att[2].type = NULL;
	att[2].data = "";
	att[2].len = 0;
	m.attachments = att;
	m.nattachments = 3;
	m.text = "See attached.\n--=_cd_\n";
	if ((raw = compose_ok(&m, &len)) == NULL)
		return;
	CHECK(lines_ok(raw, len));
	CHECK(!header_line(raw, "Bcc:"));
	CHECK(strstr(raw, "\nBcc:") == NULL);
	CHECK_STRSTR(raw, "multipart/mixed; boundary=\"=_cd_");
	CHECK(strstr(strstr(raw, "boundary=") + 1, "boundary=") == NULL);
	msg = mime_parse(raw, len, 0);
	CHECK_INTEQ(msg->warnings, 0);
	CHECK_STREQ(msg->text, "See attached.\n--=_cd_");
	CHECK_INTEQ(msg->nattachments, 3);
	if (msg->nattachments == 3) {
		CHECK_STREQ(msg->attachments[0].name, "screenshot.png");
		CHECK_STREQ(msg->attachments[0].type, "image/png");
		CHECK_INTEQ(msg->attachments[0].size, sizeof(png));
		CHECK_STREQ(msg->attachments[1].name,
		    "증거 자료 (회의록) 第二日目.txt");
		CHECK_STREQ(msg->attachments[1].type,
		    "application/octet-stream");
		CHECK_INTEQ(msg->attachments[1].size, sizeof(big));
		CHECK_STREQ(msg->attachments[2].name,
		    ".._.._etc_\"passwd\" Bcc: evil@example.test");
		CHECK_INTEQ(msg->attachments[2].size, 0);
	}
	mime_msg_free(msg);
	free(raw);
}

static void
test_message_id(void)
{
	char	a[256], b[256];
	size_t	i;

	compose_message_id("example.test", a, sizeof(a));
	compose_message_id("example.test", b, sizeof(b));
	CHECK(strcmp(a, b) != 0);
	CHECK(strncmp(a, "cd.", 3) == 0);
	CHECK_INTEQ(strspn(a + 3, "0123456789abcdef"), 24);
	CHECK(a[27] == '.');
	CHECK_STRSTR(a, "@example.test");
	for (i = 28; a[i] != '@'; i++)
		CHECK(a[i] >= '0' && a[i] <= '9');
	compose_message_id("bad domain\r\n", a, sizeof(a));
	CHECK(strchr(a, ' ') == NULL && strchr(a, '\n') == NULL);
}

/*
 * An attachment typed as a container (a forwarded message/rfc822, a
 * multipart/ type from incoming mail) goes as octet-stream: libetpan's
 * writer crashed on a message/rfc822 part without a header (a fuzzer
 * finding).
 */
static void
test_container_types(void)
{
	static const char *const types[] = { "message/rfc822",
	    "Message/Delivery-Status", "multipart/mixed" };
	struct compose_mail		 m;
	struct compose_attachment	 a;
	char				*raw;
	size_t				 i, len;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		m = base_mail();
		memset(&a, 0, sizeof(a));
		a.name = "fwd.eml";
		a.type = types[i];
		a.data = "--=_cd_00\n";
		a.len = strlen(a.data);
		m.attachments = &a;
		m.nattachments = 1;
		if ((raw = compose_ok(&m, &len)) == NULL)
			continue;
		CHECK_STRSTR(raw, "application/octet-stream");
		free(raw);
	}
}

int
main(void)
{
	crypto_init();
	test_basic();
	test_roundtrip();
	test_long_subject();
	test_injection();
	test_addresses();
	test_attachments();
	test_message_id();
	test_container_types();
	return harness_done();
}

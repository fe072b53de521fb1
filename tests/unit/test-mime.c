/*
 * test-mime: parses the raw mail fixtures in tests/data/mime/ (made by
 * make-fixtures.sh there) and checks, for each, the subject, the sender,
 * the body text, the attachments and the warning bits; every parsed
 * string must also be valid UTF-8 with no line breaks in header values.
 * Generated inputs then cover nesting past the depth limit and 25 MB
 * messages shaped to catch quadratic behaviour.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mime.h"
#include "harness.h"

#define NSUB	5

struct fixture {
	const char	*file;
	int		 warnings;	/* exactly these bits */
	const char	*subject;	/* substring, or NULL */
	const char	*from;		/* substring of the display form */
	const char	*from_addr;	/* exact, or NULL */
	const char	*text[NSUB];	/* substrings of the text */
	const char	*not_text;	/* must not be in the text */
	int		 html_only;
	size_t		 natt;
	const char	*att[NSUB];	/* attachment names, in order */
};

#define CS(f, t)	{ .file = f, .subject = t, .text = { t } }

static const struct fixture fixtures[] = {
	/* Charsets, in the body and in an RFC 2047 subject. */
	CS("cs-iso-2022-jp.eml", "会議で嫌がらせを受けました"),
	CS("cs-shift_jis.eml", "発表中に何度もからかわれました"),
	CS("cs-gb2312.eml", "我在会议上受到骚扰"),
	CS("cs-gbk.eml", "喆在会议上受到骚扰"),
	CS("cs-windows-1252.eml", "Café – “quoted” €5"),
	CS("cs-iso-8859-1.eml", "Grüße aus München"),
	CS("cs-iso-8859-2.eml", "Zażółć gęślą jaźń"),
	CS("cs-iso-8859-5.eml", "Привет, меня обидели"),
	CS("cs-iso-8859-7.eml", "Καλημέρα σας"),
	CS("cs-iso-8859-15.eml", "Prix: 5 € œuvre"),
	CS("cs-koi8-r.eml", "Меня оскорбили на конференции"),

	/* Reports as they come. */
	{ .file = "korean-euckr.eml", .subject = "행동강령 위반 신고",
	    .from = "김민지", .from_addr = "minji@example.kr",
	    .text = { "신고합니다.", "모욕적인 말을 했습니다.\n",
	    "장소: 2층 세미나실\n목격자: 두 명" } },
	{ .file = "korean-utf8.eml", .subject = "행동강령 위반 신고",
	    .from = "김민지 <", .from_addr = "minji.kim@example.kr",
	    .text = { "신고합니다.", "목격자: 두 명" } },
	{ .file = "qp.eml", .subject = "Café incident at the venue",
	    .from = "Reporter", .from_addr = "reporter@example.org",
	    .text = { "the café said",
	    "this line is soft-broken.\nEnd = fin." } },
	{ .file = "base64.eml", .subject = "Base64 body",
	    .text = { "Someone followed me to the hotel — please help." } },
	{ .file = "html-only.eml", .subject = "HTML only",
	    .from = "\"Doe, Jane\"", .from_addr = "jane.doe@example.com",
	    .text = { "Hello committee,", "Tom & Jerry were évil’s\nfriends.",
	    "- first\n- second",
	    "See the photos <https://example.org/evidence>.",
	    "cell1 | cell2" }, .not_text = "alert", .html_only = 1 },
	{ .file = "alternative.eml", .subject = "Alternative",
	    .text = { "Plain version of the report." },
	    .not_text = "HTML version" },
	{ .file = "attach-2231.eml", .subject = "Screenshots",
	    .text = { "Screenshots attached." }, .not_text = "preamble",
	    .natt = 5, .att = { "証拠.png", "스크린샷.jpg", "報告書.pdf",
	    "사진.gif", "notes.txt" } },
	{ .file = "forward.eml", .subject = "Fwd: what happened",
	    .from_addr = "witness@example.org",
	    .text = { "I am forwarding the message I received.\n\n"
	    "---------- Forwarded message ----------\n"
	    "From: Harasser <bad@example.com>\n",
	    "Date: Sun, 2 Jun 2024 23:10:00 +0200\n",
	    "Subject: You will regret it\n", "Inner threatening text." },
	    .not_text = "/9j/", .natt = 1, .att = { "photo.jpg" } },

	/* Malformed mail: parsed as far as it goes. */
	{ .file = "broken-boundary.eml", .warnings = MIME_W_BAD_BOUNDARY,
	    .subject = "Broken boundary",
	    .text = { "Text under the wrong boundary." } },
	{ .file = "unterminated-boundary.eml",
	    .warnings = MIME_W_BAD_BOUNDARY, .subject = "Unterminated",
	    .text = { "First part.",
	    "Second part, and the message just ends" } },
	{ .file = "missing-boundary-param.eml",
	    .warnings = MIME_W_BAD_STRUCTURE,
	    .text = { "Text of a multipart without a boundary." } },
	{ .file = "bad-content-type.eml", .warnings = MIME_W_BAD_STRUCTURE,
	    .text = { "Text under a bad content type." } },
	{ .file = "bad-base64.eml", .warnings = MIME_W_BAD_ENCODING,
	    .subject = "Bad base64",
	    .text = { "The first line is fine.\nThe second is cut short" } },
	{ .file = "8bit-header.eml", .warnings = MIME_W_8BIT_HEADER,
	    .subject = "Belästigung beim Vortrag", .from = "José Pérez",
	    .from_addr = "jose@example.es", .text = { "Body is plain." } },
	{ .file = "nul.eml", .warnings = MIME_W_NUL, .subject = "Nul",
	    .text = { "Beforeafter NUL." } },
	{ .file = "bare-cr.eml", .warnings = MIME_W_BARE_CR,
	    .subject = "Bare CR", .from_addr = "reporter@example.org",
	    .text = { "Old Mac line one.\nLine two." } },
	{ .file = "lf-only.eml", .warnings = MIME_W_BARE_CR,
	    .subject = "LF only", .text = { "Unix line one.\nLine two." } },
	{ .file = "no-headers.eml", .warnings = MIME_W_NO_HEADERS,
	    .from_addr = "", .text = { "I saw someone being harassed at the "
	    "party.\nPlease call me." } },
	{ .file = "empty.eml", .warnings = MIME_W_EMPTY, .from_addr = "" },
	{ .file = "unknown-charset.eml", .warnings = MIME_W_UNKNOWN_CHARSET,
	    .subject = "Unknown label",
	    .text = { "Text with UTF-8 ünïcödé in an unknown label." } },
	{ .file = "wrong-label.eml", .warnings = MIME_W_BAD_CHARSET,
	    .subject = "Wrong label", .text = { "Latin-1 bytes: café crème" } },
	{ .file = "injection.eml", .subject = "Hello  Bcc: victim@example.com",
	    .text = { "Body." } }
};

static char *
read_fixture(const char *name, size_t *len)
{
	const char	*top;
	char		 path[1024], *data;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	snprintf(path, sizeof(path), "%s/tests/data/mime/%s", top, name);
	if ((data = harness_slurp(path, len)) == NULL)
		fprintf(stderr, "%s: cannot open\n", path);
	return data;
}

/* Strict UTF-8 with no control characters (line != 0) or no CR. */
static int
clean_utf8(const char *s, int line)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, need;

	while (*u != '\0') {
		if (*u < 0x80) {
			if (*u == 0x7f || *u == '\r' ||
			    (*u < 0x20 && (line || (*u != '\n' && *u != '\t'))))
				return 0;
			u++;
			continue;
		}
		if (*u >= 0xc2 && *u <= 0xdf)
			need = 1;
		else if (*u >= 0xe0 && *u <= 0xef)
			need = 2;
		else if (*u >= 0xf0 && *u <= 0xf4)
			need = 3;
		else
			return 0;
		for (i = 1; i <= need; i++)
			if ((u[i] & 0xc0) != 0x80)
				return 0;
		u += need + 1;
	}
	return 1;
}

/* What must hold for every parsed message. */
static void
check_invariants(const char *file, const struct mime_msg *m)
{
	const char	*one[] = { m->subject, m->from, m->from_addr,
			    m->reply_to_addr, m->to, m->cc, m->date,
			    m->message_id, m->in_reply_to, m->references };
	const char	*p;
	size_t		 i;
	int		 ok = 1;

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		ok &= one[i] != NULL && clean_utf8(one[i], 1);
	for (i = 0; i < m->nheaders; i++)
		ok &= clean_utf8(m->headers[i].name, 1) &&
		    clean_utf8(m->headers[i].value, 1);
	for (i = 0; i < m->nattachments; i++)
		ok &= clean_utf8(m->attachments[i].name, 1) &&
		    clean_utf8(m->attachments[i].type, 1);
	ok &= m->text != NULL && clean_utf8(m->text, 0);
	for (p = m->from_addr; ok && *p != '\0'; p++)
		ok &= *p < 'A' || *p > 'Z';
	if (!ok)
		fprintf(stderr, "%s: a string is not clean\n", file);
	CHECK(ok);
}

static void
test_fixture(const struct fixture *fx)
{
	struct mime_msg	*m;
	char		*raw, w[128], want[128];
	size_t		 len = 0, i;

	raw = read_fixture(fx->file, &len);
	CHECK(raw != NULL);
	if (raw == NULL)
		return;
	m = mime_parse(raw, len, 0);
	check_invariants(fx->file, m);
	mime_strwarnings(m->warnings, w, sizeof(w));
	mime_strwarnings(fx->warnings, want, sizeof(want));
	if (m->warnings != fx->warnings)
		fprintf(stderr, "%s: warnings \"%s\", want \"%s\"\n",
		    fx->file, w, want);
	CHECK_INTEQ(m->warnings, fx->warnings);
	if (fx->subject != NULL)
		CHECK_STRSTR(m->subject, fx->subject);
	if (fx->from != NULL)
		CHECK_STRSTR(m->from, fx->from);
	if (fx->from_addr != NULL)
		CHECK_STREQ(m->from_addr, fx->from_addr);
	for (i = 0; i < NSUB && fx->text[i] != NULL; i++)
		CHECK_STRSTR(m->text, fx->text[i]);
	if (fx->not_text != NULL && strstr(m->text, fx->not_text) != NULL)
		fprintf(stderr, "%s: \"%s\" in text\n", fx->file,
		    fx->not_text);
	CHECK(fx->not_text == NULL || strstr(m->text, fx->not_text) == NULL);
	CHECK_INTEQ(m->html_only, fx->html_only);
	CHECK_INTEQ(m->nattachments, fx->natt);
	for (i = 0; i < fx->natt && i < m->nattachments; i++)
		CHECK_STREQ(m->attachments[i].name, fx->att[i]);
	mime_msg_free(m);
	free(raw);
}

static struct mime_msg *
parse_fixture(const char *file)
{
	char		*raw;
	size_t		 len = 0;
	struct mime_msg	*m;

	if ((raw = read_fixture(file, &len)) == NULL)
		return mime_parse("", 0, 0);
	m = mime_parse(raw, len, 0);
	free(raw);
	return m;
}

/*
 * libxml2 is opened by the first HTML part, not at start: a plain report
 * leaves it out of the process (mime_html.c).  Runs before any other test.
 */
static void
test_lazy_html(void)
{
	static const char plain[] = "From: a@example.com\r\n"
	    "Content-Type: text/plain\r\n\r\nJust text.\r\n";
	struct mime_msg	*m;
	void		*lib;

	CHECK(dlopen("libxml2.so.2", RTLD_NOW | RTLD_NOLOAD) == NULL);
	m = mime_parse(plain, sizeof(plain) - 1, 0);
	CHECK_STRSTR(m->text, "Just text.");
	mime_msg_free(m);
	CHECK(dlopen("libxml2.so.2", RTLD_NOW | RTLD_NOLOAD) == NULL);
	m = parse_fixture("html-only.eml");
	CHECK_STRSTR(m->text, "cell1 | cell2");
	CHECK_INTEQ(m->warnings & MIME_W_NO_HTML_PARSER, 0);
	mime_msg_free(m);
	CHECK((lib = dlopen("libxml2.so.2", RTLD_NOW | RTLD_NOLOAD)) != NULL);
	if (lib != NULL)
		dlclose(lib);
}

/* Fields the table does not cover. */
static void
test_fields(void)
{
	struct mime_msg	*m;

	m = parse_fixture("html-only.eml");
	CHECK_STREQ(m->reply_to_addr, "jane+coc@example.com");
	CHECK_STREQ(m->message_id, "html@example.com");
	CHECK_STREQ(m->in_reply_to, "ack-1@conduct.example.net");
	CHECK_STREQ(m->references, "a@x b@y ack-1@conduct.example.net");
	CHECK_STREQ(m->to, "conduct@example.net");
	CHECK_STREQ(m->cc, "");
	CHECK_STREQ(mime_header(m, "SUBJECT"), "HTML only");
	CHECK_STREQ(mime_header(m, "references"),
	    "<a@x> <b@y> <ack-1@conduct.example.net>");
	CHECK(mime_header(m, "X-Absent") == NULL);
	CHECK(strstr(m->text, "Title here") == NULL);
	CHECK(strstr(m->text, "color") == NULL);
	mime_msg_free(m);

	m = parse_fixture("attach-2231.eml");
	CHECK_INTEQ(m->nattachments, 5);
	if (m->nattachments == 5) {
		CHECK_STREQ(m->attachments[0].type, "image/png");
		CHECK_INTEQ(m->attachments[0].size, 8);
		CHECK_STREQ(m->attachments[1].type, "image/jpeg");
		CHECK_INTEQ(m->attachments[1].size, 4);
		CHECK_STREQ(m->attachments[2].type, "application/pdf");
		CHECK_INTEQ(m->attachments[2].size, 5);
		CHECK_INTEQ(m->attachments[3].size, 6);
		CHECK_STREQ(m->attachments[4].type, "text/plain");
		CHECK_INTEQ(m->attachments[4].size, 13);
	}
	mime_msg_free(m);

	m = parse_fixture("forward.eml");
	CHECK(m->nattachments == 1 && m->attachments[0].size == 6 &&
	    strcmp(m->attachments[0].type, "image/jpeg") == 0);
	mime_msg_free(m);

	m = parse_fixture("injection.eml");
	CHECK_STREQ(m->reply_to_addr, "evil@example.org");
	CHECK_STREQ(mime_header(m, "X-Injected"),
	    "line  Bcc: x@example.com");
	mime_msg_free(m);
}

/* message/rfc822 must not be encoded: one level is decoded, no more. */
static void
test_encoded_forward(void)
{
	const char	*once = "Subject: outer\r\n"
			    "Content-Type: message/rfc822\r\n"
			    "Content-Transfer-Encoding: base64\r\n\r\n"
			    "U3ViamVjdDogaW5uZXINCg0KSW5uZXIgYm9keS4NCg==\r\n";
	const char	*twice = "Subject: outer\r\n"
			    "Content-Type: message/rfc822\r\n"
			    "Content-Transfer-Encoding: base64\r\n\r\n"
			    "Q29udGVudC1UeXBlOiBtZXNzYWdlL3JmYzgyMg0KQ29udGVudC1U"
			    "cmFuc2Zlci1FbmNvZGluZzogYmFzZTY0DQoNClUzVmlhbVZqZERv"
			    "Z2FXNXVaWElOQ2cwS1NXNXVaWElnWW05a2VTNE5DZz09DQo=\r\n";
	struct mime_msg	*m;

	m = mime_parse(once, strlen(once), 0);
	CHECK_INTEQ(m->warnings, MIME_W_BAD_ENCODING);
	CHECK_STRSTR(m->text, "Subject: inner\n\nInner body.");
	mime_msg_free(m);

	m = mime_parse(twice, strlen(twice), 0);
	CHECK_INTEQ(m->warnings, MIME_W_BAD_ENCODING);
	CHECK(strstr(m->text, "Inner body.") == NULL);
	CHECK_INTEQ(m->nattachments, 1);
	if (m->nattachments == 1)
		CHECK_STREQ(m->attachments[0].type, "message/rfc822");
	mime_msg_free(m);
}

/*
 * The one-pass base64 decoder checks as it goes: blanks anywhere and up
 * to two padding signs at the end pass; data after padding, a third
 * padding sign, a stray byte or a cut quad go the repairing way, with
 * the warning.  Each row is an attachment's body and what it becomes
 * (NULL: libetpan's guess at concatenated blobs, not checked).
 */
static void
test_base64(void)
{
	static const struct {
		const char	*body;
		const char	*data;
		int		 warnings;
	} rows[] = {
		{ "aGVsbG8=", "hello", 0 },
		{ "aGVs\r\nbG8=\r\n", "hello", 0 },
		{ "aGV\r\nsbG8=", "hello", 0 },
		{ "aGVsbG8hIHdvcmxk\r\nIQ==", "hello! world!", 0 },
		{ " aGVs bG8 =\t\r\n", "hello", 0 },
		{ "aGVsbG8h", "hello!", 0 },
		{ "aGVsbA==", "hell", 0 },
		{ "aGVsbG8=QQ==", NULL, MIME_W_BAD_ENCODING },
		{ "aGVsbA===", "hell", MIME_W_BAD_ENCODING },
		{ "aGVs*bG8=", "hello", MIME_W_BAD_ENCODING },
		{ "aGVsbG8", "hello", MIME_W_BAD_ENCODING },
	};
	struct mime_msg	*m;
	char		 raw[512];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(raw, sizeof(raw), "Subject: b\r\n"
		    "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		    "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n"
		    "--b\r\nContent-Type: application/octet-stream\r\n"
		    "Content-Disposition: attachment; filename=a.bin\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n"
		    "--b--\r\n", rows[i].body);
		m = mime_parse(raw, strlen(raw), 0);
		CHECK_INTEQ(m->warnings, rows[i].warnings);
		CHECK_INTEQ(m->nattachments, 1);
		if (m->nattachments == 1 && rows[i].data != NULL) {
			CHECK_INTEQ(m->attachments[0].size,
			    strlen(rows[i].data));
			CHECK_STREQ(m->attachments[0].data, rows[i].data);
		}
		mime_msg_free(m);
	}
}

static void
test_edges(void)
{
	struct mime_msg	*m;
	char		 w[MIME_WARNINGS_LEN];

	m = mime_parse(NULL, 0, 0);
	CHECK_INTEQ(m->warnings, MIME_W_EMPTY);
	CHECK_STREQ(m->text, "");
	CHECK_STREQ(m->subject, "");
	CHECK_INTEQ(m->nheaders, 0);
	check_invariants("NULL", m);
	mime_msg_free(m);
	mime_msg_free(NULL);

	m = mime_parse("Subject: cut", 12, 1);
	CHECK_INTEQ(m->warnings, MIME_W_TRUNCATED);
	CHECK_STREQ(m->subject, "cut");
	mime_msg_free(m);

	mime_strwarnings(MIME_W_BAD_BOUNDARY | MIME_W_NUL, w, sizeof(w));
	CHECK_STREQ(w, "bad-boundary,nul");
	mime_strwarnings(0, w, sizeof(w));
	CHECK_STREQ(w, "");
	mime_strwarnings(~0, w, sizeof(w));
	CHECK_STRSTR(w, "no-headers,empty,bad-structure,");
	CHECK_STRSTR(w, ",truncated,too-deep,no-html-parser");
	mime_strwarnings(MIME_W_NO_HEADERS | MIME_W_EMPTY, w, 12);
	CHECK_STREQ(w, "no-headers");
	mime_strwarnings(MIME_W_NO_HEADERS, w, 4);
	CHECK_STREQ(w, "");
}

static char *
repeat(const char *head, const char *unit, size_t total, const char *tail,
    size_t *len)
{
	size_t	 hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char	*s = malloc(hl + total + ul + tl + 1);

	memcpy(s, head, hl);
	*len = hl;
	while (*len < hl + total) {
		memcpy(s + *len, unit, ul);
		*len += ul;
	}
	memcpy(s + *len, tail, tl);
	*len += tl;
	s[*len] = '\0';
	return s;
}

/* n nested multiparts (or messages) around one text part. */
static char *
nested(int n, int message)
{
	size_t	 cap = (size_t)n * 160 + 200, len = 0;
	char	*s = malloc(cap);
	int	 i;

	for (i = 0; i < n; i++) {
		if (message)
			len += (size_t)snprintf(s + len, cap - len,
			    "Subject: level %d\r\n"
			    "Content-Type: message/rfc822\r\n\r\n", i);
		else
			len += (size_t)snprintf(s + len, cap - len,
			    "Content-Type: multipart/mixed; boundary=\"b%d\""
			    "\r\n\r\n--b%d\r\n", i, i);
	}
	len += (size_t)snprintf(s + len, cap - len,
	    "Content-Type: text/plain\r\n\r\ndeepest text\r\n");
	for (i = n - 1; i >= 0 && !message; i--)
		len += (size_t)snprintf(s + len, cap - len, "--b%d--\r\n", i);
	return s;
}

static void
test_depth(void)
{
	struct mime_msg	*m;
	char		*s;
	size_t		 len;

	s = nested(10, 0);
	m = mime_parse(s, strlen(s), 0);
	CHECK_INTEQ(m->warnings, 0);
	CHECK_STRSTR(m->text, "deepest text");
	mime_msg_free(m);
	free(s);

	s = nested(5000, 0);
	m = mime_parse(s, strlen(s), 0);
	CHECK_INTEQ(m->warnings, MIME_W_TOO_DEEP);
	check_invariants("nested", m);
	mime_msg_free(m);
	free(s);

	s = repeat("Content-Type: text/html\r\n\r\n", "<div><b>", 8 * 1000,
	    "deep html", &len);
	m = mime_parse(s, len, 0);
	CHECK_INTEQ(m->warnings, 0);
	CHECK_STRSTR(m->text, "deep html");
	CHECK_INTEQ(m->html_only, 1);
	mime_msg_free(m);
	free(s);

	s = nested(5000, 1);
	m = mime_parse(s, strlen(s), 0);
	CHECK_INTEQ(m->warnings, MIME_W_TOO_DEEP);
	CHECK_STRSTR(m->text, "Subject: level 1\n");
	mime_msg_free(m);
	free(s);
}

/* One big shape; a quadratic parser would take hours here. */
static void
big(const char *what, size_t mb, const char *head, const char *unit,
    const char *tail, int warnings)
{
	struct mime_msg	*m;
	char		*s;
	size_t		 len;
	clock_t		 t0;
	double		 secs;

	s = repeat(head, unit, mb * 1024 * 1024, tail, &len);
	t0 = clock();
	m = mime_parse(s, len, 0);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	if (secs > 20)
		fprintf(stderr, "%s: %.1f s\n", what, secs);
	CHECK(secs < 60);
	CHECK_INTEQ(m->warnings, warnings);
	check_invariants(what, m);
	mime_msg_free(m);
	free(s);
}

static void
test_big(void)
{
	big("attachment", 25, "Subject: big\r\nContent-Type: multipart/mixed; "
	    "boundary=x\r\n\r\n--x\r\n\r\nsee file\r\n--x\r\nContent-Type: "
	    "image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n",
	    "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w\r\n",
	    "--x--\r\n", 0);
	big("not-delimiters", 25,
	    "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\n",
	    "--xy\r\n", "--x--\r\n", 0);
	big("encoded-words", 25, "Subject: ", "=?=?utf-8?q?a",
	    "\r\n\r\nbody\r\n", 0);
	big("unclosed-word", 25, "Subject: =?utf-8?q?", "ab", "\r\n\r\n", 0);
	big("many-headers", 25, "",
	    "X-A: =?utf-8?b?w6k=?= =?utf-8?b?w6k=?=\r\n",
	    "\r\nbody\r\n", 0);
	big("html", 4, "Content-Type: text/html\r\n\r\n",
	    "<div><p>a &amp; b<br></p></div>\r\n", "", 0);
	big("lf-only", 25, "Subject: x\n\n", "line\n", "", MIME_W_BARE_CR);
	big("parts", 25, "Content-Type: multipart/mixed; boundary=x\r\n\r\n",
	    "--x\r\n\r\nt\r\n", "--x--\r\n", 0);
}

/*
 * A fuzz finding: mail parsed in place (not NUL-terminated) whose
 * quoted-printable body ends at the buffer's end; libetpan's decoder read
 * past it.  Parsed from an allocation of exactly its size, for ASan.
 */
static void
test_overread(void)
{
	const char	*top;
	char		 path[1024], *data, *exact;
	size_t		 len;
	struct mime_msg	*m;

	if ((top = getenv("top_srcdir")) == NULL)
		top = ".";
	snprintf(path, sizeof(path),
	    "%s/tests/data/fuzz/mime/regress-decoder-overread", top);
	data = harness_slurp(path, &len);
	CHECK(data != NULL);
	if (data == NULL)
		return;
	exact = malloc(len);
	CHECK(exact != NULL);
	if (exact == NULL)
		return;
	memcpy(exact, data, len);
	m = mime_parse(exact, len, 0);
	CHECK(m != NULL);
	mime_msg_free(m);
	free(exact);
	free(data);
}

int
main(void)
{
	size_t	i;

	test_lazy_html();
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		test_fixture(&fixtures[i]);
	test_fields();
	test_encoded_forward();
	test_base64();
	test_edges();
	test_depth();
	test_big();
	test_overread();
	return harness_done();
}

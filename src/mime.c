/*
 * mime: turns one raw message into a struct mime_msg that the rest of
 * conductd can read without caring how the sender's client wrote it.
 *
 * The raw bytes are first normalized (NULs dropped, every line end made
 * CRLF); the entity tree is then walked here, line by line, with a depth
 * limit.  libetpan's mailmime_parse() is not used for the walk: it
 * recurses without a bound (a deeply nested message would exhaust the
 * stack), accepts a missing boundary without saying so, and intake must
 * read every report however broken its structure.  libetpan decodes the
 * pieces: base64 and quoted-printable bodies (mailmime_part_parse()),
 * the B and Q text of RFC 2047 words and the RFC 5322 address grammar.
 * RFC 2047 words, RFC 2231 parameters and charsets are handled here so
 * that an unknown label or a bad byte costs one word, not the header,
 * and sets a warning bit.  Charsets go through iconv, with a best-effort
 * fallback (UTF-8 where valid, windows-1252 for the rest); HTML goes
 * through libxml2's HTML parser in mime_html.c, opened when first needed.
 * Nothing here logs: the caller logs the warning names with the message's
 * UID.
 */
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/mailimf.h>
#include <libetpan/mailmime.h>

#include "addrspec.h"
#include "buf.h"
#include "crypto.h"
#include "mime.h"
#include "mime_priv.h"
#include "mime_flowed.h"
#include "xmalloc.h"

#define MIME_MAX_DEPTH		20	/* multipart and message nesting */
#define MIME_MAX_LABEL		40	/* charset label */
#define MIME_MAX_TYPE		127	/* "type/subtype" */
#define MIME_MAX_BOUNDARY	200	/* RFC 2046 says 70: be lenient */
#define MIME_MAX_SECTIONS	100	/* RFC 2231 continuations */
#define MIME_MAX_ADDRPARSE	2048	/* longer: no libetpan address parse */
#define MIME_MAX_PARENS		32	/* libetpan recurses into comments */
#define MIME_FORWARD_SEP	"---------- Forwarded message ----------\n"

enum mime_cs {
	MIME_CS_UTF8,		/* UTF-8 or ASCII: kept where valid */
	MIME_CS_CP1252,		/* Latin-1 and windows-1252: own table */
	MIME_CS_ICONV,		/* anything else iconv knows */
	MIME_CS_UNKNOWN
};

/* Labels mapped to what real senders mean by them. */
static const struct mime_alias {
	const char	*label;
	enum mime_cs	 cs;
	const char	*code;
} mime_aliases[] = {
	{ "us-ascii",		MIME_CS_UTF8,	NULL },
	{ "ascii",		MIME_CS_UTF8,	NULL },
	{ "utf-8",		MIME_CS_UTF8,	NULL },
	{ "utf8",		MIME_CS_UTF8,	NULL },
	{ "iso-8859-1",		MIME_CS_CP1252,	NULL },
	{ "iso8859-1",		MIME_CS_CP1252,	NULL },
	{ "iso_8859-1",		MIME_CS_CP1252,	NULL },
	{ "latin1",		MIME_CS_CP1252,	NULL },
	{ "windows-1252",	MIME_CS_CP1252,	NULL },
	{ "cp1252",		MIME_CS_CP1252,	NULL },
	{ "x-cp1252",		MIME_CS_CP1252,	NULL },
	{ "gb2312",		MIME_CS_ICONV,	"GB18030" },
	{ "gbk",		MIME_CS_ICONV,	"GB18030" },
	{ "x-gbk",		MIME_CS_ICONV,	"GB18030" },
	{ "cp936",		MIME_CS_ICONV,	"GB18030" },
	{ "euc-cn",		MIME_CS_ICONV,	"GB18030" },
	{ "euc-kr",		MIME_CS_ICONV,	"CP949" },
	{ "ks_c_5601-1987",	MIME_CS_ICONV,	"CP949" },
	{ "shift_jis",		MIME_CS_ICONV,	"CP932" },
	{ "shift-jis",		MIME_CS_ICONV,	"CP932" },
	{ "sjis",		MIME_CS_ICONV,	"CP932" },
	{ "x-sjis",		MIME_CS_ICONV,	"CP932" },
	{ "windows-31j",	MIME_CS_ICONV,	"CP932" },
	{ "iso-2022-jp",	MIME_CS_ICONV,	"ISO-2022-JP-2" }
};

/* windows-1252 0x80-0x9f; the holes become U+FFFD. */
static const uint16_t mime_cp1252[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178
};

static const struct {
	int		 bit;
	const char	*name;
} mime_warnings[] = {
	{ MIME_W_NO_HEADERS,	"no-headers" },
	{ MIME_W_EMPTY,		"empty" },
	{ MIME_W_BAD_STRUCTURE,	"bad-structure" },
	{ MIME_W_BAD_BOUNDARY,	"bad-boundary" },
	{ MIME_W_BAD_ENCODING,	"bad-encoding" },
	{ MIME_W_UNKNOWN_CHARSET, "unknown-charset" },
	{ MIME_W_BAD_CHARSET,	"bad-charset" },
	{ MIME_W_8BIT_HEADER,	"8bit-header" },
	{ MIME_W_NUL,		"nul" },
	{ MIME_W_BARE_CR,	"bare-cr" },
	{ MIME_W_TRUNCATED,	"truncated" },
	{ MIME_W_TOO_DEEP,	"too-deep" },
	{ MIME_W_NO_HTML_PARSER, "no-html-parser" }
};

/* One header field, pointing into the raw message. */
struct mime_field {
	const char	*name;
	size_t		 namelen;
	const char	*value;		/* may be folded */
	size_t		 valuelen;
};

struct mime_fields {
	struct mime_field	*f;
	size_t			 n;
	size_t			 cap;
};

struct mime_param {
	char	*name;			/* lower case */
	char	*value;			/* unquoted, raw bytes */
};

/* A parsed Content-Type or Content-Disposition. */
struct mime_ctype {
	char			 type[MIME_MAX_TYPE + 1];	/* lower case */
	struct mime_param	*params;
	size_t			 nparams;
	size_t			 cap;
};

struct mime_range {
	const char	*p;
	size_t		 len;
};

struct mime_ctx {
	struct mime_msg	*msg;
	struct buf	 text;
	int		 nplain;
	int		 nhtml;
	size_t		 attcap;
	int		 decoded;	/* inside a decoded message/rfc822 */
	char		 cvcode[MIME_MAX_LABEL + 1];	/* cached converter */
	iconv_t		 cv;
};

static void	mime_entity(struct mime_ctx *, const struct mime_fields *,
		    struct mime_range, int, int, const char *);

/*
 * Byte-level helpers.
 */

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t
mime_utf8_seq(const unsigned char *s, size_t n)
{
	size_t	need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3;
	else
		return 0;
	if (n <= need)
		return 0;
	for (i = 1; i <= need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return need + 1;
}

static void
mime_put_cp(struct buf *out, unsigned int cp)
{
	char	u[4];

	if (cp < 0x80) {
		buf_addch(out, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(out, u, 2);
		return;
	}
	u[0] = (char)(0xe0 | cp >> 12);
	u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[2] = (char)(0x80 | (cp & 0x3f));
	buf_add(out, u, 3);
}

static unsigned int
mime_cp1252_char(unsigned char c)
{
	if (c >= 0x80 && c < 0xa0)
		return mime_cp1252[c - 0x80];
	return c;
}

static void
mime_cp1252_str(const char *s, size_t n, struct buf *out)
{
	size_t	i, run = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x80)
			continue;
		buf_add(out, s + run, i - run);
		mime_put_cp(out, mime_cp1252_char((unsigned char)s[i]));
		run = i + 1;
	}
	buf_add(out, s + run, n - run);
}

/*
 * Copies valid UTF-8 sequences as they are and decodes every other byte
 * as windows-1252: right for UTF-8, Latin-1 and most mixtures of both.
 */
static void
mime_besteffort(const char *s, size_t n, struct buf *out, int *bad)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, run = 0, k;

	while (i < n) {
		if ((k = mime_utf8_seq(u + i, n - i)) > 0) {
			i += k;
			continue;
		}
		buf_add(out, s + run, i - run);
		mime_put_cp(out, mime_cp1252_char(u[i]));
		*bad = 1;
		run = ++i;
	}
	buf_add(out, s + run, n - run);
}

/*
 * Makes s safe to hand out: invalid UTF-8 becomes U+FFFD, NULs go
 * (MIME_W_NUL).  A header (line != 0) turns every control character,
 * CR and LF included, into a space and is trimmed; a text keeps tabs
 * and LFs, drops CRs and turns other controls into spaces.
 */
static char *
mime_clean(struct mime_ctx *ctx, const char *s, size_t n, int line)
{
	const unsigned char	*u = (const unsigned char *)s;
	struct buf		 out;
	size_t			 i = 0, run = 0, k;
	unsigned char		 c;

	if (s == NULL)			/* an empty struct buf */
		u = (const unsigned char *)(s = "");
	buf_init(&out);
	while (i < n) {
		c = u[i];
		if (c >= 0x20 && c != 0x7f) {
			if ((k = mime_utf8_seq(u + i, n - i)) > 0) {
				i += k;
				continue;
			}
		} else if (!line && (c == '\n' || c == '\t')) {
			i++;
			continue;
		}
		buf_add(&out, s + run, i - run);
		if (c == '\0')
			ctx->msg->warnings |= MIME_W_NUL;
		else if (c >= 0x80)
			buf_add(&out, "\xef\xbf\xbd", 3);
		else if (line || c != '\r')
			buf_addch(&out, ' ');
		run = ++i;
	}
	buf_add(&out, s + run, n - run);
	if (line) {
		while (out.len > 0 && out.data[out.len - 1] == ' ')
			buf_truncate(&out, out.len - 1);
		for (k = 0; k < out.len && out.data[k] == ' '; k++)
			;
		if (k > 0) {
			memmove(out.data, out.data + k, out.len - k);
			buf_truncate(&out, out.len - k);
		}
	}
	return buf_release(&out, NULL);
}

/* Drops NULs and turns bare CR or LF into CRLF; counts when out is NULL. */
static size_t
mime_crlf(const char *raw, size_t len, char *out, int *w)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++) {
		if (raw[i] == '\0') {
			*w |= MIME_W_NUL;
			continue;
		}
		if (raw[i] != '\r' && raw[i] != '\n') {
			if (out != NULL)
				out[n] = raw[i];
			n++;
			continue;
		}
		if (raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n')
			i++;
		else
			*w |= MIME_W_BARE_CR;
		if (out != NULL) {
			out[n] = '\r';
			out[n + 1] = '\n';
		}
		n += 2;
	}
	return n;
}

/*
 * Is raw CRLF throughout, without a NUL or a bare CR?  memchr() walks it
 * many bytes at a time: mail from IMAP is nearly always so, and the byte
 * loop of mime_crlf() cost a pass over every big attachment.
 */
static int
mime_is_crlf(const char *raw, size_t len)
{
	const char	*p, *q, *end = raw + len;
	size_t		 lf = 0, cr = 0;

	if (memchr(raw, '\0', len) != NULL)
		return 0;
	for (p = raw; (q = memchr(p, '\n', (size_t)(end - p))) != NULL;
	    p = q + 1) {
		if (q == raw || q[-1] != '\r')
			return 0;
		lf++;
	}
	for (p = raw; (q = memchr(p, '\r', (size_t)(end - p))) != NULL;
	    p = q + 1)
		cr++;
	return cr == lf;
}

static char *
mime_normalize(struct mime_ctx *ctx, const char *raw, size_t len,
    size_t *outlen)
{
	char	*out;
	int	 w = 0;

	*outlen = mime_crlf(raw, len, NULL, &w);
	out = xmalloc(*outlen + 1);
	mime_crlf(raw, len, out, &w);
	out[*outlen] = '\0';
	ctx->msg->warnings |= w;
	return out;
}

/* Finds the line at p; returns the next one and its length sans EOL. */
static const char *
mime_line(const char *p, const char *end, size_t *len)
{
	const char	*nl;

	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
		*len = (size_t)(end - p);
		return end;
	}
	*len = (size_t)(nl - p);
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	return nl + 1;
}

static void
mime_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Trims spaces and tabs at both ends, in place. */
static char *
mime_trim(char *s)
{
	size_t	n, k;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	k = strspn(s, " \t");
	memmove(s, s + k, n - k + 1);
	return s;
}

/*
 * Charsets.
 */

/* Maps a label to a converter; code gets the iconv name. */
static enum mime_cs
mime_charset(const char *label, char *code, size_t size)
{
	char	l[MIME_MAX_LABEL + 1];
	size_t	i, n;

	if (label == NULL)
		return MIME_CS_UTF8;
	label += strspn(label, " \t\"'");
	n = strcspn(label, " \t\"'");
	if (n == 0)
		return MIME_CS_UTF8;
	if (n > MIME_MAX_LABEL)
		return MIME_CS_UNKNOWN;
	memcpy(l, label, n);
	l[n] = '\0';
	mime_lower(l);
	if (strspn(l, "abcdefghijklmnopqrstuvwxyz0123456789-_.:+") != n)
		return MIME_CS_UNKNOWN;
	for (i = 0; i < sizeof(mime_aliases) / sizeof(mime_aliases[0]); i++) {
		if (strcmp(l, mime_aliases[i].label) != 0)
			continue;
		if (mime_aliases[i].code != NULL)
			snprintf(code, size, "%s", mime_aliases[i].code);
		return mime_aliases[i].cs;
	}
	snprintf(code, size, "%s", l);
	return MIME_CS_ICONV;
}

/* Returns a converter from code to UTF-8, cached, or (iconv_t)-1. */
static iconv_t
mime_iconv_open(struct mime_ctx *ctx, const char *code)
{
	if (strcmp(ctx->cvcode, code) == 0) {
		if (ctx->cv != (iconv_t)-1)
			iconv(ctx->cv, NULL, NULL, NULL, NULL);
		return ctx->cv;
	}
	if (ctx->cv != (iconv_t)-1)
		iconv_close(ctx->cv);
	ctx->cv = iconv_open("UTF-8", code);
	snprintf(ctx->cvcode, sizeof(ctx->cvcode), "%s", code);
	return ctx->cv;
}

/* Converts with iconv; a bad or cut sequence becomes U+FFFD. */
static void
mime_iconv(iconv_t cd, const char *s, size_t n, struct buf *out, int *bad)
{
	char	 tmp[4096], *in = (char *)(uintptr_t)s, *o;
	size_t	 left = n, oleft, r;

	while (left > 0) {
		o = tmp;
		oleft = sizeof(tmp);
		r = iconv(cd, &in, &left, &o, &oleft);
		buf_add(out, tmp, (size_t)(o - tmp));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		*bad = 1;
		buf_add(out, "\xef\xbf\xbd", 3);
		if (errno != EILSEQ)
			break;
		in++;
		left--;
	}
	o = tmp;
	oleft = sizeof(tmp);
	iconv(cd, NULL, NULL, &o, &oleft);
	buf_add(out, tmp, (size_t)(o - tmp));
}

/* Appends s, in charset label, to out as UTF-8 (never fails). */
static void
mime_conv(struct mime_ctx *ctx, const char *s, size_t n, const char *label,
    struct buf *out)
{
	char	code[MIME_MAX_LABEL + 1];
	int	bad = 0;
	iconv_t	cd;

	if (s == NULL)			/* an empty struct buf */
		s = "";
	switch (mime_charset(label, code, sizeof(code))) {
	case MIME_CS_UTF8:
		mime_besteffort(s, n, out, &bad);
		break;
	case MIME_CS_CP1252:
		mime_cp1252_str(s, n, out);
		break;
	case MIME_CS_ICONV:
		if ((cd = mime_iconv_open(ctx, code)) != (iconv_t)-1) {
			mime_iconv(cd, s, n, out, &bad);
			break;
		}
		/* FALLTHROUGH */
	case MIME_CS_UNKNOWN:
		ctx->msg->warnings |= MIME_W_UNKNOWN_CHARSET;
		mime_besteffort(s, n, out, &bad);
		return;
	}
	if (bad)
		ctx->msg->warnings |= MIME_W_BAD_CHARSET;
}

/*
 * Transfer encodings.
 */

/* Each byte's base64 value, or -1 (a table: no branch per byte). */
static const signed char mime_b64_tab[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static int
mime_b64_val(char c)
{
	return mime_b64_tab[(unsigned char)c];
}

static int
mime_b64_char(char c)
{
	return mime_b64_val(c) >= 0;
}

static int
mime_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
mime_b64_ok(const char *s, size_t n)
{
	size_t	i, count = 0, pad = 0;

	for (i = 0; i < n; i++) {
		if (mime_b64_char(s[i])) {
			if (pad > 0)
				return 0;
			count++;
		} else if (s[i] == '=') {
			if (++pad > 2)
				return 0;
			count++;
		} else if (!mime_blank(s[i]))
			return 0;
	}
	return count % 4 == 0;
}

static void
mime_b64_pad(struct buf *out, size_t seg)
{
	if (seg % 4 == 1)
		buf_truncate(out, out->len - 1);
	else if (seg % 4 == 2)
		buf_add(out, "==", 2);
	else if (seg % 4 == 3)
		buf_addch(out, '=');
}

/*
 * Repairs broken base64 before decoding: bytes outside the alphabet go,
 * and each run up to a padding sign is padded on its own, so that
 * concatenated blobs and a cut last line still decode.
 */
static void
mime_b64_fix(const char *s, size_t n, struct buf *out)
{
	size_t	i, seg = 0;

	for (i = 0; i < n; i++) {
		if (mime_b64_char(s[i])) {
			buf_addch(out, s[i]);
			seg++;
		} else if (s[i] == '=' && seg > 0) {
			mime_b64_pad(out, seg);
			seg = 0;
		}
	}
	mime_b64_pad(out, seg);
}

static int
mime_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
	    (c >= 'a' && c <= 'f');
}

static int
mime_qp_ok(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (s[i] != '=')
			continue;
		if (i + 2 < n && mime_hex(s[i + 1]) && mime_hex(s[i + 2])) {
			i += 2;
			continue;
		}
		while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			i++;
		if (i + 1 < n && s[i + 1] != '\r' && s[i + 1] != '\n')
			return 0;
	}
	return 1;
}

/* Four bytes of the base64 alphabet at s: 1 and their 24 bits. */
static int
mime_b64_quad(const char *s, uint32_t *acc)
{
	const unsigned char	*u = (const unsigned char *)s;
	int			 a, b, c, d;

	a = mime_b64_tab[u[0]];
	b = mime_b64_tab[u[1]];
	c = mime_b64_tab[u[2]];
	d = mime_b64_tab[u[3]];
	if ((a | b | c | d) < 0)
		return 0;
	*acc = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 |
	    (uint32_t)d;
	return 1;
}

/*
 * Decodes base64 straight into one buffer, checking it as mime_b64_ok()
 * does on the way; NULL when it is not valid.  libetpan's decoder builds
 * its own buffer and the copy out of it doubled the peak of a big
 * attachment; a separate checking pass cost a second walk over it.
 */
static char *
mime_b64_decode(const char *s, size_t n, size_t *outlen)
{
	unsigned char	*out;
	uint32_t	 acc = 0;
	size_t		 i, k = 0, o = 0, count = 0, pad = 0;
	int		 v;

	out = xmalloc(n / 4 * 3 + 4);
	for (i = 0; i < n; i++) {
		/* Whole quads of the alphabet (nearly all of it): at once. */
		while (k == 0 && pad == 0 && n - i >= 4 &&
		    mime_b64_quad(s + i, &acc)) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			count += 4;
			i += 4;
			acc = 0;
		}
		if (i == n)
			break;
		if ((v = mime_b64_val(s[i])) < 0) {
			if (s[i] == '=' && ++pad <= 2)
				count++;
			else if (s[i] == '=' || !mime_blank(s[i]))
				goto bad;
			continue;
		}
		if (pad > 0)
			goto bad;
		count++;
		acc = acc << 6 | (uint32_t)v;
		if (++k < 4)
			continue;
		out[o++] = (unsigned char)(acc >> 16);
		out[o++] = (unsigned char)(acc >> 8);
		out[o++] = (unsigned char)acc;
		acc = 0;
		k = 0;
	}
	if (count % 4 != 0)
		goto bad;
	if (k == 3) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	} else if (k == 2)
		out[o++] = (unsigned char)(acc >> 4);
	out[o] = '\0';
	*outlen = o;
	return (char *)out;
bad:
	free(out);
	return NULL;
}

/* Decodes a body; an unknown or broken encoding gives the raw bytes. */
static char *
mime_cte_decode(struct mime_ctx *ctx, const char *cte, const char *p,
    size_t n, size_t *outlen)
{
	struct buf	 fix;
	char		*r, *out;
	size_t		 idx = 0, rlen;
	int		 mech;

	*outlen = n;
	if (cte == NULL || *cte == '\0' || strcmp(cte, "7bit") == 0 ||
	    strcmp(cte, "8bit") == 0 || strcmp(cte, "binary") == 0)
		return xmemdup(p, n);
	if (strcmp(cte, "base64") == 0 && n > 0 &&
	    (out = mime_b64_decode(p, n, outlen)) != NULL)
		return out;
	buf_init(&fix);
	if (strcmp(cte, "base64") == 0) {
		mech = MAILMIME_MECHANISM_BASE64;
		if (n > 0) {	/* mime_b64_decode() refused it */
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
			mime_b64_fix(p, n, &fix);
			p = fix.data;
			n = fix.len;
		}
	} else if (strcmp(cte, "quoted-printable") == 0) {
		mech = MAILMIME_MECHANISM_QUOTED_PRINTABLE;
		if (!mime_qp_ok(p, n))
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
	} else {
		ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		return xmemdup(p, n);
	}
	/*
	 * libetpan's decoders read a byte past the end (a NUL there stops
	 * them); the message may be parsed in place, not NUL-terminated.
	 */
	if (n > 0 && p != fix.data) {
		buf_add(&fix, p, n);
		p = fix.data;
	}
	if (n == 0 || mailmime_part_parse(p, n, &idx, mech, &r, &rlen) !=
	    MAILIMF_NO_ERROR) {
		if (n > 0)
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		*outlen = n;
		out = xmemdup(n > 0 ? p : "", n);
		buf_free(&fix);
		return out;
	}
	buf_free(&fix);
	out = xmalloc(rlen + 1);
	memcpy(out, r, rlen);
	out[rlen] = '\0';
	mailmime_decoded_part_free(r);
	*outlen = rlen;
	return out;
}

/*
 * RFC 2047 encoded words.
 */

/* Parses "=?cs?e?text?=" at s; returns its end, or NULL. */
static const char *
mime_ew(const char *s, const char *end, char *cs, char *enc,
    struct mime_range *text)
{
	const char	*p, *q;
	size_t		 n;

	p = s + 2;
	for (q = p; q < end && *q != '?'; q++)
		if ((unsigned char)*q <= ' ' || q - p > MIME_MAX_LABEL)
			return NULL;
	n = (size_t)(q - p);
	if (n == 0 || n > MIME_MAX_LABEL || end - q < 3 || q[2] != '?')
		return NULL;
	if (strchr("BbQq", q[1]) == NULL || q[1] == '\0')
		return NULL;
	memcpy(cs, p, n);
	cs[n] = '\0';
	cs[strcspn(cs, "*")] = '\0';		/* RFC 2231 language */
	*enc = q[1];
	p = q + 3;
	for (q = p; q < end && *q != '?' && *q != ' ' && *q != '\t'; q++)
		;
	if (end - q < 2 || q[0] != '?' || q[1] != '=')
		return NULL;
	text->p = p;
	text->len = (size_t)(q - p);
	return q + 2;
}

/* Appends the decoded bytes of one encoded word's text. */
static void
mime_ew_decode(struct mime_ctx *ctx, char enc, struct mime_range t,
    struct buf *raw)
{
	struct buf	 fix;
	char		*r;
	size_t		 idx = 0, rlen;
	int		 e;

	if (t.len == 0)
		return;
	if (enc == 'B' || enc == 'b') {
		buf_init(&fix);
		if (!mime_b64_ok(t.p, t.len)) {
			ctx->msg->warnings |= MIME_W_BAD_ENCODING;
			mime_b64_fix(t.p, t.len, &fix);
			t.p = fix.data != NULL ? fix.data : "";
			t.len = fix.len;
		}
		e = mailmime_base64_body_parse(t.p, t.len, &idx, &r, &rlen);
		buf_free(&fix);
	} else
		e = mailmime_quoted_printable_body_parse(t.p, t.len, &idx, &r,
		    &rlen, 1);
	if (e != MAILIMF_NO_ERROR) {
		ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		return;
	}
	buf_add(raw, r, rlen);
	mailmime_decoded_part_free(r);
}

static void
mime_ew_flush(struct mime_ctx *ctx, struct buf *raw, const char *cs,
    struct buf *out)
{
	if (raw->len == 0)
		return;
	mime_conv(ctx, raw->data, raw->len, cs, out);
	buf_truncate(raw, 0);
}

/*
 * Decodes the encoded words in s (UTF-8).  White space between two
 * words goes; adjacent words in one charset are joined before
 * conversion, so a character split across two words survives.
 */
static void
mime_2047(struct mime_ctx *ctx, const char *s, size_t n, struct buf *out)
{
	const char		*end = s + n, *e, *ws = NULL;
	char			 cs[MIME_MAX_LABEL + 1];
	char			 pcs[MIME_MAX_LABEL + 1];
	char			 enc;
	struct mime_range	 t;
	struct buf		 raw;
	int			 after = 0;

	buf_init(&raw);
	pcs[0] = '\0';
	while (s < end) {
		if (end - s > 1 && s[0] == '=' && s[1] == '?' &&
		    (e = mime_ew(s, end, cs, &enc, &t)) != NULL) {
			if (strcasecmp(cs, pcs) != 0)
				mime_ew_flush(ctx, &raw, pcs, out);
			mime_ew_decode(ctx, enc, t, &raw);
			memcpy(pcs, cs, sizeof(pcs));
			ws = NULL;
			after = 1;
			s = e;
			continue;
		}
		if (after && (*s == ' ' || *s == '\t')) {
			if (ws == NULL)
				ws = s;
			s++;
			continue;
		}
		mime_ew_flush(ctx, &raw, pcs, out);
		if (ws != NULL)
			buf_add(out, ws, (size_t)(s - ws));
		ws = NULL;
		after = 0;
		buf_addch(out, *s++);
	}
	mime_ew_flush(ctx, &raw, pcs, out);
	buf_free(&raw);
}

/*
 * Header fields.
 */

/* If line starts a field, returns the offset of its colon, else 0. */
static size_t
mime_field_colon(const char *line, size_t len)
{
	size_t	i, name;

	for (i = 0; i < len; i++)
		if (line[i] <= ' ' || line[i] == ':' || line[i] == 0x7f ||
		    (unsigned char)line[i] >= 0x80)
			break;
	name = i;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (name == 0 || i >= len || line[i] != ':')
		return 0;
	return i;
}

static void
mime_fields_add(struct mime_fields *fs, const char *line, size_t colon,
    size_t len)
{
	struct mime_field	*f;
	size_t			 namelen = colon;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap == 0 ? 16 : fs->cap * 2;
		fs->f = xreallocarray(fs->f, fs->cap, sizeof(*fs->f));
	}
	while (namelen > 0 && (line[namelen - 1] == ' ' ||
	    line[namelen - 1] == '\t'))
		namelen--;
	f = &fs->f[fs->n++];
	f->name = line;
	f->namelen = namelen;
	f->value = line + colon + 1;
	f->valuelen = len - colon - 1;
}

static int
mime_has8bit(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * Splits the header block at p into fs; returns where the body starts.
 * A line that is neither a field nor a continuation ends the block and
 * is the first line of the body.
 */
static const char *
mime_fields_split(const char *p, const char *end, struct mime_fields *fs,
    int *w)
{
	const char		*next;
	struct mime_field	*last;
	size_t			 len, colon;

	while (p < end) {
		next = mime_line(p, end, &len);
		if (len == 0)
			return next;
		if ((*p == ' ' || *p == '\t') && fs->n > 0) {
			last = &fs->f[fs->n - 1];
			last->valuelen = (size_t)(p + len - last->value);
		} else if ((colon = mime_field_colon(p, len)) > 0)
			mime_fields_add(fs, p, colon, len);
		else
			return p;
		if (mime_has8bit(p, len))
			*w |= MIME_W_8BIT_HEADER;
		p = next;
	}
	return end;
}

static const struct mime_field *
mime_fields_find(const struct mime_fields *fs, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < fs->n; i++)
		if (fs->f[i].namelen == n &&
		    strncasecmp(fs->f[i].name, name, n) == 0)
			return &fs->f[i];
	return NULL;
}

/* Unfolds and trims a raw value; 8-bit bytes made UTF-8, best effort. */
static char *
mime_unfold(const char *v, size_t n)
{
	struct buf	 b;
	char		*s;
	size_t		 i, j = 0;
	int		 bad = 0;

	s = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		if (v[i] != '\r' && v[i] != '\n')
			s[j++] = v[i];
	s[j] = '\0';
	mime_trim(s);
	if (!mime_has8bit(s, strlen(s)))
		return s;
	buf_init(&b);
	mime_besteffort(s, strlen(s), &b, &bad);
	free(s);
	return buf_release(&b, NULL);
}

/* The decoded, cleaned text of a raw header value. */
static char *
mime_hdr_text(struct mime_ctx *ctx, const char *v, size_t n)
{
	struct buf	 d;
	char		*u, *r;

	u = mime_unfold(v, n);
	buf_init(&d);
	mime_2047(ctx, u, strlen(u), &d);
	r = mime_clean(ctx, d.data, d.len, 1);
	buf_free(&d);
	free(u);
	return r;
}

/* The lower-cased, unfolded value of a field, or NULL. */
static char *
mime_field_lower(const struct mime_fields *fs, const char *name)
{
	const struct mime_field	*f;
	char			*v;

	if ((f = mime_fields_find(fs, name)) == NULL)
		return NULL;
	v = mime_unfold(f->value, f->valuelen);
	mime_lower(v);
	return v;
}

/*
 * Content-Type and Content-Disposition, with RFC 2231 parameters.
 */

static void
mime_param_add(struct mime_ctype *ct, const char *name, size_t n,
    struct buf *value)
{
	struct mime_param	*p;

	if (ct->nparams == ct->cap) {
		ct->cap = ct->cap == 0 ? 8 : ct->cap * 2;
		ct->params = xreallocarray(ct->params, ct->cap,
		    sizeof(*ct->params));
	}
	p = &ct->params[ct->nparams++];
	p->name = xstrndup(name, n);
	mime_lower(p->name);
	p->value = buf_release(value, NULL);
}

/* Reads a quoted string after its opening quote; returns its end. */
static const char *
mime_quoted(const char *s, struct buf *v)
{
	for (; *s != '\0' && *s != '"'; s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		buf_addch(v, *s);
	}
	return *s == '"' ? s + 1 : s;
}

static void
mime_params_parse(const char *s, struct mime_ctype *ct)
{
	const char	*n0, *n1, *v0, *v1;
	struct buf	 v;

	while (*s != '\0') {
		s += strspn(s, "; \t");
		n0 = s;
		s += strcspn(s, "=;");
		if (*s != '=')
			continue;
		for (n1 = s; n1 > n0 && (n1[-1] == ' ' || n1[-1] == '\t'); n1--)
			;
		s++;
		s += strspn(s, " \t");
		buf_init(&v);
		if (*s == '"') {
			s = mime_quoted(s + 1, &v);
			s += strcspn(s, ";");
		} else {
			v0 = s;
			s += strcspn(s, ";");
			for (v1 = s; v1 > v0 && (v1[-1] == ' ' ||
			    v1[-1] == '\t'); v1--)
				;
			buf_add(&v, v0, (size_t)(v1 - v0));
		}
		if (n1 > n0)
			mime_param_add(ct, n0, (size_t)(n1 - n0), &v);
		else
			buf_free(&v);
	}
}

/* A media type is token "/" token; a disposition type one token. */
static int
mime_type_ok(const char *t, int slash)
{
	const char	*tok = "abcdefghijklmnopqrstuvwxyz0123456789"
			    "!#$&-^_.+";
	size_t		 n;

	n = strspn(t, tok);
	if (!slash)
		return n > 0 && t[n] == '\0';
	if (n == 0 || t[n] != '/')
		return 0;
	t += n + 1;
	n = strspn(t, tok);
	return n > 0 && t[n] == '\0';
}

static void
mime_ctype_get(struct mime_ctx *ctx, const struct mime_fields *fs,
    const char *name, struct mime_ctype *ct, int slash)
{
	const struct mime_field	*f;
	char			*v;
	size_t			 n;

	memset(ct, 0, sizeof(*ct));
	if ((f = mime_fields_find(fs, name)) == NULL)
		return;
	v = mime_unfold(f->value, f->valuelen);
	n = strcspn(v, ";");
	if (n <= MIME_MAX_TYPE) {
		memcpy(ct->type, v, n);
		ct->type[n] = '\0';
		mime_trim(ct->type);
		mime_lower(ct->type);
	}
	if (!mime_type_ok(ct->type, slash)) {
		if (slash && *v != '\0')
			ctx->msg->warnings |= MIME_W_BAD_STRUCTURE;
		ct->type[0] = '\0';
	}
	if (v[n] == ';')
		mime_params_parse(v + n + 1, ct);
	free(v);
}

static void
mime_ctype_free(struct mime_ctype *ct)
{
	size_t	i;

	for (i = 0; i < ct->nparams; i++) {
		free(ct->params[i].name);
		free(ct->params[i].value);
	}
	free(ct->params);
	memset(ct, 0, sizeof(*ct));
}

static const char *
mime_param_raw(const struct mime_ctype *ct, const char *name)
{
	size_t	i;

	for (i = 0; i < ct->nparams; i++)
		if (strcmp(ct->params[i].name, name) == 0)
			return ct->params[i].value;
	return NULL;
}

/* Splits "charset'lang'value"; returns the value. */
static const char *
mime_2231_charset(const char *v, char *cs, size_t size)
{
	const char	*q1, *q2;

	if ((q1 = strchr(v, '\'')) == NULL ||
	    (q2 = strchr(q1 + 1, '\'')) == NULL)
		return v;
	if ((size_t)(q1 - v) < size) {
		memcpy(cs, v, (size_t)(q1 - v));
		cs[q1 - v] = '\0';
	}
	return q2 + 1;
}

static void
mime_pct(const char *s, struct buf *out)
{
	char	h[3];

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && mime_hex(s[1]) && mime_hex(s[2])) {
			h[0] = s[1];
			h[1] = s[2];
			h[2] = '\0';
			buf_addch(out, (char)strtol(h, NULL, 16));
			s += 2;
		} else
			buf_addch(out, *s);
	}
}

/* Gathers name* or name*0, name*1... into raw; returns 1 if found. */
static int
mime_param_2231(const struct mime_ctype *ct, const char *name,
    struct buf *raw, char *cs, size_t size)
{
	char		 key[64];
	const char	*v;
	int		 k;

	snprintf(key, sizeof(key), "%s*", name);
	if ((v = mime_param_raw(ct, key)) != NULL) {
		mime_pct(mime_2231_charset(v, cs, size), raw);
		return 1;
	}
	for (k = 0; k < MIME_MAX_SECTIONS; k++) {
		snprintf(key, sizeof(key), "%s*%d*", name, k);
		if ((v = mime_param_raw(ct, key)) != NULL) {
			if (k == 0)
				v = mime_2231_charset(v, cs, size);
			mime_pct(v, raw);
			continue;
		}
		snprintf(key, sizeof(key), "%s*%d", name, k);
		if ((v = mime_param_raw(ct, key)) == NULL)
			break;
		buf_addstr(raw, v);
	}
	return k > 0;
}

/* The decoded value of parameter name (RFC 2231, then 2047), or NULL. */
static char *
mime_param(struct mime_ctx *ctx, const struct mime_ctype *ct,
    const char *name)
{
	struct buf	 raw, u;
	char		 cs[MIME_MAX_LABEL + 1], *r;
	const char	*v;

	buf_init(&raw);
	cs[0] = '\0';
	if (mime_param_2231(ct, name, &raw, cs, sizeof(cs))) {
		buf_init(&u);
		mime_conv(ctx, raw.data, raw.len, cs, &u);
		r = mime_clean(ctx, u.data, u.len, 1);
		buf_free(&u);
		buf_free(&raw);
		return r;
	}
	buf_free(&raw);
	if ((v = mime_param_raw(ct, name)) == NULL)
		return NULL;
	return mime_hdr_text(ctx, v, strlen(v));
}

/*
 * Addresses and message ids.
 */

/* 1 if a is one addr-spec with nothing unsafe in it. */
static int
mime_addr_safe(const char *a)
{
	const char	*p, *at;

	p = a + addrspec_quoted_len(a);
	if ((at = strchr(p, '@')) == NULL || at == a || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || (p != a && p != at))
		return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("<>(),;:\"[]\\", *p) != NULL)
			return 0;
	return 1;
}

/*
 * The first mailbox's addr-spec, lower case, or "" if none is safe.
 * libetpan's answer counts only if it is in the value as it is (it
 * drops the spaces of a quoted local part and takes "Doe" from "Doe,
 * Jane <jane@...>"); else addrspec_recover() looks for one.
 */
static char *
mime_addr(const char *v)
{
	struct mailimf_mailbox_list	*mbl = NULL;
	struct mailimf_mailbox		*mb;
	const char			*p;
	char				*a = NULL;
	size_t				 idx = 0, parens = 0;

	for (p = v; *p != '\0'; p++)
		parens += *p == '(';
	if (strlen(v) <= MIME_MAX_ADDRPARSE && parens <= MIME_MAX_PARENS &&
	    mailimf_mailbox_list_parse(v, strlen(v), &idx, &mbl) ==
	    MAILIMF_NO_ERROR) {
		if (clist_begin(mbl->mb_list) != NULL) {
			mb = clist_content(clist_begin(mbl->mb_list));
			if (mb->mb_addr_spec != NULL &&
			    mime_addr_safe(mb->mb_addr_spec) &&
			    addrspec_literal(v, mb->mb_addr_spec))
				a = xstrdup(mb->mb_addr_spec);
		}
		mailimf_mailbox_list_free(mbl);
	}
	if (a == NULL && (a = addrspec_recover(v)) == NULL)
		return xstrdup("");
	mime_trim(a);
	mime_lower(a);
	if (!mime_addr_safe(a)) {
		free(a);
		return xstrdup("");
	}
	return a;
}

static void
mime_id_add(struct buf *b, const char *s, size_t n)
{
	size_t	i, start = b->len;

	if (start > 0)
		buf_addch(b, ' ');
	for (i = 0; i < n; i++)
		if (s[i] > ' ' && s[i] < 0x7f && s[i] != '<' && s[i] != '>')
			buf_addch(b, s[i]);
	if (b->len == start + (start > 0))
		buf_truncate(b, start);
}

/* The ids in v, without <>: the first, or all space separated. */
static char *
mime_ids(const char *v, int all)
{
	struct buf	 b;
	const char	*p = v, *q;
	size_t		 n;

	buf_init(&b);
	if (strchr(v, '<') == NULL) {
		while (*(p += strspn(p, " \t,")) != '\0' && (all || !b.len)) {
			n = strcspn(p, " \t,");
			mime_id_add(&b, p, n);
			p += n;
		}
		return buf_release(&b, NULL);
	}
	while ((p = strchr(p, '<')) != NULL && (all || b.len == 0)) {
		if ((q = strpbrk(p + 1, "<>")) == NULL)
			break;
		if (*q == '>')
			mime_id_add(&b, p + 1, (size_t)(q - p - 1));
		p = *q == '>' ? q + 1 : q;
	}
	return buf_release(&b, NULL);
}

/*
 * Body text.
 */

/* Ends the text with a blank line unless it is empty. */
static void
mime_text_sep(struct mime_ctx *ctx)
{
	struct buf	*t = &ctx->text;

	if (t->len == 0)
		return;
	if (t->data[t->len - 1] != '\n')
		buf_addch(t, '\n');
	if (t->len < 2 || t->data[t->len - 2] != '\n')
		buf_addch(t, '\n');
}

/* Appends a text/plain part, unflowed when it is format=flowed. */
static void
mime_plain(const struct mime_ctype *ct, const char *s, size_t n,
    struct buf *out)
{
	const char	*f = mime_param_raw(ct, "format");
	const char	*d = mime_param_raw(ct, "delsp");
	char		*t;

	if (strcmp(ct->type, "text/plain") != 0 || f == NULL ||
	    strcasecmp(f, "flowed") != 0) {
		buf_add(out, s, n);
		return;
	}
	t = mime_flowed_decode(s, n, d != NULL && strcasecmp(d, "yes") == 0);
	buf_addstr(out, t);
	free(t);
}

static void
mime_text_part(struct mime_ctx *ctx, const struct mime_ctype *ct,
    const char *data, size_t len)
{
	struct buf	 u;
	const char	*cs;
	char		 meta[MIME_MAX_LABEL + 1];
	int		 html;

	html = strcmp(ct->type, "text/html") == 0;
	if ((cs = mime_param_raw(ct, "charset")) == NULL && html)
		cs = mime_html_charset(data, len, meta, sizeof(meta));
	buf_init(&u);
	mime_conv(ctx, data, len, cs, &u);
	mime_text_sep(ctx);
	if (html) {
		if (mime_html(u.data, u.len, &ctx->text) == -1)
			ctx->msg->warnings |= MIME_W_NO_HTML_PARSER;
		ctx->nhtml++;
	} else {
		mime_plain(ct, u.data, u.len, &ctx->text);
		ctx->nplain++;
	}
	buf_free(&u);
}

/*
 * The entity tree.
 */

/* Lists an attachment; takes ownership of name and data (size bytes). */
static void
mime_attach(struct mime_ctx *ctx, char *name, const char *type, char *data,
    size_t size)
{
	struct mime_msg		*msg = ctx->msg;
	struct mime_attachment	*a;

	if (msg->nattachments == ctx->attcap) {
		ctx->attcap = ctx->attcap == 0 ? 4 : ctx->attcap * 2;
		msg->attachments = xreallocarray(msg->attachments,
		    ctx->attcap, sizeof(*msg->attachments));
	}
	a = &msg->attachments[msg->nattachments++];
	a->name = name != NULL ? name : xstrdup("");
	a->type = xstrdup(type[0] != '\0' ? type : "application/octet-stream");
	a->size = size;
	a->data = data;
}

static void
mime_leaf(struct mime_ctx *ctx, const struct mime_fields *fs,
    const struct mime_ctype *ct, struct mime_range body, int want_text)
{
	struct mime_ctype	 cd;
	char			*name, *cte, *data;
	size_t			 len;
	int			 attach;

	mime_ctype_get(ctx, fs, "Content-Disposition", &cd, 0);
	if ((name = mime_param(ctx, &cd, "filename")) == NULL)
		name = mime_param(ctx, ct, "name");
	attach = strcmp(cd.type, "attachment") == 0 || name != NULL ||
	    strncmp(ct->type, "text/", 5) != 0;
	mime_ctype_free(&cd);
	if (!attach && !want_text)
		return;
	cte = mime_field_lower(fs, "Content-Transfer-Encoding");
	data = mime_cte_decode(ctx, cte, body.p, body.len, &len);
	if (attach)
		mime_attach(ctx, name, ct->type, data, len);
	else {
		mime_text_part(ctx, ct, data, len);
		free(data);
	}
	free(cte);
}

static void
mime_part(struct mime_ctx *ctx, struct mime_range r, int depth,
    int want_text, const char *deftype)
{
	struct mime_fields	 fs;
	const char		*b;

	memset(&fs, 0, sizeof(fs));
	b = mime_fields_split(r.p, r.p + r.len, &fs, &ctx->msg->warnings);
	r.len -= (size_t)(b - r.p);
	r.p = b;
	mime_entity(ctx, &fs, r, depth, want_text, deftype);
	free(fs.f);
}

/* Is line a delimiter for boundary b?  close says it ends the parts. */
static int
mime_delim(const char *line, size_t len, const char *b, size_t blen,
    int *close)
{
	if (len < blen + 2 || line[0] != '-' || line[1] != '-' ||
	    memcmp(line + 2, b, blen) != 0)
		return 0;
	line += blen + 2;
	len -= blen + 2;
	*close = len >= 2 && line[0] == '-' && line[1] == '-';
	if (*close) {
		line += 2;
		len -= 2;
	}
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	return len == 0;
}

static void
mime_parts_add(struct mime_range **parts, size_t *n, size_t *cap,
    const char *start, const char *end)
{
	if (*n == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		*parts = xreallocarray(*parts, *cap, sizeof(**parts));
	}
	/* The line end before a delimiter belongs to the delimiter. */
	if (end > start && end[-1] == '\n')
		end--;
	if (end > start && end[-1] == '\r')
		end--;
	(*parts)[*n].p = start;
	(*parts)[(*n)++].len = (size_t)(end - start);
}

/* Splits a multipart body at boundary b; returns the number of parts. */
static size_t
mime_parts_split(struct mime_range body, const char *b,
    struct mime_range **parts, int *closed)
{
	const char	*p = body.p, *end = body.p + body.len, *next;
	const char	*start = NULL;
	size_t		 len, blen = strlen(b), n = 0, cap = 0;
	int		 close;

	*parts = NULL;
	*closed = 0;
	while (p < end) {
		next = mime_line(p, end, &len);
		if (len >= 2 && p[0] == '-' && p[1] == '-' &&
		    mime_delim(p, len, b, blen, &close)) {
			if (start != NULL)
				mime_parts_add(parts, &n, &cap, start, p);
			if (close) {
				*closed = 1;
				return n;
			}
			start = next;
		}
		p = next;
	}
	if (start != NULL)
		mime_parts_add(parts, &n, &cap, start, end);
	return n;
}

/* multipart/alternative: text/plain, else a multipart, else HTML. */
static size_t
mime_pick(struct mime_ctx *ctx, const struct mime_range *parts, size_t n)
{
	struct mime_fields	 fs;
	struct mime_ctype	 ct;
	size_t			 i, best = n - 1;
	int			 rank, bestrank = -1;

	for (i = 0; i < n; i++) {
		memset(&fs, 0, sizeof(fs));
		mime_fields_split(parts[i].p, parts[i].p + parts[i].len, &fs,
		    &ctx->msg->warnings);
		mime_ctype_get(ctx, &fs, "Content-Type", &ct, 1);
		if (ct.type[0] == '\0' || strcmp(ct.type, "text/plain") == 0)
			rank = 3;
		else if (strncmp(ct.type, "multipart/", 10) == 0)
			rank = 2;
		else if (strcmp(ct.type, "text/html") == 0)
			rank = 1;
		else
			rank = 0;
		if (rank > bestrank) {
			best = i;
			bestrank = rank;
		}
		mime_ctype_free(&ct);
		free(fs.f);
	}
	return best;
}

static void
mime_multipart(struct mime_ctx *ctx, const struct mime_ctype *ct,
    struct mime_range body, int depth, int want_text)
{
	static const struct mime_fields	 none;
	struct mime_ctype		 plain;
	struct mime_range		*parts;
	const char			*b, *deftype;
	size_t				 n, i, pick = SIZE_MAX;
	int				 closed;

	b = mime_param_raw(ct, "boundary");
	n = 0;
	parts = NULL;
	if (b == NULL || *b == '\0' || strlen(b) > MIME_MAX_BOUNDARY)
		ctx->msg->warnings |= MIME_W_BAD_STRUCTURE;
	else if ((n = mime_parts_split(body, b, &parts, &closed)) == 0 ||
	    !closed)
		ctx->msg->warnings |= MIME_W_BAD_BOUNDARY;
	if (n == 0) {
		/* No parts found: the body is the best text there is. */
		memset(&plain, 0, sizeof(plain));
		snprintf(plain.type, sizeof(plain.type), "text/plain");
		mime_leaf(ctx, &none, &plain, body, want_text);
		free(parts);
		return;
	}
	if (strcmp(ct->type, "multipart/alternative") == 0)
		pick = mime_pick(ctx, parts, n);
	deftype = strcmp(ct->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	for (i = 0; i < n; i++)
		mime_part(ctx, parts[i], depth + 1,
		    want_text && (pick == SIZE_MAX || pick == i), deftype);
	free(parts);
}

/* Writes the separator and the main headers of a forwarded message. */
static void
mime_forward_header(struct mime_ctx *ctx, struct mime_range body)
{
	static const char	*names[] = { "From", "Date", "Subject", "To" };
	const struct mime_field	*f;
	struct mime_fields	 fs;
	char			*v;
	size_t			 i;

	memset(&fs, 0, sizeof(fs));
	mime_fields_split(body.p, body.p + body.len, &fs, &ctx->msg->warnings);
	mime_text_sep(ctx);
	buf_addstr(&ctx->text, MIME_FORWARD_SEP);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((f = mime_fields_find(&fs, names[i])) == NULL)
			continue;
		v = mime_hdr_text(ctx, f->value, f->valuelen);
		buf_printf(&ctx->text, "%s: %s\n", names[i], v);
		free(v);
	}
	buf_addch(&ctx->text, '\n');
	free(fs.f);
}

/* A forwarded message (message/rfc822): made readable in the text. */
static void
mime_message(struct mime_ctx *ctx, const struct mime_fields *fs,
    struct mime_range body, int depth, int want_text)
{
	char	*cte, *data, *norm = NULL;
	size_t	 len;

	cte = mime_field_lower(fs, "Content-Transfer-Encoding");
	if (cte != NULL && (strcmp(cte, "base64") == 0 ||
	    strcmp(cte, "quoted-printable") == 0)) {
		/*
		 * RFC 2046 forbids encoding a message/rfc822; one such
		 * level is decoded, but copies of copies could make a small
		 * message cost memory many times its size.
		 */
		ctx->msg->warnings |= MIME_W_BAD_ENCODING;
		if (ctx->decoded) {
			mime_attach(ctx, NULL, "message/rfc822",
			    xmemdup(body.p, body.len), body.len);
			free(cte);
			return;
		}
		data = mime_cte_decode(ctx, cte, body.p, body.len, &len);
		norm = mime_normalize(ctx, data, len, &body.len);
		body.p = norm;
		free(data);
		ctx->decoded = 1;
	}
	if (want_text)
		mime_forward_header(ctx, body);
	mime_part(ctx, body, depth + 1, want_text, "text/plain");
	if (norm != NULL)
		ctx->decoded = 0;
	free(norm);
	free(cte);
}

static void
mime_entity(struct mime_ctx *ctx, const struct mime_fields *fs,
    struct mime_range body, int depth, int want_text, const char *deftype)
{
	struct mime_ctype	ct;

	if (depth > MIME_MAX_DEPTH) {
		ctx->msg->warnings |= MIME_W_TOO_DEEP;
		return;
	}
	mime_ctype_get(ctx, fs, "Content-Type", &ct, 1);
	if (ct.type[0] == '\0')
		snprintf(ct.type, sizeof(ct.type), "%s", deftype);
	if (strncmp(ct.type, "multipart/", 10) == 0)
		mime_multipart(ctx, &ct, body, depth, want_text);
	else if (strcmp(ct.type, "message/rfc822") == 0 ||
	    strcmp(ct.type, "message/global") == 0)
		mime_message(ctx, fs, body, depth, want_text);
	else
		mime_leaf(ctx, fs, &ct, body, want_text);
	mime_ctype_free(&ct);
}

/*
 * The top level.
 */

static char *
mime_dup_header(const struct mime_msg *msg, const char *name)
{
	const char	*v;

	v = mime_header(msg, name);
	return xstrdup(v != NULL ? v : "");
}

/* The raw (unfolded, UTF-8) value of the first field called name. */
static char *
mime_raw_value(const struct mime_fields *fs, const char *name)
{
	const struct mime_field	*f;

	if ((f = mime_fields_find(fs, name)) == NULL)
		return xstrdup("");
	return mime_unfold(f->value, f->valuelen);
}

static void
mime_headers(struct mime_ctx *ctx, const struct mime_fields *fs)
{
	struct mime_msg	*msg = ctx->msg;
	char		*v;
	size_t		 i;

	msg->headers = xcalloc(fs->n, sizeof(*msg->headers));
	for (i = 0; i < fs->n; i++) {
		msg->headers[i].name = xstrndup(fs->f[i].name,
		    fs->f[i].namelen);
		msg->headers[i].value = mime_hdr_text(ctx, fs->f[i].value,
		    fs->f[i].valuelen);
	}
	msg->nheaders = fs->n;
	msg->subject = mime_dup_header(msg, "Subject");
	msg->from = mime_dup_header(msg, "From");
	msg->to = mime_dup_header(msg, "To");
	msg->cc = mime_dup_header(msg, "Cc");
	msg->date = mime_dup_header(msg, "Date");
	v = mime_raw_value(fs, "From");
	msg->from_addr = mime_addr(v);
	free(v);
	v = mime_raw_value(fs, "Reply-To");
	msg->reply_to_addr = mime_addr(v);
	free(v);
	v = mime_raw_value(fs, "Message-ID");
	msg->message_id = mime_ids(v, 0);
	free(v);
	v = mime_raw_value(fs, "In-Reply-To");
	msg->in_reply_to = mime_ids(v, 0);
	free(v);
	v = mime_raw_value(fs, "References");
	msg->references = mime_ids(v, 1);
	free(v);
}

/* Skips an mbox "From " line, which is not a header. */
static const char *
mime_skip_mbox(const char *p, const char *end)
{
	const char	*next;
	size_t		 len;

	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return p;
	next = mime_line(p, end, &len);
	return mime_field_colon(p, len) > 0 ? p : next;
}

static void
mime_finish(struct mime_ctx *ctx)
{
	struct mime_msg	*msg = ctx->msg;
	char		*t;
	size_t		 n, k;

	t = mime_clean(ctx, ctx->text.data, ctx->text.len, 0);
	n = strlen(t);
	while (n > 0 && strchr(" \t\n", t[n - 1]) != NULL)
		t[--n] = '\0';
	k = strspn(t, "\n");
	memmove(t, t + k, n - k + 1);
	msg->text = t;
	msg->html_only = ctx->nhtml > 0 && ctx->nplain == 0;
	buf_free(&ctx->text);
	if (ctx->cv != (iconv_t)-1)
		iconv_close(ctx->cv);
}

struct mime_msg *
mime_parse(const char *raw, size_t len, int truncated)
{
	static const struct mime_fields	 none;
	struct mime_ctx			 ctx;
	struct mime_fields		 fs;
	struct mime_range		 body;
	const char			*p, *end;
	char				*norm;
	size_t				 nlen;

	memset(&ctx, 0, sizeof(ctx));
	ctx.msg = xcalloc(1, sizeof(*ctx.msg));
	ctx.cv = (iconv_t)-1;
	buf_init(&ctx.text);
	if (truncated)
		ctx.msg->warnings |= MIME_W_TRUNCATED;
	if (raw == NULL || len == 0) {
		ctx.msg->warnings |= MIME_W_EMPTY;
		mime_headers(&ctx, &none);
		mime_finish(&ctx);
		return ctx.msg;
	}
	/* Already CRLF without NULs (as IMAP sends it): parsed in place. */
	norm = NULL;
	nlen = len;
	if (!mime_is_crlf(raw, len))
		norm = mime_normalize(&ctx, raw, len, &nlen);
	p = norm != NULL ? norm : raw;
	end = p + nlen;
	memset(&fs, 0, sizeof(fs));
	p = mime_skip_mbox(p, end);
	body.p = mime_fields_split(p, end, &fs, &ctx.msg->warnings);
	body.len = (size_t)(end - body.p);
	if (fs.n == 0)
		ctx.msg->warnings |= MIME_W_NO_HEADERS;
	mime_headers(&ctx, &fs);
	mime_entity(&ctx, &fs, body, 0, 1, "text/plain");
	mime_finish(&ctx);
	free(fs.f);
	free(norm);
	return ctx.msg;
}

/* The length of raw's header block through its empty line, or len. */
static size_t
mime_header_len(const char *raw, size_t len)
{
	const char	*p = raw, *end = raw + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (nl == p || (nl - p == 1 && *p == '\r'))
			return (size_t)(nl + 1 - raw);
		p = nl + 1;
	}
	return len;
}

struct mime_msg *
mime_parse_headers(const char *raw, size_t len)
{
	return mime_parse(raw, raw != NULL ? mime_header_len(raw, len) : 0,
	    0);
}

void
mime_msg_free(struct mime_msg *msg)
{
	size_t	i;

	if (msg == NULL)
		return;
	free(msg->subject);
	free(msg->from);
	free(msg->from_addr);
	free(msg->reply_to_addr);
	free(msg->to);
	free(msg->cc);
	free(msg->date);
	free(msg->message_id);
	free(msg->in_reply_to);
	free(msg->references);
	for (i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	for (i = 0; i < msg->nattachments; i++) {
		free(msg->attachments[i].name);
		free(msg->attachments[i].type);
		if (msg->attachments[i].data != NULL) {
			crypto_wipe(msg->attachments[i].data,
			    msg->attachments[i].size);
			free(msg->attachments[i].data);
		}
	}
	free(msg->attachments);
	free(msg);
}

const char *
mime_header(const struct mime_msg *msg, const char *name)
{
	size_t	i;

	for (i = 0; i < msg->nheaders; i++)
		if (strcasecmp(msg->headers[i].name, name) == 0)
			return msg->headers[i].value;
	return NULL;
}

void
mime_strwarnings(int warnings, char *buf, size_t size)
{
	size_t	i, len = 0, n;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < sizeof(mime_warnings) / sizeof(mime_warnings[0]); i++) {
		if ((warnings & mime_warnings[i].bit) == 0)
			continue;
		n = strlen(mime_warnings[i].name) + (len > 0);
		if (len + n >= size)
			break;
		snprintf(buf + len, size - len, "%s%s", len > 0 ? "," : "",
		    mime_warnings[i].name);
		len += n;
	}
}

char *
mime_reply_references(const struct mime_msg *msg)
{
	char	*refs;

	if (msg->references[0] != '\0' && msg->message_id[0] != '\0')
		xasprintf(&refs, "%s %s", msg->references, msg->message_id);
	else
		refs = xstrdup(msg->references[0] != '\0' ? msg->references :
		    msg->message_id);
	return refs;
}

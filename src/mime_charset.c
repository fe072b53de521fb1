/*
 * mime_charset: turns the bytes of a text part, a header word or a
 * parameter into UTF-8, whatever charset they claim, and makes any text
 * safe to hand out (mime_clean).  Labels are mapped to what real senders
 * mean by them (Latin-1 is windows-1252, GB2312 is GB18030...);
 * windows-1252 has its own table and the rest go through iconv, one
 * converter cached per message.  An unknown label or a bad byte costs
 * only that text, decoded best-effort (UTF-8 where valid, windows-1252
 * for the rest), and sets a warning bit.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "mime.h"
#include "mime_priv.h"

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
void
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
char *
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

void
mime_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
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
void
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

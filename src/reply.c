/*
 * reply: splits a reply into blocks and keeps the writer's own.
 *
 * Every line is one of: quote ('>' first), attribution ("On ... wrote:"
 * and its translations, see commands_quote_kind, plus Korean "...님이
 * 작성:" / "... 작성:" and Japanese "...:" after a date with 年 月 日,
 * "...のメッセージ:", "...さんは書きました:"), signature separator, the
 * start of an unquoted Outlook original ("-----Original Message-----",
 * the "____" rule, a From:/Sent: header block in six languages), blank,
 * or text.  An attribution counts only when the next non-blank line is
 * a quote or the text ends; otherwise ("he wrote:" in prose) it is text.
 * After an Outlook original everything is quote; a signature runs to
 * the next quote line or the end.  The remaining text lines form the
 * new-text blocks, split by quote blocks.  With two or more blocks the
 * reply is interleaved, and its relay keeps the quote block right
 * before each answer as context.  Nothing here logs.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "commands.h"
#include "reply.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum reply_kind {
	RK_TEXT = 0,
	RK_BLANK,
	RK_QUOTE,
	RK_ATTR,	/* an attribution line, dropped */
	RK_SIG,		/* the signature, dropped */
	RK_ORIGINAL	/* the unquoted original: dropped to the end */
};

struct reply_line {
	const char	*p;
	size_t		 len;
	enum reply_kind	 kind;
};

/* Endings of a CJK attribution line (UTF-8), before the ':' */
static const char *const reply_cjk_ends[] = {
	"\xec\x9e\x91\xec\x84\xb1",				/* 작성 */
	"\xe3\x81\xae\xe3\x83\xa1\xe3\x83\x83\xe3\x82\xbb\xe3\x83\xbc"
	    "\xe3\x82\xb8",					/* のメッセージ */
	"\xe3\x81\x95\xe3\x82\x93\xe3\x81\xaf\xe6\x9b\xb8\xe3\x81\x8d"
	    "\xe3\x81\xbe\xe3\x81\x97\xe3\x81\x9f"		/* さんは書きました */
};

/* A Japanese date holds all of these. */
static const char *const reply_ja_date[] = {
	"\xe5\xb9\xb4", "\xe6\x9c\x88", "\xe6\x97\xa5"		/* 年 月 日 */
};

static const char *
reply_next(const char *p, size_t *len)
{
	size_t	n;

	if (*p == '\0')
		return NULL;
	n = strcspn(p, "\n");
	*len = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
	return p[n] == '\n' ? p + n + 1 : p + n;
}

static int
reply_blank(const char *p, size_t len)
{
	return strspn(p, " \t\r") >= len;
}

static int
reply_has(const char *p, size_t len, const char *s)
{
	size_t	i, n = strlen(s);

	for (i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return 1;
	return 0;
}

/* Korean and Japanese attribution lines. */
static int
reply_is_cjk_attribution(const char *p, size_t len)
{
	size_t	i, n;

	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len >= 3 && memcmp(p + len - 3, "\xef\xbc\x9a", 3) == 0)
		len -= 3;			/* full-width colon */
	else if (len > 0 && p[len - 1] == ':')
		len--;
	else
		return 0;
	while (len > 0 && p[len - 1] == ' ')
		len--;
	for (i = 0; i < nitems(reply_cjk_ends); i++) {
		n = strlen(reply_cjk_ends[i]);
		if (len >= n && memcmp(p + len - n, reply_cjk_ends[i], n) == 0)
			return 1;
	}
	for (i = 0; i < nitems(reply_ja_date); i++)
		if (!reply_has(p, len, reply_ja_date[i]))
			return 0;
	return 1;
}

/*
 * "NAME wrote:" with no date before it (GNU mail, many web mailers):
 * a line ending in one of these words and ':'.  Counts only when a
 * quote line follows (not at the end: "Then he wrote:" in prose).
 */
static const char *const reply_wrote[] = {
	"wrote:", "writes:", "a \xc3\xa9" "crit :", "a \xc3\xa9" "crit:",
	"escribi\xc3\xb3:", "schrieb:"
};

static int
reply_is_wrote(const char *p, size_t len)
{
	size_t	i, n;

	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	for (i = 0; i < nitems(reply_wrote); i++) {
		n = strlen(reply_wrote[i]);
		if (len > n && strncasecmp(p + len - n, reply_wrote[i], n) == 0)
			return 1;
	}
	return 0;
}

/* Is there a first non-blank line from i on, and is it a quote? */
static int
reply_quote_next(const struct reply_line *l, size_t n, size_t i)
{
	while (i < n && reply_blank(l[i].p, l[i].len))
		i++;
	return i < n && l[i].len > 0 && l[i].p[0] == '>';
}

/* Is the first non-blank line from i on a quote, or none left? */
static int
reply_quote_follows(const struct reply_line *l, size_t n, size_t i)
{
	while (i < n && reply_blank(l[i].p, l[i].len))
		i++;
	return i == n || (l[i].len > 0 && l[i].p[0] == '>');
}

/* Splits text into lines (the caller frees *out). */
static size_t
reply_lines(const char *text, struct reply_line **out)
{
	const char	*p = text, *next;
	size_t		 n = 0, cap = 16, len;

	*out = xcalloc(cap, sizeof(**out));
	while ((next = reply_next(p, &len)) != NULL) {
		if (n == cap) {
			cap *= 2;
			*out = xreallocarray(*out, cap, sizeof(**out));
		}
		(*out)[n].p = p;
		(*out)[n].len = len;
		n++;
		p = next;
	}
	return n;
}

/* Sets the kind of line i; returns how many lines it covers. */
static size_t
reply_kind(struct reply_line *l, size_t n, size_t i, int prevblank)
{
	const char		*next = i + 1 < n ? l[i + 1].p : "";
	enum commands_quote	 q;

	if (reply_blank(l[i].p, l[i].len)) {
		l[i].kind = RK_BLANK;
		return 1;
	}
	if (l[i].p[0] == '>') {
		l[i].kind = RK_QUOTE;
		return 1;
	}
	q = commands_quote_kind(l[i].p, l[i].len, next, i == 0, prevblank);
	if (q == CQ_SIG || q == CQ_ORIGINAL) {
		l[i].kind = q == CQ_SIG ? RK_SIG : RK_ORIGINAL;
		return 1;
	}
	if (q == CQ_NONE && reply_is_wrote(l[i].p, l[i].len) &&
	    reply_quote_next(l, n, i + 1)) {
		l[i].kind = RK_ATTR;
		return 1;
	}
	if (q == CQ_NONE && reply_is_cjk_attribution(l[i].p, l[i].len))
		q = CQ_ATTRIBUTION;
	if (q == CQ_ATTRIBUTION) {
		if (reply_quote_follows(l, n, i + 1)) {
			l[i].kind = RK_ATTR;
			return 1;
		}
		/* wrapped over two lines */
		if (i + 1 < n && !reply_blank(l[i + 1].p, l[i + 1].len) &&
		    reply_quote_follows(l, n, i + 2)) {
			l[i].kind = l[i + 1].kind = RK_ATTR;
			return 2;
		}
	}
	l[i].kind = RK_TEXT;
	return 1;
}

static void
reply_classify(struct reply_line *l, size_t n)
{
	size_t	i = 0, j;
	int	sig = 0;

	while (i < n) {
		j = reply_kind(l, n, i, i > 0 && l[i - 1].kind == RK_BLANK);
		if (l[i].kind == RK_ORIGINAL) {
			for (; i < n; i++)
				l[i].kind = RK_ORIGINAL;
			return;
		}
		if (l[i].kind == RK_SIG)
			sig = 1;
		else if (l[i].kind == RK_QUOTE)
			sig = 0;
		else if (sig)
			l[i].kind = RK_SIG;
		i += j;
	}
}

/*
 * Appends lines [a, e), blank lines around them trimmed (after them only
 * when trim), after a blank line when sep and not at the start.
 */
static void
reply_add(struct buf *b, const struct reply_line *l, size_t a, size_t e,
    int trim, int sep)
{
	size_t	i;

	while (trim && e > a && l[e - 1].kind == RK_BLANK)
		e--;
	while (a < e && l[a].kind == RK_BLANK)
		a++;
	if (a == e)
		return;
	if (sep && b->len > 0)
		buf_addch(b, '\n');
	for (i = a; i < e; i++) {
		buf_add(b, l[i].p, l[i].len);
		buf_addch(b, '\n');
	}
}

/* Writes the text (context 0) or the relay (context 1). */
static char *
reply_build(const struct reply_line *l, size_t n, int context)
{
	struct buf	b;
	size_t		i = 0, s, qs = 0, qe = 0;

	buf_init(&b);
	while (i < n) {
		if (l[i].kind == RK_QUOTE) {
			for (qs = i; i < n && (l[i].kind == RK_QUOTE ||
			    l[i].kind == RK_BLANK); i++)
				;
			qe = i;
			continue;
		}
		if (l[i].kind != RK_TEXT) {
			i++;
			continue;
		}
		for (s = i; i < n && (l[i].kind == RK_TEXT ||
		    l[i].kind == RK_BLANK); i++)
			;
		if (context && qe > qs) {
			reply_add(&b, l, qs, qe, 0, 1);
			reply_add(&b, l, s, i, 1, 0);
		} else
			reply_add(&b, l, s, i, 1, 1);
		qs = qe = 0;
	}
	return buf_release(&b, NULL);
}

static int
reply_count(const struct reply_line *l, size_t n)
{
	size_t	i;
	int	blocks = 0;

	for (i = 0; i < n; i++)
		if (l[i].kind == RK_TEXT && (i == 0 ||
		    (l[i - 1].kind != RK_TEXT && l[i - 1].kind != RK_BLANK) ||
		    blocks == 0))
			blocks++;
	return blocks;
}

void
reply_read(const char *text, struct reply *out)
{
	struct reply_line	*l;
	size_t			 n;

	memset(out, 0, sizeof(*out));
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	n = reply_lines(text, &l);
	reply_classify(l, n);
	out->nblocks = reply_count(l, n);
	out->text = reply_build(l, n, 0);
	out->relay = reply_build(l, n, out->nblocks >= 2);
	free(l);
}

char *
reply_relay_after(const struct reply *r, size_t n)
{
	const char	*p = r->relay, *q;
	struct buf	 b;

	if (n > strlen(r->text))
		n = strlen(r->text);
	for (; *p != '\0'; p++)
		if (strncmp(p, r->text, n) == 0 && (p == r->relay ||
		    p[-1] == '\n'))
			break;
	if (n == 0 || *p == '\0')
		return xstrdup(r->relay);
	q = p + n;
	while (*q == '\n')
		q++;
	buf_init(&b);
	buf_add(&b, r->relay, (size_t)(p - r->relay));
	buf_addstr(&b, q);
	return buf_release(&b, NULL);
}

static void
reply_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
reply_free(struct reply *r)
{
	reply_wipe(r->text);
	reply_wipe(r->relay);
	memset(r, 0, sizeof(*r));
}

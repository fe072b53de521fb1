/*
 * dedupe: builds the form of a message that deduplication hashes, so the
 * same mail delivered twice gives the same content hash.  Header fields
 * that relays and mail stores add or rewrite (the table below) are left
 * out, the others are unfolded and kept in order, and every line ends with
 * LF whether it came with CRLF or LF.  The body is kept as it is apart
 * from line endings.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "dedupe.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Trace and mail-store fields; a trailing '*' matches any suffix. */
static const char *const dedupe_trace[] = {
	"Received",
	"Return-Path",
	"Delivered-To",
	"X-Original-To",
	"Authentication-Results",
	"ARC-*",
	"Received-SPF",
	"X-Spam-*",
	"X-Virus-*",
	"Status",
	"X-Status",
	"X-Keywords",
	"X-UID",
	"Content-Length",
	"Lines",
	"X-Sieve*",
};

/* Where the form goes: a function given it a piece at a time. */
struct dedupe_out {
	dedupe_put_fn	 put;
	void		*arg;
};

/* The sink that makes the form one buffer. */
struct dedupe_buf {
	char	*buf;
	size_t	 len;
};

int
dedupe_trace_field(const char *name, size_t len)
{
	size_t	 i, n;

	for (i = 0; i < nitems(dedupe_trace); i++) {
		n = strlen(dedupe_trace[i]);
		if (dedupe_trace[i][n - 1] == '*') {
			if (len >= n - 1 &&
			    strncasecmp(name, dedupe_trace[i], n - 1) == 0)
				return 1;
		} else if (len == n && strncasecmp(name, dedupe_trace[i],
		    n) == 0)
			return 1;
	}
	return 0;
}

/* The length of the line at p without its CR LF or LF. */
static size_t
dedupe_line(const char *p, const char *end, const char **next)
{
	const char	*nl;
	size_t		 n;

	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	*next = nl < end ? nl + 1 : end;
	n = (size_t)(nl - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

static void
dedupe_put(struct dedupe_out *o, const char *p, size_t n)
{
	if (n > 0)
		o->put(o->arg, p, n);
}

/* Whether the field starting with this line is a trace field. */
static int
dedupe_field_dropped(const char *p, size_t n)
{
	const char	*colon;
	size_t		 nl;

	if ((colon = memchr(p, ':', n)) == NULL)
		return 0;
	nl = (size_t)(colon - p);
	while (nl > 0 && (p[nl - 1] == ' ' || p[nl - 1] == '\t'))
		nl--;
	return dedupe_trace_field(p, nl);
}

/* Copies the header, unfolded, without trace fields; returns the body. */
static const char *
dedupe_header(struct dedupe_out *o, const char *p, const char *end)
{
	const char	*next = end;
	size_t		 n;
	int		 keep = 0, open = 0;

	while (p < end) {
		n = dedupe_line(p, end, &next);
		if (n == 0)
			break;
		if (p[0] != ' ' && p[0] != '\t') {
			if (open)
				dedupe_put(o, "\n", 1);
			keep = !dedupe_field_dropped(p, n);
			open = keep;
		}
		if (keep)
			dedupe_put(o, p, n);
		p = next;
	}
	if (open)
		dedupe_put(o, "\n", 1);
	dedupe_put(o, "\n", 1);
	return p < end ? next : end;
}

void
dedupe_form_feed(const char *raw, size_t len, dedupe_put_fn put, void *arg)
{
	struct dedupe_out	 o = { put, arg };
	const char		*p, *end = raw + len, *next;
	size_t			 n;

	p = dedupe_header(&o, raw, end);
	while (p < end) {
		n = dedupe_line(p, end, &next);
		dedupe_put(&o, p, n);
		if (next > p + n)
			dedupe_put(&o, "\n", 1);
		p = next;
	}
}

static void
dedupe_buf_put(void *arg, const char *p, size_t n)
{
	struct dedupe_buf	*b = arg;

	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

char *
dedupe_form(const char *raw, size_t len, size_t *outlen)
{
	struct dedupe_buf	b;

	b.buf = xmalloc(len + 3);	/* a last field gains LF, LF */
	b.len = 0;
	dedupe_form_feed(raw, len, dedupe_buf_put, &b);
	b.buf[b.len] = '\0';
	*outlen = b.len;
	return b.buf;
}

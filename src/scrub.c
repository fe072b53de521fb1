/*
 * scrub: replaces what looks like an address with "<address>".  Around
 * each '@' the span grows over the characters an address (or a quoted
 * local part) can hold; enclosing angle brackets go with it.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "scrub.h"

#define SCRUB_MARK	"<address>"

/* A character of an address: not space, control, or a delimiter. */
static int
scrub_addr_char(unsigned char c)
{
	return c > 0x20 && c != 0x7f && strchr("<>()[],;:\"'", c) == NULL;
}

/* The start of the span around the '@' at at. */
static const char *
scrub_left(const char *text, const char *at)
{
	const char	*p = at;

	if (p > text && p[-1] == '"') {		/* "quoted local"@domain */
		for (p -= 1; p > text && p[-1] != '"'; p--)
			;
		if (p > text)
			p--;
	} else
		while (p > text && scrub_addr_char((unsigned char)p[-1]))
			p--;
	if (p > text && p[-1] == '<')
		p--;
	return p;
}

/* The end (one past) of the span around the '@' at at. */
static const char *
scrub_right(const char *start, const char *at)
{
	const char	*p = at + 1, *e;

	if (*p == '[' && (e = strchr(p, ']')) != NULL)	/* [127.0.0.1] */
		p = e + 1;
	else
		while (scrub_addr_char((unsigned char)*p))
			p++;
	if (*start == '<' && *p == '>')
		p++;
	return p;
}

char *
scrub_addresses(const char *text)
{
	struct buf	 b;
	const char	*p = text, *at, *l, *r;

	buf_init(&b);
	while ((at = strchr(p, '@')) != NULL) {
		l = scrub_left(p, at);
		r = scrub_right(l, at);
		buf_add(&b, p, (size_t)(l - p));
		buf_addstr(&b, SCRUB_MARK);
		p = r;
	}
	buf_addstr(&b, p);
	return buf_release(&b, NULL);
}

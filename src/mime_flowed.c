/*
 * mime_flowed: format=flowed decoding (RFC 3676).  A line ending in a
 * space is soft-broken and joins the next line of the same quote depth;
 * with DelSp=yes that space was added by the sender and goes (text in
 * scripts without spaces, such as Japanese).  Quote depth is the count
 * of leading '>'; quoted lines come out as ">" * depth + " " + text.
 * One stuffed space after the quote marks goes, the "-- " signature
 * separator is never flowed nor joined, and a blank line always ends
 * a paragraph.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mime_flowed.h"

struct flow_line {
	size_t		 depth;		/* leading '>' */
	const char	*text;		/* after quotes and stuffing */
	size_t		 len;
	int		 flowed;	/* ends in a soft break */
	int		 sig;		/* the "-- " separator */
};

struct flow {
	struct buf	 out;
	int		 open;		/* a paragraph awaits its next line */
	int		 trail;		/* it ends in a kept soft space */
	size_t		 depth;		/* of the open paragraph */
};

/* Splits the line at p (len bytes, no line end) into its parts. */
static void
flow_split(const char *p, size_t len, int delsp, struct flow_line *l)
{
	size_t	d = 0;

	while (d < len && p[d] == '>')
		d++;
	l->depth = d;
	if (d < len && p[d] == ' ')
		d++;
	l->text = p + d;
	l->len = len - d;
	l->sig = l->len == 3 && memcmp(l->text, "-- ", 3) == 0;
	l->flowed = !l->sig && l->len > 0 && l->text[l->len - 1] == ' ';
	if (l->flowed && delsp)
		l->len--;
}

/* Ends the open paragraph; its last soft space has nothing to join. */
static void
flow_close(struct flow *f)
{
	if (!f->open)
		return;
	if (f->trail && f->out.len > 0 && f->out.data[f->out.len - 1] == ' ')
		buf_truncate(&f->out, f->out.len - 1);
	buf_addch(&f->out, '\n');
	f->open = 0;
}

static void
flow_start(struct flow *f, const struct flow_line *l)
{
	size_t	i;

	for (i = 0; i < l->depth; i++)
		buf_addch(&f->out, '>');
	if (l->depth > 0 && l->len > 0)
		buf_addch(&f->out, ' ');
	f->depth = l->depth;
}

static void
flow_add(struct flow *f, const struct flow_line *l, int delsp)
{
	if (f->open && (l->depth != f->depth ||
	    (l->len == 0 && !l->flowed) || l->sig))
		flow_close(f);
	if (!f->open)
		flow_start(f, l);
	buf_add(&f->out, l->text, l->len);
	f->open = 1;
	f->trail = l->flowed && !delsp;
	if (!l->flowed)
		flow_close(f);
}

char *
mime_flowed_decode(const char *s, size_t n, int delsp)
{
	struct flow		 f;
	struct flow_line	 l;
	const char		*p = s, *end = s + n, *nl;
	size_t			 len;

	memset(&f, 0, sizeof(f));
	buf_init(&f.out);
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		flow_split(p, len, delsp, &l);
		flow_add(&f, &l, delsp);
		p = nl < end ? nl + 1 : end;
	}
	flow_close(&f);
	if (n > 0 && s[n - 1] != '\n' && f.out.len > 0)
		buf_truncate(&f.out, f.out.len - 1);
	return buf_release(&f.out, NULL);
}

/*
 * mime_cut: builds the stored form of a message over max_message_size
 * from the pieces imap fetched, and reads back its record of what was
 * left out.  The builder only joins bytes: the pieces keep the original
 * boundaries, so the result is the original message minus the parts it
 * does not hold.  The record is a few header fields at the top, plain
 * ASCII (a file name that is not is written as an RFC 2047 word), which
 * mime_parse() decodes like any header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "mime.h"
#include "mime_cut.h"
#include "xmalloc.h"

#define MIME_CUT_FIELD		"X-Conductd-Cut"
#define MIME_CUT_OMITTED	"X-Conductd-Omitted"
#define MIME_CUT_NAME_MAX	200	/* bytes of a file name recorded */

struct mime_cut {
	size_t		 size;
	size_t		 limit;
	struct buf	 record;	/* our header fields */
	struct buf	 top;		/* the message's header */
	struct buf	 body;
	char		*bound[MIME_CUT_MAX_DEPTH];
	size_t		 depth;
	size_t		 skip;		/* opens past the depth limit */
};

struct mime_cut *
mime_cut_new(size_t size, size_t limit)
{
	struct mime_cut	*c;

	c = xcalloc(1, sizeof(*c));
	c->size = size;
	c->limit = limit;
	buf_init(&c->record);
	buf_init(&c->top);
	buf_init(&c->body);
	return c;
}

void
mime_cut_free(struct mime_cut *c)
{
	size_t	i;

	if (c == NULL)
		return;
	buf_free(&c->record);
	buf_free(&c->top);
	buf_free(&c->body);
	for (i = 0; i < c->depth; i++)
		free(c->bound[i]);
	free(c);
}

/* Is line (len bytes, no line end) the start of one of our fields? */
static int
mime_cut_ours(const char *line, size_t len)
{
	static const char *const names[] = { MIME_CUT_FIELD, MIME_CUT_OMITTED };
	size_t			 i, n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		n = strlen(names[i]);
		if (len > n && strncasecmp(line, names[i], n) == 0 &&
		    (line[n] == ':' || line[n] == ' ' || line[n] == '\t'))
			return 1;
	}
	return 0;
}

/*
 * Appends a header block with CRLF line ends and one blank line at its
 * end; with strip, fields of our names (and their continuation lines)
 * are dropped.
 */
static void
mime_cut_block(struct buf *out, const char *p, size_t len, int strip)
{
	const char	*end = p + len, *nl;
	size_t		 n;
	int		 drop = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;			/* the blank line: the end */
		if (*p != ' ' && *p != '\t')
			drop = strip && mime_cut_ours(p, n);
		if (!drop) {
			buf_add(out, p, n);
			buf_add(out, "\r\n", 2);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	buf_add(out, "\r\n", 2);
}

void
mime_cut_header(struct mime_cut *c, const char *p, size_t len)
{
	buf_truncate(&c->top, 0);
	mime_cut_block(&c->top, p, len, 1);
	/* The blank line goes after our fields, in mime_cut_finish. */
	buf_truncate(&c->top, c->top.len - 2);
}

void
mime_cut_part(struct mime_cut *c, const char *p, size_t len)
{
	if (c->skip == 0)
		mime_cut_block(&c->body, p, len, 0);
}

void
mime_cut_body(struct mime_cut *c, const char *p, size_t len)
{
	if (c->skip == 0)
		buf_add(&c->body, p, len);
}

void
mime_cut_open(struct mime_cut *c, const char *boundary)
{
	if (c->skip > 0 || c->depth == MIME_CUT_MAX_DEPTH) {
		c->skip++;
		return;
	}
	c->bound[c->depth++] = xstrdup(boundary);
}

void
mime_cut_next(struct mime_cut *c)
{
	if (c->skip == 0 && c->depth > 0)
		buf_printf(&c->body, "\r\n--%s\r\n", c->bound[c->depth - 1]);
}

void
mime_cut_close(struct mime_cut *c)
{
	if (c->skip > 0) {
		c->skip--;
		return;
	}
	if (c->depth == 0)
		return;
	c->depth--;
	buf_printf(&c->body, "\r\n--%s--\r\n", c->bound[c->depth]);
	free(c->bound[c->depth]);
}

/* A token of a field: printable ASCII without spaces, or "-". */
static void
mime_cut_token(struct buf *b, const char *s, size_t max)
{
	size_t	n = 0;

	for (; s != NULL && *s != '\0' && n < max; s++, n++)
		buf_addch(b, *s > ' ' && *s < 0x7f ? *s : '_');
	if (n == 0)
		buf_addch(b, '-');
}

/* The file name as header text: as it is when plain, else a 2047 word. */
static void
mime_cut_name(struct buf *b, const char *name, const char *charset)
{
	size_t	n, i;
	int	plain = charset == NULL;

	n = strlen(name);
	if (n > MIME_CUT_NAME_MAX)
		n = MIME_CUT_NAME_MAX;
	for (i = 0; i < n && plain; i++)
		if ((unsigned char)name[i] < ' ' || (unsigned char)name[i] >=
		    0x7f)
			plain = 0;
	if (plain) {
		buf_add(b, name, n);
		return;
	}
	buf_addstr(b, "=?");
	mime_cut_token(b, charset != NULL ? charset : "utf-8", 40);
	buf_addstr(b, "?B?");
	buf_add_base64(b, (const unsigned char *)name, n);
	buf_addstr(b, "?=");
}

void
mime_cut_omit(struct mime_cut *c, const char *section, size_t octets,
    const char *type, size_t kept, const char *name, const char *charset)
{
	struct buf	*b = &c->record;

	buf_addstr(b, MIME_CUT_OMITTED ": ");
	mime_cut_token(b, section, 31);
	buf_printf(b, " %zu ", octets);
	mime_cut_token(b, type, 63);
	buf_printf(b, " %zu", kept);
	if (name != NULL && name[0] != '\0') {
		buf_addch(b, ' ');
		mime_cut_name(b, name, charset);
	}
	buf_addstr(b, "\r\n");
}

char *
mime_cut_finish(struct mime_cut *c, size_t *len)
{
	struct buf	out;
	char		*s;

	while (c->skip > 0 || c->depth > 0)
		mime_cut_close(c);
	buf_init(&out);
	buf_printf(&out, MIME_CUT_FIELD ": size=%zu limit=%zu\r\n", c->size,
	    c->limit);
	buf_add(&out, c->record.data, c->record.len);
	buf_add(&out, c->top.data, c->top.len);
	buf_add(&out, "\r\n", 2);
	buf_add(&out, c->body.data, c->body.len);
	mime_cut_free(c);
	s = buf_release(&out, len);
	return s;
}

/* Reads one X-Conductd-Omitted value into p; 0, or -1 if malformed. */
static int
mime_cut_read_part(const char *v, struct mime_cut_part *p)
{
	int	n = 0;

	memset(p, 0, sizeof(*p));
	if (sscanf(v, "%31s %zu %63s %zu%n", p->section, &p->octets, p->type,
	    &p->kept, &n) != 4)
		return -1;
	v += n;
	v += strspn(v, " \t");
	p->name = xstrdup(v);
	return 0;
}

static void
mime_cut_add(struct mime_cut_info *ci, const struct mime_cut_part *p)
{
	ci->parts = xreallocarray(ci->parts, ci->nparts + 1,
	    sizeof(*ci->parts));
	ci->parts[ci->nparts++] = *p;
}

int
mime_cut_read(const struct mime_msg *msg, struct mime_cut_info *ci)
{
	struct mime_cut_part	 p;
	const char		*v;
	size_t			 i;

	memset(ci, 0, sizeof(*ci));
	if ((v = mime_header(msg, MIME_CUT_FIELD)) == NULL ||
	    sscanf(v, "size=%zu limit=%zu", &ci->size, &ci->limit) != 2)
		return 0;
	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, MIME_CUT_OMITTED) != 0 ||
		    mime_cut_read_part(msg->headers[i].value, &p) == -1)
			continue;
		mime_cut_add(ci, &p);
	}
	return 1;
}

void
mime_cut_info_free(struct mime_cut_info *ci)
{
	size_t	i;

	for (i = 0; i < ci->nparts; i++)
		free(ci->parts[i].name);
	free(ci->parts);
	memset(ci, 0, sizeof(*ci));
}

/*
 * mime: turns one raw message into a struct mime_msg that the rest of
 * conductd can read without caring how the sender's client wrote it.
 *
 * This file holds the walk and the API of mime.h.  The raw bytes are
 * first normalized (NULs dropped, every line end made CRLF); the entity
 * tree is then walked here, line by line, with a depth limit: multiparts
 * split at their boundary, forwarded messages made readable in the text,
 * leaves kept as text or listed as attachments.  libetpan's
 * mailmime_parse() is not used for the walk: it recurses without a bound
 * (a deeply nested message would exhaust the stack), accepts a missing
 * boundary without saying so, and intake must read every report however
 * broken its structure.
 *
 * The pieces are read by siblings sharing mime_priv.h: mime_header.c
 * (header fields, RFC 2047 words, Content-Type and RFC 2231 parameters,
 * addresses, message ids), mime_cte.c (base64 and quoted-printable
 * bodies), mime_charset.c (charsets to UTF-8 through iconv, with a
 * best-effort fallback), mime_html.c (HTML through libxml2, opened when
 * first needed) and mime_flowed.c (format=flowed).  mime_cut.c builds
 * the stored form of a message too big to keep whole.  Nothing in them
 * logs: the caller logs the warning names with the message's UID.
 */
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crypto.h"
#include "mime.h"
#include "mime_priv.h"
#include "mime_flowed.h"
#include "xmalloc.h"

#define MIME_MAX_DEPTH		20	/* multipart and message nesting */
#define MIME_MAX_BOUNDARY	200	/* RFC 2046 says 70: be lenient */
#define MIME_FORWARD_SEP	"---------- Forwarded message ----------\n"

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

static void	mime_entity(struct mime_ctx *, const struct mime_fields *,
		    struct mime_range, int, int, const char *);

/*
 * Normalization.
 */

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

/* Keeps the label for the language guess (lang.c): lower case, cut. */
static void
mime_text_charset(struct mime_msg *msg, const char *cs)
{
	size_t	i;

	for (i = 0; cs[i] != '\0' && i + 1 < sizeof(msg->text_charset); i++)
		msg->text_charset[i] = cs[i] >= 'A' && cs[i] <= 'Z' ?
		    cs[i] - 'A' + 'a' : cs[i];
	msg->text_charset[i] = '\0';
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
	if (cs != NULL && ctx->msg->text_charset[0] == '\0')
		mime_text_charset(ctx->msg, cs);
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

size_t
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

void
mime_ctx_init(struct mime_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->msg = xcalloc(1, sizeof(*ctx->msg));
	ctx->cv = (iconv_t)-1;
	buf_init(&ctx->text);
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

	mime_ctx_init(&ctx);
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

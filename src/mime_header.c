/*
 * mime_header: reads header fields where they lie in the raw message.
 * It splits a header block into fields (pointing into the message, not
 * copied) and unfolds their values, decodes RFC 2047 encoded words,
 * parses Content-Type and Content-Disposition with their RFC 2231
 * parameters, and takes the address out of From or Reply-To and the ids
 * out of Message-ID, In-Reply-To and References.  Words and parameters
 * are handled here, not by libetpan, so that an unknown label or a bad
 * byte costs one word, not the header, and sets a warning bit; libetpan
 * decodes the B and Q text of a word and reads the RFC 5322 address
 * grammar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/mailimf.h>
#include <libetpan/mailmime.h>

#include "addrspec.h"
#include "buf.h"
#include "mime.h"
#include "mime_priv.h"
#include "xmalloc.h"

#define MIME_MAX_SECTIONS	100	/* RFC 2231 continuations */
#define MIME_MAX_ADDRPARSE	2048	/* longer: no libetpan address parse */
#define MIME_MAX_PARENS		32	/* libetpan recurses into comments */

struct mime_param {
	char	*name;			/* lower case */
	char	*value;			/* unquoted, raw bytes */
};

/*
 * Lines and values.
 */

/* Finds the line at p; returns the next one and its length sans EOL. */
const char *
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
size_t
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
const char *
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

const struct mime_field *
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
char *
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
char *
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
char *
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

void
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

void
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

const char *
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
char *
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
char *
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
char *
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

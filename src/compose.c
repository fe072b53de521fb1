/*
 * compose: builds every message conductd sends.  libetpan's IMF and MIME
 * writers lay out the headers (Date, Message-ID, In-Reply-To,
 * References, Subject, MIME-Version), the parts, the transfer encodings
 * and the folding; this file decides what may reach them.
 *
 * Much of what goes into a header (subjects, names, ids) comes from
 * incoming mail, so nothing is passed on raw: text is made valid UTF-8,
 * C0 controls and DEL go (CR, LF and TAB become a space), and a value
 * with non-ASCII, "=?" or an over-long word is written as RFC 2047
 * encoded words.  Addresses and message ids are checked against strict
 * character sets instead, because libetpan writes them verbatim (a LF
 * in one would end the header).  A bad address fails the message; a bad
 * id from incoming mail only drops that id (see compose_idlist()).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "addrspec.h"
#include "buf.h"
#include "clock.h"
#include "compose.h"
#include "store.h"
#include "crypto.h"
#include "log.h"
#include "pgp.h"
#include "xmalloc.h"

#define COMPOSE_MAX_ADDR	254
#define COMPOSE_MAX_LOCAL	64
#define COMPOSE_MAX_ID		250	/* one msg-id, without <> */
#define COMPOSE_MAX_REFS	20	/* ids kept in References */
#define COMPOSE_MAX_NAME	256	/* display and file names, bytes */
#define COMPOSE_MAX_SUBJECT	2048	/* bytes of UTF-8 */
#define COMPOSE_MAX_TOKEN	200	/* Auto-Submitted, X-Conductd-Loop */
#define COMPOSE_MAX_LINE	998
/*
 * UTF-8 bytes per encoded word: "=?UTF-8?B?" + 48 + "?=" is 60
 * characters, so "Subject: " and one word fit libetpan's 72 columns
 * and no word comes near RFC 2047's 75.
 */
#define COMPOSE_EW_BYTES	36
#define COMPOSE_MAX_WORD	70	/* longer plain words get encoded */

static const char compose_atext[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "!#$%&'*+-/=?^_`{|}~";

/* libetpan fails only when it runs out of memory. */
static void
compose_must(int r)
{
	if (r != MAILIMF_NO_ERROR)
		fatalx("compose: libetpan error %d", r);
}

static void *
compose_nn(void *p)
{
	if (p == NULL)
		fatalx("compose: libetpan out of memory");
	return p;
}

/*
 * Text cleaning.
 */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
compose_utf8_len(const unsigned char *s, size_t n)
{
	uint32_t	cp;
	size_t		len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	if (cp >= 0x80 && cp <= 0x9f)		/* C1 controls */
		return (size_t)-1;
	return len;
}

/*
 * Returns s as one line of valid UTF-8 of at most max bytes: bad bytes
 * become U+FFFD, CR, LF and TAB a space (runs of them one space), other
 * C0 and C1 controls and DEL are dropped, the ends are trimmed.
 */
static char *
compose_clean(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), k;
	struct buf		 b;

	buf_init(&b);
	buf_addstr(&b, "");
	for (; n > 0; p += k, n -= k) {
		k = compose_utf8_len(p, n);
		if (k == (size_t)-1) {
			k = 2;			/* C1 control: dropped */
			continue;
		}
		if (b.len + (k == 0 ? 3 : k) > max)
			break;
		if (k == 0) {
			buf_add(&b, "\xef\xbf\xbd", 3);
			k = 1;
		} else if (*p == '\r' || *p == '\n' || *p == '\t' ||
		    *p == ' ') {
			if (b.len > 0 && b.data[b.len - 1] != ' ')
				buf_addch(&b, ' ');
		} else if (*p >= 0x20 && *p != 0x7f)
			buf_add(&b, p, k);
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		buf_truncate(&b, b.len - 1);
	return buf_release(&b, NULL);
}

/*
 * Appends clean UTF-8 text s as B-encoded words separated by spaces
 * (which decoders drop), never splitting a UTF-8 sequence.
 */
static void
compose_ew(const char *s, struct buf *out)
{
	size_t	n = strlen(s), take;
	int	first = 1;

	while (n > 0) {
		take = n < COMPOSE_EW_BYTES ? n : COMPOSE_EW_BYTES;
		while (take < n && take > 1 &&
		    ((unsigned char)s[take] & 0xc0) == 0x80)
			take--;
		if (!first)
			buf_addch(out, ' ');
		first = 0;
		buf_addstr(out, "=?UTF-8?B?");
		buf_add_base64(out, (const unsigned char *)s, take);
		buf_addstr(out, "?=");
		s += take;
		n -= take;
	}
}

/* 1 if clean text s must be encoded to reach a header intact. */
static int
compose_needs_ew(const char *s)
{
	size_t	word = 0;

	if (strstr(s, "=?") != NULL)
		return 1;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return 1;
		word = *s == ' ' ? 0 : word + 1;
		if (word > COMPOSE_MAX_WORD)
			return 1;
	}
	return 0;
}

/* Unstructured text (Subject, file names): plain or encoded words. */
static char *
compose_unstructured(const char *s, size_t max)
{
	struct buf	 b;
	char		*c;

	c = compose_clean(s, max);
	if (!compose_needs_ew(c))
		return c;
	buf_init(&b);
	buf_addstr(&b, "");
	compose_ew(c, &b);
	free(c);
	return buf_release(&b, NULL);
}

/* 1 if s is atoms separated by spaces: a phrase as it stands. */
static int
compose_plain_phrase(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && strchr(compose_atext, *s) == NULL)
			return 0;
	return 1;
}

/* Appends a display name as a phrase: atoms, a quoted string or words. */
static void
compose_phrase(const char *name, struct buf *out)
{
	char		*c;
	const char	*p;

	c = compose_clean(name, COMPOSE_MAX_NAME);
	if (compose_needs_ew(c))
		compose_ew(c, out);
	else if (compose_plain_phrase(c))
		buf_addstr(out, c);
	else {
		buf_addch(out, '"');
		for (p = c; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(out, '\\');
			buf_addch(out, *p);
		}
		buf_addch(out, '"');
	}
	free(c);
}

/*
 * Addresses and ids.
 */

static int
compose_valid_domain(const char *d)
{
	size_t	label = 0;

	if (*d == '\0' || strlen(d) > COMPOSE_MAX_ADDR)
		return 0;
	for (; *d != '\0'; d++) {
		if (*d == '.') {
			if (label == 0 || d[-1] == '-' || d[1] == '\0')
				return 0;
			label = 0;
		} else if (*d == '-') {
			if (label == 0)
				return 0;
			label++;
		} else if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *d) != NULL)
			label++;
		else
			return 0;
		if (label > 63)
			return 0;
	}
	return d[-1] != '-';
}

int
compose_valid_address(const char *s)
{
	const char	*at, *p;

	if (s == NULL || strlen(s) > COMPOSE_MAX_ADDR ||
	    (at = strchr(s, '@')) == NULL || at == s ||
	    at - s > COMPOSE_MAX_LOCAL)
		return 0;
	if (s[0] == '"')
		return addrspec_quoted_len(s) == (size_t)(at - s) &&
		    compose_valid_domain(at + 1);
	if (s[0] == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++) {
		if (*p == '.' ? p[1] == '.' :
		    strchr(compose_atext, *p) == NULL)
			return 0;
	}
	return compose_valid_domain(at + 1);
}

/* 1 if id (without <>) is a dot-atom "left@right" safe to write. */
static int
compose_valid_id(const char *id)
{
	const char	*at;
	size_t		 n;

	n = strlen(id);
	if (n < 3 || n > COMPOSE_MAX_ID || (at = strchr(id, '@')) == NULL ||
	    at == id || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return 0;
	for (; *id != '\0'; id++)
		if (*id != '@' && *id != '.' &&
		    strchr(compose_atext, *id) == NULL)
			return 0;
	return 1;
}

/*
 * The valid ids in s as a libetpan list, or NULL if none is valid.  s is
 * one id, or with split a space-separated list.  Ids come from incoming
 * mail: a malformed one (spaces, "<>", no "@") is dropped rather than
 * failing the message, since losing a threading hint is better than
 * losing the reply.  Past COMPOSE_MAX_REFS ids, the first and the
 * newest are kept (RFC 5322 3.6.4).
 */
static clist *
compose_idlist(const char *s, int split)
{
	clist	 *l;
	char	 *copy, *id, *last, **ids = NULL;
	size_t	  n = 0, i, skip;

	copy = compose_clean(s, SIZE_MAX);
	if (!split) {
		if (compose_valid_id(copy)) {
			ids = xmalloc(sizeof(*ids));
			ids[n++] = copy;
		}
	} else
		for (id = strtok_r(copy, " ", &last); id != NULL;
		    id = strtok_r(NULL, " ", &last))
			if (compose_valid_id(id)) {
				ids = xreallocarray(ids, n + 1, sizeof(*ids));
				ids[n++] = id;
			}
	l = NULL;
	skip = n > COMPOSE_MAX_REFS ? n - COMPOSE_MAX_REFS : 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && i <= skip)
			continue;
		if (l == NULL)
			l = compose_nn(clist_new());
		if (clist_append(l, xstrdup(ids[i])) < 0)
			fatalx("compose: out of memory");
	}
	free(ids);
	free(copy);
	return l;
}

/* 1 if s is a short run of printable ASCII without spaces. */
static int
compose_valid_token(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > COMPOSE_MAX_TOKEN)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return 0;
	return 1;
}

void
compose_message_id(const char *domain, char *buf, size_t size)
{
	unsigned char	r[12];
	char		hex[sizeof(r) * 2 + 1];
	size_t		i;

	crypto_random(r, sizeof(r));
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + i * 2, 3, "%02x", r[i]);
	if (domain == NULL || !compose_valid_domain(domain))
		domain = "conductd.invalid";
	snprintf(buf, size, "cd.%s.%lld@%s", hex, (long long)clock_now(),
	    domain);
}

/*
 * Headers.
 */

static void
compose_custom(struct mailimf_fields *f, const char *name, char *value)
{
	struct mailimf_field	*fld;

	fld = compose_nn(mailimf_field_new_custom(xstrdup(name), value));
	compose_must(mailimf_fields_add(f, fld));
}

/*
 * From, To and Reply-To go in as finished text: libetpan's mailbox
 * writer quotes any display name that is not a single atom, and RFC 2047
 * words inside a quoted string are not decoded.  The address is valid
 * by now and the phrase is atoms, a quoted string or encoded words.
 */
static void
compose_address(struct mailimf_fields *f, const char *hdr,
    const char *name, const char *addr)
{
	struct buf	b;

	buf_init(&b);
	buf_addstr(&b, "");
	if (name != NULL)
		compose_phrase(name, &b);
	if (b.len > 0)
		buf_printf(&b, " <%s>", addr);
	else
		buf_addstr(&b, addr);
	compose_custom(f, hdr, buf_release(&b, NULL));
}

static struct mailimf_date_time *
compose_date(time_t t)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL)
		fatalx("compose: gmtime");
	return compose_nn(mailimf_date_time_new(tm.tm_mday, tm.tm_mon + 1,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, 0));
}

/* 1 if s is printable ASCII and spaces, no run of two spaces. */
static int
compose_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~' || (s[0] == ' ' && s[1] == ' '))
			return 0;
	return 1;
}

static int
compose_check(const struct compose_mail *m, char **errstr)
{
	const char	*bad = NULL;

	if (m->from_addr == NULL || !compose_valid_address(m->from_addr))
		bad = "From address is missing or not a plain addr-spec";
	else if (m->to_addr == NULL || !compose_valid_address(m->to_addr))
		bad = "To address is missing or not a plain addr-spec";
	else if (m->reply_to_addr != NULL &&
	    !compose_valid_address(m->reply_to_addr))
		bad = "Reply-To address is not a plain addr-spec";
	else if (m->message_id == NULL || !compose_valid_id(m->message_id))
		bad = "Message-ID is missing or malformed";
	else if (m->auto_submitted != NULL &&
	    !compose_valid_token(m->auto_submitted))
		bad = "Auto-Submitted value is malformed";
	else if (m->loop_guard != NULL && !compose_valid_token(m->loop_guard))
		bad = "X-Conductd-Loop value is malformed";
	else if (m->autocrypt != NULL && !compose_printable(m->autocrypt))
		bad = "Autocrypt value is malformed";
	if (bad == NULL)
		return 0;
	xasprintf(errstr, "compose: %s", bad);
	return -1;
}

static struct mailimf_fields *
compose_fields(const struct compose_mail *m)
{
	struct mailimf_fields	*f;
	clist			*irt = NULL, *refs = NULL;

	f = compose_nn(mailimf_fields_new_empty());
	compose_must(mailimf_fields_add_data(f, compose_date(m->date), NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
	compose_address(f, "From", m->from_name, m->from_addr);
	compose_address(f, "To", m->to_name, m->to_addr);
	if (m->reply_to_addr != NULL)
		compose_address(f, "Reply-To", NULL, m->reply_to_addr);
	if (m->in_reply_to != NULL)
		irt = compose_idlist(m->in_reply_to, 0);
	if (m->references != NULL)
		refs = compose_idlist(m->references, 1);
	compose_must(mailimf_fields_add_data(f, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, xstrdup(m->message_id), irt, refs,
	    compose_unstructured(m->subject != NULL ? m->subject : "",
	    COMPOSE_MAX_SUBJECT)));
	if (m->auto_submitted != NULL)
		compose_custom(f, "Auto-Submitted", xstrdup(m->auto_submitted));
	if (m->loop_guard != NULL)
		compose_custom(f, "X-Conductd-Loop", xstrdup(m->loop_guard));
	if (m->autocrypt != NULL)
		compose_custom(f, "Autocrypt", xstrdup(m->autocrypt));
	return f;
}

/*
 * Body parts.
 */

static void
compose_param(struct mailmime_content *ct, const char *name,
    const char *value)
{
	struct mailmime_parameter	*p;

	if (ct->ct_parameters == NULL)
		ct->ct_parameters = compose_nn(clist_new());
	p = compose_nn(mailmime_param_new_with_data((char *)name,
	    (char *)value));
	if (clist_append(ct->ct_parameters, p) < 0)
		fatalx("compose: out of memory");
}

/*
 * Drops the spaces and tabs that end the line in b.  libetpan 1.9.4's
 * quoted-printable writer doubles white space before a line end
 * ("a \n" becomes "a =20"), and in text/plain without format=flowed
 * trailing white space means nothing.
 */
static void
compose_rtrim(struct buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == ' ' ||
	    b->data[b->len - 1] == '\t'))
		buf_truncate(b, b->len - 1);
}

/*
 * The text, LF line ends (libetpan's encoders write CRLF), as
 * quoted-printable, or base64 when over a third of it is not ASCII
 * (Korean or Japanese text triples in quoted-printable).  body must outlive the
 * part: libetpan keeps a pointer to it.
 */
static struct mailmime *
compose_text_part(const char *text, struct buf *body)
{
	struct mailmime_content	*ct;
	struct mailmime		*part;
	size_t			 i, high = 0;
	int			 enc;

	for (i = 0; text[i] != '\0'; i++) {
		high += (unsigned char)text[i] >= 0x80;
		if (text[i] == '\r' && text[i + 1] == '\n')
			continue;
		if (text[i] == '\r' || text[i] == '\n')
			compose_rtrim(body);
		buf_addch(body, text[i] == '\r' ? '\n' : text[i]);
	}
	compose_rtrim(body);
	if (body->len > 0 && body->data[body->len - 1] != '\n')
		buf_addch(body, '\n');
	buf_addstr(body, "");
	enc = high * 3 > body->len ? MAILMIME_MECHANISM_BASE64 :
	    MAILMIME_MECHANISM_QUOTED_PRINTABLE;
	ct = compose_nn(mailmime_content_new_with_str("text/plain"));
	compose_param(ct, "charset", "utf-8");
	part = compose_nn(mailmime_new_empty(ct,
	    compose_nn(mailmime_fields_new_encoding(enc))));
	compose_must(mailmime_set_body_text(part, body->data, body->len));
	return part;
}

/*
 * 1 if type is a bare "type/subtype" of token characters, and a leaf:
 * libetpan writes a message/ or multipart/ part as a container whose
 * header or parts it must have (a message/rfc822 attachment without
 * them crashed its writer), so those go as application/octet-stream.
 */
static int
compose_valid_type(const char *type)
{
	const char	*slash;
	size_t		 n;

	if (strncasecmp(type, "message/", 8) == 0 ||
	    strncasecmp(type, "multipart/", 10) == 0)
		return 0;
	n = strlen(type);
	if (n == 0 || n > 127 || (slash = strchr(type, '/')) == NULL ||
	    slash == type || slash[1] == '\0' || strchr(slash + 1, '/'))
		return 0;
	return strspn(type, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&^_.+-/") == n;
}

/* A file name with path separators made harmless, encoded if needed. */
static char *
compose_filename(const char *name)
{
	char	*c, *p, *r;

	c = compose_clean(name != NULL ? name : "", COMPOSE_MAX_NAME);
	for (p = c; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			*p = '_';
	r = compose_unstructured(*c != '\0' ? c : "attachment",
	    COMPOSE_MAX_NAME);
	free(c);
	return r;
}

static struct mailmime *
compose_attachment_part(const struct compose_attachment *a)
{
	struct mailmime_content	*ct;
	struct mailmime		*part;
	char			*fname;

	ct = NULL;
	if (a->type != NULL && compose_valid_type(a->type))
		ct = mailmime_content_new_with_str(a->type);
	if (ct == NULL)
		ct = compose_nn(mailmime_content_new_with_str(
		    "application/octet-stream"));
	fname = compose_filename(a->name);
	compose_param(ct, "name", fname);
	part = compose_nn(mailmime_new_empty(ct,
	    compose_nn(mailmime_fields_new_filename(
	    MAILMIME_DISPOSITION_TYPE_ATTACHMENT, fname,
	    MAILMIME_MECHANISM_BASE64))));
	compose_must(mailmime_set_body_text(part,
	    (char *)(a->len > 0 ? a->data : ""), a->len));
	return part;
}

/* A random boundary: "=_cd_" and 32 hex digits. */
static void
compose_boundary(char *b, size_t size)
{
	unsigned char	r[16];
	size_t		i;

	crypto_random(r, sizeof(r));
	snprintf(b, size, "=_cd_");
	for (i = 0; i < sizeof(r) && 5 + i * 2 + 3 <= size; i++)
		snprintf(b + 5 + i * 2, 3, "%02x", r[i]);
}

/*
 * multipart/mixed with a boundary of our own in place of the one
 * mailmime_new_empty() made from rand() and the time, which a sender
 * could guess and put in the text.  Ours is random, and "=_" appears
 * neither in quoted-printable nor in base64.
 */
static struct mailmime *
compose_multipart(void)
{
	struct mailmime			*mp;
	struct mailmime_content		*ct;
	struct mailmime_parameter	*p;
	clistiter			*cur;
	char				 b[64];

	compose_boundary(b, sizeof(b));
	mp = compose_nn(mailmime_multiple_new("multipart/mixed"));
	ct = mp->mm_content_type;
	if (ct->ct_parameters != NULL)
		for (cur = clist_begin(ct->ct_parameters); cur != NULL;
		    cur = clist_next(cur)) {
			p = clist_content(cur);
			if (strcasecmp(p->pa_name, "boundary") == 0) {
				free(p->pa_value);
				p->pa_value = xstrdup(b);
				return mp;
			}
		}
	compose_param(ct, "boundary", b);
	return mp;
}

static struct mailmime *
compose_mime(const struct compose_mail *m, struct buf *body)
{
	struct mailmime	*msg, *mp;
	size_t		 i;

	msg = compose_nn(mailmime_new_message_data(NULL));
	mailmime_set_imf_fields(msg, compose_fields(m));
	if (m->nattachments == 0) {
		compose_must(mailmime_smart_add_part(msg,
		    compose_text_part(m->text != NULL ? m->text : "", body)));
		return msg;
	}
	mp = compose_multipart();
	compose_must(mailmime_smart_add_part(msg, mp));
	compose_must(mailmime_smart_add_part(mp,
	    compose_text_part(m->text != NULL ? m->text : "", body)));
	for (i = 0; i < m->nattachments; i++)
		compose_must(mailmime_smart_add_part(mp,
		    compose_attachment_part(&m->attachments[i])));
	return msg;
}

/* Every line ends in CRLF and is at most COMPOSE_MAX_LINE octets. */
static int
compose_lines_ok(const char *s, size_t len)
{
	size_t	i, col = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			return 0;
		if (s[i] == '\n')
			col = 0;
		else if (s[i] != '\r' && ++col > COMPOSE_MAX_LINE)
			return 0;
	}
	return len >= 2 && s[len - 1] == '\n';
}

/* Writes msg into a new string: the caller wipes and frees it. */
static MMAPString *
compose_write(struct mailmime *msg)
{
	MMAPString	*s;
	int		 col = 0;

	s = compose_nn(mmap_string_new(""));
	compose_must(mailmime_write_mem(s, &col, msg));
	return s;
}

/*
 * The protected form (compose.h): the outer header, written from the
 * same fields with the neutral subject, a blank line, then the whole
 * message with protected-headers="v1" on its top part.
 */
static MMAPString *
compose_protected(const struct compose_mail *m, struct mailmime *msg)
{
	struct compose_mail	 outer = *m;
	struct mailimf_fields	*f;
	struct mailmime		*top;
	MMAPString		*s, *in;
	int			 col = 0;

	top = msg->mm_data.mm_message.mm_msg_mime;
	compose_param(top->mm_content_type, "protected-headers", "v1");
	outer.subject = m->outer_subject != NULL ? m->outer_subject : "...";
	f = compose_fields(&outer);
	s = compose_nn(mmap_string_new(""));
	compose_must(mailimf_fields_write_mem(s, &col, f));
	mailimf_fields_free(f);
	compose_nn(mmap_string_append(s, "\r\n"));
	in = compose_write(msg);
	compose_nn(mmap_string_append_len(s, in->str, in->len));
	crypto_wipe(in->str, in->len);
	mmap_string_free(in);
	return s;
}

char *
compose_message(const struct compose_mail *m, size_t *len, char **errstr)
{
	struct mailmime	*msg;
	MMAPString	*s;
	struct buf	 body;
	char		*out;

	*errstr = NULL;
	if (compose_check(m, errstr) == -1)
		return NULL;
	buf_init(&body);
	msg = compose_mime(m, &body);
	s = m->pgp_key != NULL ? compose_protected(m, msg) :
	    compose_write(msg);
	mailmime_free(msg);
	buf_free(&body);
	if (!compose_lines_ok(s->str, s->len)) {
		crypto_wipe(s->str, s->len);
		mmap_string_free(s);
		xasprintf(errstr, "compose: output has a bad line end "
		    "or a line over %d octets", COMPOSE_MAX_LINE);
		return NULL;
	}
	out = xmemdup(s->str, s->len + 1);
	*len = s->len;
	crypto_wipe(s->str, s->len);
	mmap_string_free(s);
	return out;
}

/* Appends the armor with CRLF line ends. */
static void
compose_add_crlf(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r')
			continue;
		if (s[i] == '\n')
			buf_addch(b, '\r');
		buf_addch(b, s[i]);
	}
	if (len > 0 && s[len - 1] != '\n')
		buf_addstr(b, "\r\n");
}

char *
compose_pgp_mime(struct pgp *pgp, const char *to, const char *signer,
    const char *form, size_t len, size_t *outlen, char **errstr)
{
	const char	*inner;
	char		*armor, bnd[48];
	size_t		 hlen, alen;
	struct buf	 b;

	if ((inner = memmem(form, len, "\r\n\r\n", 4)) == NULL) {
		xasprintf(errstr, "compose: not a protected form");
		return NULL;
	}
	hlen = (size_t)(inner - form) + 2;
	inner += 4;
	if ((armor = pgp_encrypt(pgp, to, signer, inner,
	    len - (size_t)(inner - form), &alen, errstr)) == NULL)
		return NULL;
	compose_boundary(bnd, sizeof(bnd));
	buf_init(&b);
	buf_add(&b, form, hlen);
	buf_printf(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/encrypted;\r\n"
	    " protocol=\"application/pgp-encrypted\";\r\n"
	    " boundary=\"%s\"\r\n\r\n"
	    "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)"
	    "\r\n--%s\r\n"
	    "Content-Type: application/pgp-encrypted\r\n"
	    "Content-Description: PGP/MIME version identification\r\n\r\n"
	    "Version: 1\r\n\r\n--%s\r\n"
	    "Content-Type: application/octet-stream;"
	    " name=\"encrypted.asc\"\r\n"
	    "Content-Description: OpenPGP encrypted message\r\n"
	    "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n",
	    bnd, bnd, bnd);
	compose_add_crlf(&b, armor, alen);
	buf_printf(&b, "\r\n--%s--\r\n", bnd);
	free(armor);	/* ciphertext: nothing to wipe */
	return buf_release(&b, outlen);
}

int
compose_queue(struct store *store, const struct compose_mail *m,
    const char *from, const char *kind, int64_t case_id, const char *member,
    int64_t *id, char **errstr)
{
	struct store_outbox_new	 o;
	char			*data;
	size_t			 len;
	int64_t			 rowid;
	int			 rv;

	if ((data = compose_message(m, &len, errstr)) == NULL)
		return 1;
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.kind = kind;
	o.mail_from = from;
	o.rcpt = m->to_addr;
	o.data = data;
	o.len = len;
	o.message_id = m->message_id;
	o.member = member;
	o.pgp = m->pgp_key;
	o.now = clock_now();
	rv = store_outbox_add(store, &o, id != NULL ? id : &rowid);
	crypto_wipe(data, len);
	free(data);
	return rv;
}

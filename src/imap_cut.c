/*
 * imap_cut: fetches a message over max_message_size as the parts a
 * reader needs.  It asks for the BODYSTRUCTURE, walks it, and fetches
 * with BODY.PEEK (so \Seen is never set) the message's header, the MIME
 * header of every multipart and text part it keeps, and the text parts
 * that are not attachments (text/plain, text/html, in any nesting,
 * forwarded messages included), each whole while the text fetched stays
 * within the limit; the last that does not fit is cut at the limit and
 * the rest left out.  Everything else is left out and recorded: section,
 * type, file name and size.  mime_cut joins the pieces into the message
 * that is stored.  Logs give sizes and counts only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "imap_priv.h"
#include "log.h"
#include "mime_cut.h"
#include "xmalloc.h"

#define CUT_MAX_DEPTH	10	/* multipart and message nesting walked */
#define CUT_MAX_TEXT	64	/* text parts fetched */
#define CUT_MAX_OMIT	64	/* left-out parts recorded */
#define CUT_MAX_PIECES	100	/* RFC 2231 continuations read */

enum cut_piece {
	CUT_MIME,		/* N.MIME */
	CUT_HEADER,		/* HEADER or N.HEADER */
	CUT_TEXT,		/* TEXT or N.TEXT */
	CUT_BODY		/* N */
};

struct cut_walk {
	struct imap_session	*s;
	uint32_t		 uid;
	struct mime_cut		*mc;
	size_t			 budget;	/* text bytes still allowed */
	size_t			 ntext;
	size_t			 nomit;
	size_t			 fetched;	/* bytes fetched in all */
	int			 gone;		/* the message vanished */
	char			**errstr;
};

/* "1.2.3" from a path. */
static void
cut_section(const uint32_t *path, size_t depth, char *buf, size_t size)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < depth && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%u",
		    i > 0 ? "." : "", path[i]);
	if (depth == 0)
		snprintf(buf, size, "TEXT");
}

static struct mailimap_section *
cut_section_new(const uint32_t *path, size_t depth, enum cut_piece piece)
{
	struct mailimap_section_part	*part;
	clist				*ids;
	uint32_t			*id;
	size_t				 i;

	if (depth == 0)
		return piece == CUT_HEADER ? mailimap_section_new_header() :
		    mailimap_section_new_text();
	if ((ids = clist_new()) == NULL)
		imap_oom();
	for (i = 0; i < depth; i++) {
		id = xmalloc(sizeof(*id));
		*id = path[i];
		if (clist_append(ids, id) != 0)
			imap_oom();
	}
	if ((part = mailimap_section_part_new(ids)) == NULL)
		imap_oom();
	switch (piece) {
	case CUT_MIME:
		return mailimap_section_new_part_mime(part);
	case CUT_HEADER:
		return mailimap_section_new_part_header(part);
	case CUT_TEXT:
		return mailimap_section_new_part_text(part);
	default:
		return mailimap_section_new_part(part);
	}
}

/* One UID FETCH of uid; *result is the server's answer (caller frees). */
static int
cut_fetch_att(struct cut_walk *w, struct mailimap_fetch_att *att,
    clist **result)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	int64_t				 before;
	int				 r;

	if (att == NULL)
		imap_oom();
	ft = imap_fetch_type(att);
	if ((set = mailimap_set_new_single(w->uid)) == NULL)
		imap_oom();
	before = imap_count(w->s);
	*result = NULL;
	r = mailimap_uid_fetch(w->s->imap, set, ft, result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(w->s, w->errstr, "fetch (parts)", r,
		    IMAP_QUOTE_NONE);
	imap_note_arrivals(w->s, before);
	return 0;
}

/* The static attribute of type want for our UID in a FETCH answer. */
static struct mailimap_msg_att_static *
cut_att_find(const struct cut_walk *w, clist *result, int want)
{
	struct mailimap_msg_att_static	*st, *hit;
	struct mailimap_msg_att_item	*item;
	struct mailimap_msg_att		*msg;
	clistiter			*it, *jt;
	uint32_t			 uid;

	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		msg = clist_content(it);
		uid = 0;
		hit = NULL;
		for (jt = clist_begin(msg->att_list); jt != NULL;
		    jt = clist_next(jt)) {
			item = clist_content(jt);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			st = item->att_data.att_static;
			if (st->att_type == MAILIMAP_MSG_ATT_UID)
				uid = st->att_data.att_uid;
			else if (st->att_type == want)
				hit = st;
		}
		if (uid == w->uid && hit != NULL)
			return hit;
	}
	return NULL;
}

/*
 * Fetches one piece (its first max bytes; 0: whole) into the rebuilt
 * message: a header block, or a body.  Marks the walk gone if the server
 * sent nothing.
 */
static int
cut_piece(struct cut_walk *w, const uint32_t *path, size_t depth,
    enum cut_piece piece, size_t max)
{
	struct mailimap_msg_att_static	*st;
	struct mailimap_section		*sec;
	struct mailimap_fetch_att	*att;
	clist				*result;
	const char			*p;
	size_t				 len;

	if (w->gone)
		return 0;
	sec = cut_section_new(path, depth, piece);
	if (sec == NULL)
		imap_oom();
	if (max > 0)
		att = mailimap_fetch_att_new_body_peek_section_partial(sec, 0,
		    max > UINT32_MAX ? UINT32_MAX : (uint32_t)max);
	else
		att = mailimap_fetch_att_new_body_peek_section(sec);
	if (cut_fetch_att(w, att, &result) == -1)
		return -1;
	st = cut_att_find(w, result, MAILIMAP_MSG_ATT_BODY_SECTION);
	if (st == NULL) {
		w->gone = 1;
		mailimap_fetch_list_free(result);
		return 0;
	}
	p = st->att_data.att_body_section->sec_body_part;
	len = st->att_data.att_body_section->sec_length;
	if (p == NULL)
		len = 0;
	w->fetched += len;
	if (depth == 0 && piece == CUT_HEADER)
		mime_cut_header(w->mc, p, len);
	else if (piece == CUT_MIME || piece == CUT_HEADER)
		mime_cut_part(w->mc, p, len);
	else
		mime_cut_body(w->mc, p, len);
	mailimap_fetch_list_free(result);
	return 0;
}

/*
 * Parameter name of a list, RFC 2231 forms included (name*, name*0,
 * name*0*, ...): 1 and the raw bytes in out (percent-decoded where
 * extended) and the charset ("" when none) in cs, or 0.
 */
static void
cut_pct(struct buf *out, const char *v, int ext)
{
	unsigned int	c;

	for (; *v != '\0'; v++) {
		if (ext && v[0] == '%' && v[1] != '\0' && v[2] != '\0' &&
		    sscanf(v + 1, "%2x", &c) == 1) {
			buf_addch(out, (char)c);
			v += 2;
		} else
			buf_addch(out, *v);
	}
}

static const char *
cut_param_get(struct mailimap_body_fld_param *params, const char *name)
{
	struct mailimap_single_body_fld_param	*p;
	clistiter				*it;

	if (params == NULL)
		return NULL;
	for (it = clist_begin(params->pa_list); it != NULL;
	    it = clist_next(it)) {
		p = clist_content(it);
		if (p->pa_name != NULL && p->pa_value != NULL &&
		    strcasecmp(p->pa_name, name) == 0)
			return p->pa_value;
	}
	return NULL;
}

/* An extended value: "charset'lang'pct" -> charset into cs, the rest. */
static const char *
cut_ext_start(const char *v, char *cs, size_t size)
{
	const char	*q, *r;

	if ((q = strchr(v, '\'')) == NULL || (r = strchr(q + 1, '\'')) ==
	    NULL)
		return v;
	snprintf(cs, size, "%.*s", (int)(q - v), v);
	return r + 1;
}

static int
cut_param(struct mailimap_body_fld_param *params, const char *name,
    struct buf *out, char *cs, size_t size)
{
	char		 key[64];
	const char	*v;
	int		 i, ext;

	cs[0] = '\0';
	snprintf(key, sizeof(key), "%s*", name);
	if ((v = cut_param_get(params, key)) != NULL) {
		v = cut_ext_start(v, cs, size);
		cut_pct(out, v, 1);
		return 1;
	}
	for (i = 0; i < CUT_MAX_PIECES; i++) {
		ext = 1;
		snprintf(key, sizeof(key), "%s*%d*", name, i);
		if ((v = cut_param_get(params, key)) == NULL) {
			ext = 0;
			snprintf(key, sizeof(key), "%s*%d", name, i);
			if ((v = cut_param_get(params, key)) == NULL)
				break;
		}
		if (i == 0 && ext)
			v = cut_ext_start(v, cs, size);
		cut_pct(out, v, ext);
	}
	if (i > 0)
		return 1;
	if ((v = cut_param_get(params, name)) == NULL)
		return 0;
	buf_addstr(out, v);
	return 1;
}

/* The fields of a one-part body, whatever its kind. */
static struct mailimap_body_fields *
cut_fields(const struct mailimap_body_type_1part *one)
{
	switch (one->bd_type) {
	case MAILIMAP_BODY_TYPE_1PART_BASIC:
		return one->bd_data.bd_type_basic->bd_fields;
	case MAILIMAP_BODY_TYPE_1PART_MSG:
		return one->bd_data.bd_type_msg->bd_fields;
	default:
		return one->bd_data.bd_type_text->bd_fields;
	}
}

static struct mailimap_body_fld_dsp *
cut_disposition(const struct mailimap_body_type_1part *one)
{
	if (one->bd_ext_1part == NULL)
		return NULL;
	return one->bd_ext_1part->bd_disposition;
}

/* The file name of a part: Content-Disposition's, else Content-Type's. */
static int
cut_name(const struct mailimap_body_type_1part *one, struct buf *out,
    char *cs, size_t size)
{
	struct mailimap_body_fld_dsp	*d = cut_disposition(one);
	struct mailimap_body_fields	*f = cut_fields(one);

	if (d != NULL && cut_param(d->dsp_attributes, "filename", out, cs,
	    size))
		return 1;
	return cut_param(f->bd_parameter, "name", out, cs, size);
}

static const char *const cut_basic_types[] = {
	[MAILIMAP_MEDIA_BASIC_APPLICATION] = "application",
	[MAILIMAP_MEDIA_BASIC_AUDIO] = "audio",
	[MAILIMAP_MEDIA_BASIC_IMAGE] = "image",
	[MAILIMAP_MEDIA_BASIC_MESSAGE] = "message",
	[MAILIMAP_MEDIA_BASIC_VIDEO] = "video",
};

/* "type/subtype", lower case. */
static void
cut_type(const struct mailimap_body *b, char *buf, size_t size)
{
	const struct mailimap_body_type_1part	*one;
	const struct mailimap_media_basic	*mb;
	const char				*t;
	char					*p;

	if (b->bd_type == MAILIMAP_BODY_MPART) {
		snprintf(buf, size, "multipart/%s",
		    b->bd_data.bd_body_mpart->bd_media_subtype);
	} else if ((one = b->bd_data.bd_body_1part)->bd_type ==
	    MAILIMAP_BODY_TYPE_1PART_TEXT) {
		snprintf(buf, size, "text/%s",
		    one->bd_data.bd_type_text->bd_media_text);
	} else if (one->bd_type == MAILIMAP_BODY_TYPE_1PART_MSG) {
		snprintf(buf, size, "message/rfc822");
	} else {
		mb = one->bd_data.bd_type_basic->bd_media_basic;
		t = mb->med_type >= 0 && (size_t)mb->med_type <
		    sizeof(cut_basic_types) / sizeof(cut_basic_types[0]) &&
		    cut_basic_types[mb->med_type] != NULL ?
		    cut_basic_types[mb->med_type] : mb->med_basic_type;
		snprintf(buf, size, "%s/%s", t != NULL ? t : "application",
		    mb->med_subtype);
	}
	for (p = buf; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* Is b a text part a reader reads (text, not an attachment)? */
static int
cut_is_text(const struct mailimap_body *b)
{
	const struct mailimap_body_type_1part	*one;
	struct mailimap_body_fld_dsp		*d;
	struct buf				 name;
	char					 cs[64];
	int					 named;

	if (b->bd_type != MAILIMAP_BODY_1PART ||
	    (one = b->bd_data.bd_body_1part)->bd_type !=
	    MAILIMAP_BODY_TYPE_1PART_TEXT)
		return 0;
	d = cut_disposition(one);
	if (d != NULL && d->dsp_type != NULL &&
	    strcasecmp(d->dsp_type, "attachment") == 0)
		return 0;
	buf_init(&name);
	named = cut_name(one, &name, cs, sizeof(cs));
	buf_free(&name);
	return !named;
}

static struct mailimap_body *
cut_inner(const struct mailimap_body *b)
{
	const struct mailimap_body_type_1part	*one;

	if (b->bd_type != MAILIMAP_BODY_1PART)
		return NULL;
	one = b->bd_data.bd_body_1part;
	if (one->bd_type != MAILIMAP_BODY_TYPE_1PART_MSG)
		return NULL;
	return one->bd_data.bd_type_msg->bd_body;
}

/* Does b (at depth) hold a text part the walk keeps? */
static int
cut_keeps(const struct mailimap_body *b, size_t depth)
{
	clistiter	*it;

	if (b == NULL || depth > CUT_MAX_DEPTH)
		return 0;
	if (b->bd_type == MAILIMAP_BODY_MPART) {
		if (cut_param_get(b->bd_data.bd_body_mpart->bd_ext_mpart !=
		    NULL ? b->bd_data.bd_body_mpart->bd_ext_mpart->bd_parameter :
		    NULL, "boundary") == NULL)
			return 0;
		for (it = clist_begin(b->bd_data.bd_body_mpart->bd_list);
		    it != NULL; it = clist_next(it))
			if (cut_keeps(clist_content(it), depth + 1))
				return 1;
		return 0;
	}
	if (cut_inner(b) != NULL)
		return cut_keeps(cut_inner(b), depth + 1);
	return cut_is_text(b);
}

/* Records one part left out (or cut short: kept its first kept bytes). */
static void
cut_omit_one(struct cut_walk *w, const struct mailimap_body *b,
    const uint32_t *path, size_t depth, size_t kept)
{
	struct buf	name;
	char		sec[64], type[64], cs[64] = "";
	size_t		size = 0;

	if (w->nomit++ >= CUT_MAX_OMIT)
		return;
	cut_section(path, depth, sec, sizeof(sec));
	cut_type(b, type, sizeof(type));
	buf_init(&name);
	if (b->bd_type == MAILIMAP_BODY_1PART) {
		size = cut_fields(b->bd_data.bd_body_1part)->bd_size;
		cut_name(b->bd_data.bd_body_1part, &name, cs, sizeof(cs));
	}
	mime_cut_omit(w->mc, sec, size, type, kept, name.data,
	    cs[0] != '\0' ? cs : NULL);
	buf_free(&name);
}

/* Records every part of b as left out. */
static void
cut_omit_all(struct cut_walk *w, const struct mailimap_body *b,
    uint32_t *path, size_t depth)
{
	clistiter	*it;
	uint32_t	 i = 1;

	if (b->bd_type != MAILIMAP_BODY_MPART || depth >= CUT_MAX_DEPTH) {
		cut_omit_one(w, b, path, depth, 0);
		return;
	}
	for (it = clist_begin(b->bd_data.bd_body_mpart->bd_list);
	    it != NULL; it = clist_next(it)) {
		path[depth] = i++;
		cut_omit_all(w, clist_content(it), path, depth + 1);
	}
}

static int	cut_walk(struct cut_walk *, const struct mailimap_body *,
		    uint32_t *, size_t, int);

/* A text part's body: whole if it fits what is left, else cut there. */
static int
cut_text(struct cut_walk *w, const struct mailimap_body *b,
    const uint32_t *path, size_t depth, enum cut_piece piece)
{
	size_t	size, max = 0;

	size = cut_fields(b->bd_data.bd_body_1part)->bd_size;
	if (w->ntext >= CUT_MAX_TEXT || w->budget == 0) {
		cut_omit_one(w, b, path, depth, 0);
		return 0;
	}
	w->ntext++;
	if (size > w->budget) {
		max = w->budget;
		cut_omit_one(w, b, path, depth, max);
	}
	w->budget -= size > w->budget ? w->budget : size;
	return cut_piece(w, path, depth, piece, max);
}

/* A multipart's parts (its header is in already). */
static int
cut_multipart(struct cut_walk *w, const struct mailimap_body *b,
    uint32_t *path, size_t depth)
{
	const struct mailimap_body_type_mpart	*mp = b->bd_data.bd_body_mpart;
	const struct mailimap_body		*child;
	clistiter				*it;
	uint32_t				 i = 1;

	mime_cut_open(w->mc, cut_param_get(mp->bd_ext_mpart->bd_parameter,
	    "boundary"));
	for (it = clist_begin(mp->bd_list); it != NULL; it = clist_next(it)) {
		child = clist_content(it);
		path[depth] = i++;
		if (!cut_keeps(child, depth + 1)) {
			cut_omit_all(w, child, path, depth + 1);
			continue;
		}
		mime_cut_next(w->mc);
		if (cut_walk(w, child, path, depth + 1, 0) == -1)
			return -1;
	}
	mime_cut_close(w->mc);
	return 0;
}

/*
 * A forwarded message: its MIME header, its own header, then its body:
 * the parts of a multipart (numbered under the message's section) or
 * the text of a one-part body.
 */
static int
cut_message(struct cut_walk *w, const struct mailimap_body *b,
    uint32_t *path, size_t depth)
{
	const struct mailimap_body	*in = cut_inner(b);

	if (cut_piece(w, path, depth, CUT_MIME, 0) == -1 ||
	    cut_piece(w, path, depth, CUT_HEADER, 0) == -1)
		return -1;
	if (in->bd_type == MAILIMAP_BODY_MPART)
		return cut_multipart(w, in, path, depth);
	return cut_text(w, in, path, depth, CUT_TEXT);
}

/* One entity that cut_keeps() said holds text; top: the message. */
static int
cut_walk(struct cut_walk *w, const struct mailimap_body *b, uint32_t *path,
    size_t depth, int top)
{
	if (b->bd_type == MAILIMAP_BODY_MPART) {
		if (!top && cut_piece(w, path, depth, CUT_MIME, 0) == -1)
			return -1;
		return cut_multipart(w, b, path, depth);
	}
	if (cut_inner(b) != NULL && !top)
		return cut_message(w, b, path, depth);
	if (top)
		return cut_text(w, b, path, 0, CUT_TEXT);
	if (cut_piece(w, path, depth, CUT_MIME, 0) == -1)
		return -1;
	return cut_text(w, b, path, depth, CUT_BODY);
}

/* The BODYSTRUCTURE: *result holds it (caller frees); NULL: gone. */
static struct mailimap_body *
cut_structure(struct cut_walk *w, clist **result)
{
	struct mailimap_msg_att_static	*st;

	if (cut_fetch_att(w, mailimap_fetch_att_new_bodystructure(), result)
	    == -1)
		return NULL;
	st = cut_att_find(w, *result, MAILIMAP_MSG_ATT_BODYSTRUCTURE);
	if (st == NULL)
		w->gone = 1;
	return st != NULL ? st->att_data.att_bodystructure : NULL;
}

/* The message's header, then its kept parts; others recorded. */
static int
cut_build(struct cut_walk *w, const struct mailimap_body *b)
{
	uint32_t	path[CUT_MAX_DEPTH + 2];

	if (cut_piece(w, path, 0, CUT_HEADER, 0) == -1)
		return -1;
	/* A top-level forwarded message is left out as one part. */
	if (!cut_keeps(b, 0) || cut_inner(b) != NULL) {
		cut_omit_all(w, b, path, 0);
		return 0;
	}
	return cut_walk(w, b, path, 0, 1);
}

int
imap_cut_fetch(struct imap_session *s, uint32_t uid, size_t size,
    size_t limit, imap_fetch_cb cb, void *arg, char **errstr)
{
	struct cut_walk		 w;
	struct mailimap_body	*b;
	clist			*result = NULL;
	char			*raw;
	size_t			 len;
	int			 rv = -1;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.uid = uid;
	w.budget = limit;
	w.errstr = errstr;
	w.mc = mime_cut_new(size, limit);
	if ((b = cut_structure(&w, &result)) != NULL &&
	    cut_build(&w, b) == 0 && !w.gone) {
		raw = mime_cut_finish(w.mc, &len);
		w.mc = NULL;
		log_info("imap: uid %u: %zu bytes, over max_message_size "
		    "(%zu): kept %zu text part(s), %zu bytes fetched; %zu "
		    "part(s) left out or cut", uid, size, limit, w.ntext,
		    w.fetched, w.nomit);
		cb(uid, raw, len, len + 1, 1, arg);
		rv = 1;
	} else if (w.gone)
		rv = 0;
	if (result != NULL)
		mailimap_fetch_list_free(result);
	mime_cut_free(w.mc);
	return rv;
}

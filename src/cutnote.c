/*
 * cutnote: writes, for a message kept cut at max_message_size, the note
 * its readers get: that it was cut, each part missing (type, name, size)
 * and where the whole message lies on the server (the processed folder
 * and the UID there; the Message-ID when the UID is unknown).  The text
 * parts of such a message are kept whole, so the note only names what
 * the reader cannot see.  Its words are templates (cut-*.txt); this
 * file fills in the figures and the list of parts.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "cutnote.h"
#include "mime.h"
#include "mime_cut.h"
#include "store.h"
#include "template.h"
#include "xmalloc.h"

#define CUTNOTE_MAXVARS	6

struct cutnote {
	const char		*templates;
	const char		*lang;
	char			*errstr;
};

/*
 * Renders template name with the n name/value pairs in kv (a phrase
 * when phrase is set) and appends it to b.  0, or -1 with cn->errstr.
 */
static int
cutnote_put(struct cutnote *cn, struct buf *b, const char *name, int phrase,
    const char *const *kv, size_t n)
{
	struct template_var	 v[CUTNOTE_MAXVARS];
	char			*text;
	size_t			 i;

	for (i = 0; i < n && i < CUTNOTE_MAXVARS; i++) {
		v[i].name = kv[2 * i];
		v[i].value = kv[2 * i + 1];
	}
	text = phrase ? template_phrase(cn->templates, cn->lang, name, v, i,
	    &cn->errstr) : template_render(cn->templates, cn->lang, name, v,
	    i, &cn->errstr);
	if (text == NULL)
		return -1;
	buf_addstr(b, text);
	free(text);
	return 0;
}

/* One missing part: its line (cut-part-left-out, cut-part-cut). */
static int
cutnote_part(struct cutnote *cn, struct buf *b, const struct mime_cut_part *p)
{
	struct buf	 name;
	char		 octets[24], kept[24];
	const char	*kv[10];
	int		 rv = 0;

	buf_init(&name);
	buf_addstr(&name, "");
	if (p->name != NULL && p->name[0] != '\0') {
		kv[0] = "name";
		kv[1] = p->name;
		rv = cutnote_put(cn, &name, "cut-part-name", 1, kv, 1);
	}
	snprintf(octets, sizeof(octets), "%zu", p->octets);
	snprintf(kept, sizeof(kept), "%zu", p->kept);
	kv[0] = "section";
	kv[1] = p->section;
	kv[2] = "type";
	kv[3] = p->type;
	kv[4] = "name";
	kv[5] = name.data;
	kv[6] = "octets";
	kv[7] = octets;
	kv[8] = "kept";
	kv[9] = kept;
	if (rv == 0)
		rv = cutnote_put(cn, b, p->kept == 0 ? "cut-part-left-out" :
		    "cut-part-cut", 0, kv, p->kept == 0 ? 4 : 5);
	buf_free(&name);
	return rv;
}

/* The parts left out or cut short, one a line (cut-parts, cut-no-parts). */
static int
cutnote_parts(struct cutnote *cn, struct buf *b,
    const struct mime_cut_info *ci)
{
	struct buf	 lines;
	const char	*kv[2];
	size_t		 i;
	int		 rv = 0;

	if (ci->nparts == 0)
		return cutnote_put(cn, b, "cut-no-parts", 0, NULL, 0);
	buf_init(&lines);
	buf_addstr(&lines, "");
	for (i = 0; rv == 0 && i < ci->nparts; i++)
		rv = cutnote_part(cn, &lines, &ci->parts[i]);
	kv[0] = "parts";
	kv[1] = lines.data;
	if (rv == 0)
		rv = cutnote_put(cn, b, "cut-parts", 0, kv, 1);
	buf_free(&lines);
	return rv;
}

/* Where the whole message lies (cut-where-uid, -msgid, -folder). */
static int
cutnote_where(struct cutnote *cn, struct buf *b, struct store *st,
    int64_t id, const struct mime_msg *msg, const char *processed)
{
	char		folder[256], uidv[16], uidn[16];
	const char	*kv[6];
	uint32_t	uidvalidity, uid;

	kv[0] = "folder";
	kv[1] = processed;
	if (store_message_moved(st, id, folder, sizeof(folder), &uidvalidity,
	    &uid) == 1) {
		snprintf(uidn, sizeof(uidn), "%" PRIu32, uid);
		snprintf(uidv, sizeof(uidv), "%" PRIu32, uidvalidity);
		kv[1] = folder;
		kv[2] = "uid";
		kv[3] = uidn;
		kv[4] = "uidvalidity";
		kv[5] = uidv;
		return cutnote_put(cn, b, "cut-where-uid", 0, kv, 3);
	}
	if (msg->message_id[0] != '\0') {
		kv[2] = "message_id";
		kv[3] = msg->message_id;
		return cutnote_put(cn, b, "cut-where-msgid", 0, kv, 2);
	}
	return cutnote_put(cn, b, "cut-where-folder", 0, kv, 1);
}

/* The note, into b. */
static int
cutnote_write(struct cutnote *cn, struct buf *b, struct store *st,
    int64_t id, const struct mime_msg *msg, const char *processed)
{
	struct mime_cut_info	 ci;
	struct buf		 parts;
	char			 size[24], limit[24];
	const char		*kv[6];
	int			 rv;

	if (mime_cut_read(msg, &ci) != 1)
		rv = cutnote_put(cn, b, "cut-note-unknown", 0, NULL, 0);
	else {
		buf_init(&parts);
		buf_addstr(&parts, "");
		rv = cutnote_parts(cn, &parts, &ci);
		snprintf(size, sizeof(size), "%zu", ci.size);
		snprintf(limit, sizeof(limit), "%zu", ci.limit);
		kv[0] = "size";
		kv[1] = size;
		kv[2] = "limit";
		kv[3] = limit;
		kv[4] = "parts";
		kv[5] = parts.data;
		if (rv == 0)
			rv = cutnote_put(cn, b, "cut-note", 0, kv, 3);
		buf_free(&parts);
		mime_cut_info_free(&ci);
	}
	if (rv == 0)
		rv = cutnote_where(cn, b, st, id, msg, processed);
	return rv;
}

int
cutnote_add(struct buf *b, struct store *st, int64_t id, int truncated,
    const struct mime_msg *msg, const char *processed,
    const char *templates, const char *lang, char **errstr)
{
	struct cutnote	cn;

	*errstr = NULL;
	if (!truncated)
		return 0;
	cn.templates = templates;
	cn.lang = lang;
	cn.errstr = NULL;
	if (cutnote_write(&cn, b, st, id, msg, processed) == -1) {
		*errstr = cn.errstr;
		return -1;
	}
	return 0;
}

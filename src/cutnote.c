/*
 * cutnote: writes, for a message kept cut at max_message_size, the note
 * its readers get: that it was cut, each part missing (type, name, size)
 * and where the whole message lies on the server (the processed folder
 * and the UID there; the Message-ID when the UID is unknown).  The text
 * parts of such a message are kept whole, so the note only names what
 * the reader cannot see.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "cutnote.h"
#include "mime.h"
#include "mime_cut.h"
#include "store.h"

static void	cutnote_parts(struct buf *, const struct mime_cut_info *);
static void	cutnote_where(struct buf *, struct store *, int64_t,
		    const struct mime_msg *, const char *);

void
cutnote_add(struct buf *b, struct store *st, int64_t id, int truncated,
    const struct mime_msg *msg, const char *processed)
{
	struct mime_cut_info	ci;

	if (!truncated)
		return;
	if (mime_cut_read(msg, &ci) == 1) {
		buf_printf(b, "\n----- this message was cut -----\n"
		    "It was %zu bytes, over max_message_size (%zu bytes).\n"
		    "Its text parts are kept whole; ", ci.size, ci.limit);
		cutnote_parts(b, &ci);
		mime_cut_info_free(&ci);
	} else
		buf_printf(b, "\n----- this message was cut -----\n"
		    "It was over max_message_size; only its first bytes "
		    "were kept.\n");
	cutnote_where(b, st, id, msg, processed);
}

/* The parts left out or cut short, one a line. */
static void
cutnote_parts(struct buf *b, const struct mime_cut_info *ci)
{
	const struct mime_cut_part	*p;
	size_t				 i;

	if (ci->nparts == 0) {
		buf_printf(b, "no part is missing.\n");
		return;
	}
	buf_printf(b, "these parts are missing:\n");
	for (i = 0; i < ci->nparts; i++) {
		p = &ci->parts[i];
		buf_printf(b, "  - part %s, %s", p->section, p->type);
		if (p->name != NULL && p->name[0] != '\0')
			buf_printf(b, " \"%s\"", p->name);
		if (p->kept == 0)
			buf_printf(b, ", %zu bytes, left out\n", p->octets);
		else
			buf_printf(b, ", %zu bytes, cut: its first %zu "
			    "kept\n", p->octets, p->kept);
	}
}

/* Where the whole message lies. */
static void
cutnote_where(struct buf *b, struct store *st, int64_t id,
    const struct mime_msg *msg, const char *processed)
{
	char		folder[256];
	uint32_t	uidvalidity, uid;

	if (store_message_moved(st, id, folder, sizeof(folder), &uidvalidity,
	    &uid) == 1)
		buf_printf(b, "The whole message lies in folder %s, UID %" PRIu32
		    " (UIDVALIDITY %" PRIu32 ").\n", folder, uid, uidvalidity);
	else if (msg->message_id[0] != '\0')
		buf_printf(b, "The whole message lies in folder %s, "
		    "Message-ID <%s>.\n", processed, msg->message_id);
	else
		buf_printf(b, "The whole message lies in folder %s.\n",
		    processed);
}

/*
 * imap_chunk: fetches one big message a piece at a time.  libetpan reads
 * a FETCH answer whole into its stream buffer, then copies each literal
 * out of it, so a message fetched in one go is held two or three times
 * over until the answer is freed.  Fetched as BODY.PEEK[]<offset.length>
 * of IMAP_CHUNK bytes, it is held once, in the buffer handed to the
 * callback, and libetpan's buffers stay the size of a piece.  The buffer
 * is sized from RFC822.SIZE and grows if the server sends more; the last
 * piece is the one shorter than asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "imap_priv.h"
#include "log.h"
#include "xmalloc.h"

struct chunk_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static void
chunk_wipe(struct chunk_buf *b)
{
	if (b->data != NULL) {
		crypto_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

static void
chunk_add(struct chunk_buf *b, const char *p, size_t n)
{
	char	*d;
	size_t	 cap, len;

	if (b->len + n + 1 + IMAP_DATA_ROOM > b->cap) {
		/* Grown by hand: realloc would leave the old bytes unwiped. */
		cap = b->len + n + 1 + IMAP_DATA_ROOM > b->cap * 2 ?
		    b->len + n + 1 + IMAP_DATA_ROOM : b->cap * 2;
		d = xmalloc(cap);
		if ((len = b->len) > 0)
			memcpy(d, b->data, len);
		chunk_wipe(b);
		b->data = d;
		b->cap = cap;
		b->len = len;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * One piece: n bytes from off.  *got is what came; returns 0, 1 when the
 * message is gone, or -1 when the command failed.
 */
static int
chunk_piece(struct imap_session *s, uint32_t uid, size_t off, size_t n,
    struct chunk_buf *b, size_t *got, char **errstr)
{
	struct mailimap_section		*sec;
	struct mailimap_fetch_att	*att;
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	clist				*result = NULL;
	clistiter			*it;
	struct imap_att			 a;
	int64_t				 before;
	int				 r, found = 0;

	*got = 0;
	if ((sec = mailimap_section_new(NULL)) == NULL ||
	    (att = mailimap_fetch_att_new_body_peek_section_partial(sec,
	    (uint32_t)off, (uint32_t)n)) == NULL ||
	    (set = mailimap_set_new_single(uid)) == NULL)
		imap_oom();
	ft = imap_fetch_type(att);
	before = imap_count(s);
	r = mailimap_uid_fetch(s->imap, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail(s, errstr, "fetch (piece)", r,
		    IMAP_QUOTE_NONE);
	imap_note_arrivals(s, before);
	for (it = clist_begin(result); it != NULL && !found;
	    it = clist_next(it)) {
		imap_att_parse(clist_content(it), &a);
		if (a.uid != uid || a.body == NULL)
			continue;
		found = 1;
		*got = a.len > n ? n : a.len;
		chunk_add(b, a.body, *got);
	}
	mailimap_fetch_list_free(result);
	return found ? 0 : 1;
}

int
imap_chunk_fetch(struct imap_session *s, uint32_t uid, size_t size,
    size_t limit, imap_fetch_cb cb, void *arg, char **errstr)
{
	struct chunk_buf	b;
	size_t			n, got;
	int			r;

	b.cap = size + 1 + IMAP_DATA_ROOM;
	b.data = xmalloc(b.cap);
	b.len = 0;
	for (;;) {
		n = IMAP_CHUNK;
		if (limit > 0 && limit - b.len < n)
			n = limit - b.len;
		if (n == 0 || b.len > UINT32_MAX - n)
			break;
		r = chunk_piece(s, uid, b.len, n, &b, &got, errstr);
		if (r == -1 || (r == 1 && b.len == 0)) {
			chunk_wipe(&b);
			return r == -1 ? -1 : 0;
		}
		if (r == 1 || got < n)
			break;
	}
	b.data[b.len] = '\0';
	log_debug("imap: uid %u fetched in pieces, %zu bytes", uid, b.len);
	cb(uid, b.data, b.len, b.cap, 0, arg);
	return 1;
}

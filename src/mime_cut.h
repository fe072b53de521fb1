/*
 * mime_cut: the stored form of a message over max_message_size.  Such a
 * message is rebuilt from the pieces imap fetched (its header, the MIME
 * headers of its multiparts and text parts, the text parts' bodies), with
 * the original boundaries, so mime_parse() reads it like any message.
 * What was left out is listed in X-Conductd-Cut and X-Conductd-Omitted
 * fields at the top of its header; mime_cut_read() reads them back.
 * Fields of those names in the sender's own header are dropped while
 * building, so a rebuilt message holds only conductd's.  Callers read
 * them only from messages the store marks as cut.
 */
#ifndef MIME_CUT_H
#define MIME_CUT_H

#include <stddef.h>

struct mime_msg;
struct mime_cut;

/* A new rebuilt message of a message of size octets, over limit. */
struct mime_cut *mime_cut_new(size_t size, size_t limit);
void	mime_cut_free(struct mime_cut *);

/*
 * The pieces, in the order they appear: the message's header first
 * (once); a multipart's parts between mime_cut_open and mime_cut_close,
 * each begun with mime_cut_next; per part its MIME header (mime_cut_part;
 * a message/rfc822 part has two: its own, then the message's), then its
 * body (mime_cut_body) or its parts.  Header blocks may end in any
 * number of line ends.  Multiparts nest at most MIME_CUT_MAX_DEPTH deep.
 */
#define MIME_CUT_MAX_DEPTH	16
void	mime_cut_header(struct mime_cut *, const char *, size_t);
void	mime_cut_open(struct mime_cut *, const char *boundary);
void	mime_cut_next(struct mime_cut *);
void	mime_cut_part(struct mime_cut *, const char *, size_t);
void	mime_cut_close(struct mime_cut *);
void	mime_cut_body(struct mime_cut *, const char *, size_t);

/*
 * Records a part left out (kept 0) or cut short (kept its first kept
 * octets): its IMAP section ("2", "1.3"), octets as sent, type, and
 * name (NULL or "" for none).  name is raw bytes; charset is the
 * RFC 2231 charset of those bytes, or NULL when the name is already
 * header text (ASCII, maybe RFC 2047 words).
 */
void	mime_cut_omit(struct mime_cut *, const char *section, size_t octets,
	    const char *type, size_t kept, const char *name,
	    const char *charset);

/* The rebuilt message (caller frees, wipes); the builder is freed. */
char	*mime_cut_finish(struct mime_cut *, size_t *len);

/* What a rebuilt message says of its cut. */
struct mime_cut_part {
	char	 section[32];
	size_t	 octets;	/* as sent (encoded) */
	char	 type[64];
	size_t	 kept;		/* 0: left out; else octets kept */
	char	*name;		/* decoded, UTF-8; "" for none */
};

struct mime_cut_info {
	size_t			 size;	/* the whole message on the server */
	size_t			 limit;	/* max_message_size then */
	struct mime_cut_part	*parts;
	size_t			 nparts;
};

/* 1 and *ci filled if msg carries the record of a cut, else 0. */
int	mime_cut_read(const struct mime_msg *, struct mime_cut_info *ci);
void	mime_cut_info_free(struct mime_cut_info *);

#endif

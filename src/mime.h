/*
 * mime: parses one raw message (libetpan) into one normalized message:
 * headers decoded to UTF-8 (RFC 2047, RFC 2231), the body text decoded to
 * UTF-8 (text/plain preferred, HTML-only turned into readable text), the
 * attachments listed, forwarded messages (message/rfc822) made readable.
 *
 * Parsing never fails on bad input: malformed mail (broken boundaries, bad
 * base64, 8-bit headers, NUL bytes, bare CR, no headers, empty) is parsed
 * as far as it goes, and what went wrong is recorded as warning bits.
 * Every string in a parsed message is valid UTF-8 without NUL bytes.
 */
#ifndef MIME_H
#define MIME_H

#include <stddef.h>

/* Warning bits: names are for logs and the database, never content. */
#define MIME_W_NO_HEADERS	0x0001	/* no header block at all */
#define MIME_W_EMPTY		0x0002	/* zero bytes */
#define MIME_W_BAD_STRUCTURE	0x0004	/* MIME structure did not parse */
#define MIME_W_BAD_BOUNDARY	0x0008	/* missing or unterminated boundary */
#define MIME_W_BAD_ENCODING	0x0010	/* bad base64/quoted-printable */
#define MIME_W_UNKNOWN_CHARSET	0x0020	/* label unknown: best effort */
#define MIME_W_BAD_CHARSET	0x0040	/* bytes invalid in their charset */
#define MIME_W_8BIT_HEADER	0x0080	/* raw 8-bit bytes in headers */
#define MIME_W_NUL		0x0100	/* NUL bytes removed */
#define MIME_W_BARE_CR		0x0200	/* bare CR or LF line ends */
#define MIME_W_TRUNCATED	0x0400	/* caller said the raw is cut short */
#define MIME_W_TOO_DEEP		0x0800	/* nesting limit reached */
#define MIME_W_NO_HTML_PARSER	0x1000	/* no libxml2: HTML tags stripped */

#define MIME_CHARSET_MAX	41	/* a charset label and its NUL */

struct mime_header {
	char	*name;		/* as in the message */
	char	*value;		/* unfolded, decoded to UTF-8 */
};

struct mime_attachment {
	char	*name;		/* decoded file name, or "" */
	char	*type;		/* "image/png", lower case */
	size_t	 size;		/* decoded size in bytes */
	char	*data;		/* the decoded bytes (size of them) */
};

struct mime_msg {
	/* Decoded (UTF-8) header values; "" when absent, never NULL. */
	char			*subject;
	char			*from;		/* display form, "Name <addr>" */
	char			*from_addr;	/* bare addr-spec, lower case */
	char			*reply_to_addr;	/* bare addr-spec or "" */
	char			*to;
	char			*cc;
	char			*date;
	char			*message_id;	/* without <>, or "" */
	char			*in_reply_to;	/* without <>, or "" */
	char			*references;	/* ids without <>, space separated */

	struct mime_header	*headers;	/* every top-level header */
	size_t			 nheaders;

	char			*text;		/* the readable body, UTF-8 */
	int			 html_only;	/* text came from HTML */
	/* The charset label of the first text part, lower case, or "". */
	char			 text_charset[MIME_CHARSET_MAX];

	struct mime_attachment	*attachments;
	size_t			 nattachments;

	int			 warnings;	/* MIME_W_* bits */
};

/*
 * Parses len bytes of raw mail.  truncated says the caller fetched only
 * the first bytes of a larger message.  Never returns NULL.
 */
struct mime_msg *mime_parse(const char *raw, size_t len, int truncated);
/*
 * Parses raw's header block alone (the intake's Message-ID): no body is
 * walked or decoded, and the warnings say nothing of the body.
 */
struct mime_msg *mime_parse_headers(const char *raw, size_t len);
void	mime_msg_free(struct mime_msg *);

/*
 * Returns the decoded value of the first top-level header called name
 * (case-insensitive), or NULL if there is none.
 */
const char *mime_header(const struct mime_msg *, const char *name);

/*
 * The References header of a reply to msg: its References, then its
 * Message-ID (RFC 5322 3.6.4); "" when it has neither.  Caller frees.
 */
char	*mime_reply_references(const struct mime_msg *);

/* Room for every warning name, comma-separated, and the NUL. */
#define MIME_WARNINGS_LEN	192
/* Writes the warning names ("bad-boundary,nul") into buf (always ends). */
void	mime_strwarnings(int warnings, char *buf, size_t size);

/*
 * OpenPGP in a message (mime_pgp.c), as mime_pgp_find() finds it: the
 * armor of a PGP/MIME encrypted message (RFC 3156) or of an inline one
 * in a text body; the signed part (CRLF line ends) and the signature of
 * multipart/signed; the whole clear-signed block of a text body.  The
 * buffers are copies: mime_pgp_free() frees them.
 */
enum mime_pgp_kind {
	MIME_PGP_NONE = 0,
	MIME_PGP_ENCRYPTED,
	MIME_PGP_INLINE,
	MIME_PGP_SIGNED,
	MIME_PGP_CLEARSIGNED
};

struct mime_pgp {
	enum mime_pgp_kind	 kind;
	char			*data;
	size_t			 len;
	char			*sig;		/* MIME_PGP_SIGNED */
	size_t			 siglen;
};

/* Fills *p for raw (a whole message); returns p->kind. */
int	mime_pgp_find(const char *raw, size_t len, struct mime_pgp *p);
void	mime_pgp_free(struct mime_pgp *);

/*
 * raw rebuilt around what its OpenPGP part opened to: with mime, entity
 * is a MIME entity (PGP/MIME's inner part: its own Content-Type, and
 * any protected headers, which replace raw's fields of the same names);
 * without, it is the text of raw's single text body (kept with raw's
 * Content-Type, sent 8bit).  Returns it allocated (caller wipes).
 */
char	*mime_pgp_rebuild(const char *raw, size_t len, const char *entity,
	    size_t elen, int mime, size_t *outlen);

#endif

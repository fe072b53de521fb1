/*
 * compose: writes outgoing mail with libetpan's MIME writer: RFC 5322
 * headers (Date, Message-ID), RFC 2047 encoded words for non-ASCII text,
 * a UTF-8 text body (quoted-printable or base64 as needed) and optional
 * attachments.  Nothing taken from incoming mail reaches a header
 * unencoded: CR, LF and other control characters in any value are
 * removed before encoding, so no value can start a header of its own.
 */
#ifndef COMPOSE_H
#define COMPOSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct compose_attachment {
	const char	*name;		/* UTF-8 file name (RFC 2231) */
	const char	*type;		/* "image/png"; NULL: octet-stream */
	const void	*data;
	size_t		 len;
};

struct compose_mail {
	const char	*from_name;	/* UTF-8 display name, or NULL */
	const char	*from_addr;	/* bare addr-spec */
	const char	*to_name;	/* or NULL */
	const char	*to_addr;
	const char	*reply_to_addr;	/* or NULL */
	const char	*subject;	/* UTF-8 */
	const char	*message_id;	/* without <> */
	const char	*in_reply_to;	/* without <>, or NULL */
	const char	*references;	/* ids without <>, space separated */
	time_t		 date;
	const char	*auto_submitted; /* "auto-replied", ... or NULL */
	const char	*loop_guard;	/* X-Conductd-Loop value, or NULL */
	const char	*text;		/* UTF-8 body */
	const struct compose_attachment *attachments;
	size_t		 nattachments;
	/*
	 * OpenPGP (pgp.h): with pgp_key set (a fingerprint) the message is
	 * written in its protected form, to be encrypted to that key when
	 * it is sent (compose_pgp_mime): the outer header with Subject
	 * outer_subject ("[tag code-name]": no content), a blank line, and
	 * the whole message as the inner part, its headers protected
	 * (protected-headers="v1": the real Subject is there).
	 */
	const char	*pgp_key;
	const char	*outer_subject;
	/*
	 * An Autocrypt header's value (pgpmail.h), or NULL: printable
	 * ASCII; its spaces are where it may fold.
	 */
	const char	*autocrypt;
};

/*
 * Returns the whole message with CRLF line ends (allocated, *len set), or
 * NULL with *errstr allocated when an address is not a plain addr-spec or
 * a required field is missing.
 */
char	*compose_message(const struct compose_mail *, size_t *len,
	    char **errstr);

/*
 * Composes m and writes it to the outbox, in the caller's transaction:
 * envelope sender from, recipient m->to_addr, of the given kind, for a
 * case (0: none) and a member's keyed id (NULL: none); m->message_id is
 * remembered so replies find their case.  Returns 0 (*id set if id is
 * not NULL), 1 when the mail could not be composed (*errstr allocated),
 * -1 on a database error.
 */
struct store;
int	compose_queue(struct store *, const struct compose_mail *,
	    const char *from, const char *kind, int64_t case_id,
	    const char *member, int64_t *id, char **errstr);

/*
 * The mail to send for a protected form: its outer header, then the
 * inner part encrypted to the key to and signed with signer (NULL: not
 * signed), as PGP/MIME (RFC 3156: multipart/encrypted, the version part,
 * the armor).  Returns it allocated (*outlen set), or NULL with *errstr
 * allocated (naming no content) when it cannot be encrypted: the form
 * is then never sent as it is.
 */
struct pgp;
char	*compose_pgp_mime(struct pgp *, const char *to, const char *signer,
	    const char *form, size_t len, size_t *outlen, char **errstr);

/* A new unique Message-ID (without <>) in domain, into buf. */
void	compose_message_id(const char *domain, char *buf, size_t size);

/* 1 if s is a plain addr-spec we are willing to put in a header. */
int	compose_valid_address(const char *s);

#endif

/*
 * classify: decides from a parsed message's headers whether it is
 * automatic mail (an auto-reply, a bounce, list mail, spam) that must
 * never be acknowledged, or our own mail come back.  Whether it joins an
 * existing case is decided by cases.c, which knows the case addresses.
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H

struct mime_msg;

enum classify_kind {
	CLASSIFY_PERSON = 0,	/* written by a person: may be a report */
	CLASSIFY_AUTO_REPLY,	/* RFC 3834, X-Autoreply, Precedence, MS */
	CLASSIFY_BOUNCE,	/* DSN, null sender, MAILER-DAEMON */
	CLASSIFY_LIST,		/* List-Id, List-Unsubscribe, Precedence */
	CLASSIFY_SPAM,		/* X-Spam-Flag: YES */
	CLASSIFY_OWN		/* carries our loop-guard header */
};

/* The header conductd puts on all its mail, with the alias as value. */
#define CLASSIFY_LOOP_HEADER	"X-Conductd-Loop"

/* alias: the committee's alias address, the loop-guard value. */
enum classify_kind classify_message(const struct mime_msg *,
	    const char *alias);
/* "person", "auto-reply", "bounce", "list", "spam", "own". */
const char *classify_strkind(enum classify_kind);

/*
 * Whether the admin's own receiving server vouched for the message
 * (DESIGN.md section 6): among the Authentication-Results headers whose
 * authserv-id is authserv_id (any case; headers of other ids are
 * ignored), no dkim, spf or dmarc result is fail, softfail, permerror,
 * policy or hardfail, and at least one is pass whose identity (header.d
 * or header.i, smtp.mailfrom or smtp.helo, header.from), when the
 * header names one, is the From domain or a parent or child of it.
 * Returns 1 when it did, 0 when not (no header from that server, a
 * failure, no aligned pass).  authserv_id NULL or "" returns 1.  It
 * trusts the server to remove forged headers that carry its own id.
 */
int	classify_authenticated(const struct mime_msg *,
	    const char *authserv_id);

#endif

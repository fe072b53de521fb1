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

enum classify_auth_result {
	CLASSIFY_AUTH_NONE = 0,	/* not vouched for: no pass, or a failure */
	CLASSIFY_AUTH_PASS,	/* the server vouched for the From */
	CLASSIFY_AUTH_FORGED	/* a header in the server's name it did not write */
};

/*
 * Whether the admin's own receiving server vouched for the message
 * (DESIGN.md section 6), read as RFC 8601 section 5 intends: only the
 * server's own Authentication-Results count, and those are the topmost
 * ones carrying authserv_id (any case), the block that begins with the
 * first such header and ends at the next Received header (the server's
 * own hop; headers of other ids are ignored).  A header with authserv_id
 * below that Received header was in the mail before the server took it:
 * CLASSIFY_AUTH_FORGED, whatever the rest says.  Within the block, no
 * dkim, spf or dmarc result is fail, softfail, permerror, policy or
 * hardfail, and at least one is pass whose identity (header.d or
 * header.i, smtp.mailfrom or smtp.helo, header.from), when the header
 * names one, is the From domain or a parent or child of it:
 * CLASSIFY_AUTH_PASS; otherwise CLASSIFY_AUTH_NONE.  authserv_id NULL or
 * "" gives CLASSIFY_AUTH_PASS.  A header with authserv_id that has a
 * Received header above it (other than the final delivery's, "with
 * LMTP") while none stands above that is forged too: the server wrote
 * none, and the one there came with the mail.  So the server must write
 * its header on every message, above its Received header, as milters do
 * (conductctl check-config probes it).
 */
enum classify_auth_result classify_auth_check(const struct mime_msg *,
	    const char *authserv_id);
/* classify_auth_check() == CLASSIFY_AUTH_PASS. */
int	classify_authenticated(const struct mime_msg *,
	    const char *authserv_id);

#endif

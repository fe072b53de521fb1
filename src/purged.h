/*
 * purged: mail that arrives for a case whose content conductctl purge
 * dropped (a member's late answer to a conflict check, a command or a
 * reply in the case's thread, a reporter's follow-up).  Such mail is
 * recorded like any other, with its kind and its case, and its content is
 * dropped at once, as the purge would have; its sender, when it is to be
 * answered at all, gets one short reply (template case-purged) that the
 * case is closed and its content deleted, at most once a day per sender
 * and case so that no mail loop can start.  Nothing else changes: no
 * state, no relay, no report sent, no new case.
 */
#ifndef PURGED_H
#define PURGED_H

#include <stdint.h>

struct config;
struct mime_msg;
struct store;
struct store_case;

/* How long one sender is answered only once about one purged case. */
#define PURGED_ANSWER_WINDOW	(24 * 60 * 60)

struct purged_mail {
	int64_t			 msg_id;
	const struct mime_msg	*msg;
	const struct store_case	*sc;	/* its content purged */
	const char		*kind;	/* recorded as the message's */
	const char		*rcpt;	/* to answer; NULL: nobody */
};

/*
 * In the caller's transaction: records the message, drops its content
 * and, unless rcpt is NULL, a no-reply address, or answered about this
 * case within PURGED_ANSWER_WINDOW, queues the reply (kind "case-purged",
 * on the case).  A reply that cannot be composed (a broken template) is
 * logged and left out: the message is still handled.  Returns 0, or -1
 * on a database error.
 */
int	purged_mail(const struct config *, struct store *,
	    const struct purged_mail *);

#endif

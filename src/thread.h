/*
 * thread: what makes a case nest as one thread in each recipient's mail
 * client (mutt, Thunderbird, Gmail, Apple Mail).
 *
 * Each recipient of a case (every member, the reporter) has a root: a
 * Message-ID derived from the key, the case and the recipient, so it is
 * regenerated rather than stored.  The first case mail to a recipient
 * takes the root as its own Message-ID; every later one names the root
 * first in References and answers it (or the recipient's own mail when
 * it answers one).  Mail to one recipient never names another's ids.
 *
 * Subjects keep "[tag code-name]" once, in front, and at most one "Re:"
 * behind it, whatever reply prefixes the clients added ("RE:", "AW:",
 * "SV:", "回复:", "Re[2]:", ...).
 */
#ifndef THREAD_H
#define THREAD_H

#include <stddef.h>
#include <stdint.h>

#define THREAD_ID_MAX		256	/* one Message-ID, with its NUL */
#define THREAD_MAX_REFS		12	/* ids in the References we write */
#define THREAD_REPORTER		"reporter"	/* who: the case's reporter */
#define THREAD_REPORTED		"reported"	/* the reported person */
#define THREAD_MODERATORS	"moderators"	/* the moderators */

struct crypto_key;
struct store;

/*
 * The root Message-ID (without <>) of case (id, code name) for who (a
 * member's keyed id, or "reporter") in domain, into buf.
 */
void	thread_root(const struct crypto_key *, const char *domain,
	    int64_t case_id, const char *code, const char *who, char *buf,
	    size_t size);

/*
 * The References of a mail in root's thread (root NULL: none) that
 * answers a message with id answered (or NULL) and References
 * answered_refs (or NULL): root first, then the newest of answered_refs,
 * then answered, each once, at most THREAD_MAX_REFS ids.  Allocated;
 * "" when there is nothing to name.
 */
char	*thread_references(const char *root, const char *answered,
	    const char *answered_refs);

/* The ids one outgoing mail carries. */
struct thread_ids {
	char	 message_id[THREAD_ID_MAX];
	char	 in_reply_to[THREAD_ID_MAX];	/* "": none */
	char	*references;			/* allocated; "": none */
};

/*
 * The ids of the next mail in root's thread in domain, answering
 * answered (the recipient's own mail, with its References), or NULL.
 * The first mail of the thread (root not yet in the outbox) takes root
 * as its Message-ID.  0, or -1 on a database error.  Free with
 * thread_ids_free.
 */
int	thread_next(struct store *, const char *domain, const char *root,
	    const char *answered, const char *answered_refs,
	    struct thread_ids *);
void	thread_ids_free(struct thread_ids *);

/*
 * "tag subject" (tag such as "[CoC quiet-otter]"): the tag once, in
 * front, wherever and however often it was in subject; the clients'
 * reply and forward prefixes folded into one "Re: " (reply set, or any
 * reply prefix present) or one "Fwd: " (forward prefixes alone).  An
 * empty rest becomes empty_as.  Allocated.
 */
char	*thread_subject(const char *tag, const char *subject, int reply,
	    const char *empty_as);

#endif

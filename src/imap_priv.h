/*
 * imap_priv.h: what imap.c shares with its sibling imap_cut.c.  Nothing
 * outside imap*.c includes it: it names libetpan's types.
 */
#ifndef IMAP_PRIV_H
#define IMAP_PRIV_H

#include <libetpan/libetpan.h>

#include "imap.h"

/* A message whose cut fetch failed this often is fetched cut short. */
#define IMAP_CUT_TRIES	2

struct imap_session {
	char		*host;
	int		 port;
	enum tls_mode	 tls;
	char		*ca_file;
	char		*user;
	char		*password;
	char		*mailbox;
	char		*processed;
	int		 check_only;
	int		 timeout;

	mailimap	*imap;
	enum imap_state	 state;
	int		 broken;	/* a command failed: no LOGOUT */
	uint32_t	 uidvalidity;
	int		 has_idle;
	int		 has_move;
	int		 has_uidplus;
	int		 pending;	/* new mail announced, not yet listed */

	/* Kept across reconnects (imap_close leaves them). */
	uint32_t	 cut_uid;	/* the last message a cut fetch failed */
	int		 cut_fails;	/* how often in a row */
};

/* Which response a failed step may quote. */
enum imap_quote {
	IMAP_QUOTE_NONE = 0,
	IMAP_QUOTE_RESPONSE
};

/* Sets *errstr for a failed step and marks the session broken: -1. */
int	imap_fail(struct imap_session *, char **errstr, const char *step,
	    int r, enum imap_quote);
int64_t	imap_count(struct imap_session *);
/* Remembers mail announced during a command (count before it). */
void	imap_note_arrivals(struct imap_session *, int64_t before);
void	imap_oom(void) __attribute__((noreturn));
int	imap_uid_cmp(const void *, const void *);
/* A FETCH of UID and att (owned by the result). */
struct mailimap_fetch_type *imap_fetch_type(struct mailimap_fetch_att *);

/*
 * imap_cut.c: fetches message uid (size octets, over limit) as its text
 * parts (BODYSTRUCTURE, then the header, the MIME headers and the text
 * parts whole while they fit in limit together) and hands the rebuilt
 * message (mime_cut.h) to cb with truncated set.  Returns 1 when it was
 * handed, 0 when the message was gone before it could be fetched, -1 on
 * error.
 */
int	imap_cut_fetch(struct imap_session *, uint32_t uid, size_t size,
	    size_t limit, imap_fetch_cb, void *arg, char **errstr);

#endif

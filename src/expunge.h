/*
 * expunge: what remains on the IMAP server goes too.  Stored messages'
 * copies in the processed folder are expunged processed_keep days after
 * they were stored (0: on the pass that stored them; keep: never), and
 * the copies of a purged case's messages at once (conductctl purge asks;
 * the next pass of conductd finishes what it could not).  Only counts
 * are logged.
 */
#ifndef EXPUNGE_H
#define EXPUNGE_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "imap.h"
#include "store.h"

struct expunge_counts {
	size_t	removed;	/* expunged from the server */
	size_t	at_once;	/* of them, due at once (purged, or dropped) */
	size_t	absent;		/* already gone (removed by someone else) */
	size_t	lost;		/* could not be found (see imap_expunge) */
};

/* Copies stored at or before this are due (-1: none by age). */
time_t	expunge_cutoff(const struct config *, time_t now);

/*
 * Expunges every due copy over the selected session and records it gone;
 * logs the counts when there were any.  -1 with *errstr when the session
 * failed (what was done before stays recorded) or the store failed.
 */
int	expunge_run(struct store *, struct imap_session *,
	    const struct config *, time_t now, struct expunge_counts *,
	    char **errstr);

#endif

/*
 * cutnote: the note that tells a reader a stored message was over
 * max_message_size: what was left out and where the whole message lies.
 */
#ifndef CUTNOTE_H
#define CUTNOTE_H

#include <stdint.h>

struct buf;
struct mime_msg;
struct store;

/*
 * Appends the note to b when msg (message id, marked truncated by the
 * store) carries the record of a cut; processed is the configured
 * processed folder, named when the message's own place is unknown;
 * templates the admin's template folder and lang the language (the
 * note's words are the cut-*.txt templates).  Appends nothing for a message that was not
 * cut.  0, or -1 with *errstr allocated when a template fails.
 */
int	cutnote_add(struct buf *b, struct store *, int64_t id, int truncated,
	    const struct mime_msg *msg, const char *processed,
	    const char *templates, const char *lang, char **errstr);

#endif

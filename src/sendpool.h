/*
 * sendpool: the outbox's connections.  Each slot is one SMTP session
 * (the caller's send function and its argument); with more than one
 * slot, each sends on a thread of its own, so that several messages are
 * in flight at once, one per connection.  Only sends run on those
 * threads: the caller does every database write, before a send starts
 * and after it ends, on its own thread.  With one slot the send runs at
 * once on the caller's thread, as before pools existed.
 */
#ifndef SENDPOOL_H
#define SENDPOOL_H

#include "outbox.h"

/* One message handed to a slot, and what its send came to. */
struct sendpool_job {
	const char		*from;
	const char		*rcpt;
	const char		*data;
	size_t			 len;
	void			*ctx;		/* the caller's */

	enum smtp_status	 st;
	int			 code;
	char			*errstr;	/* allocated, or NULL */
	int			 unsure;
};

struct sendpool;

/* n slots (at least 1), slot i sending with args[i]; no thread yet. */
struct sendpool	*sendpool_new(outbox_send_fn, void **args, int n);
/* Waits for the sends under way, then ends the threads. */
void		 sendpool_free(struct sendpool *);

/* The lowest idle slot, or -1 when every one is sending. */
int		 sendpool_idle(struct sendpool *);
/* The number of sends under way or finished and not yet collected. */
int		 sendpool_busy(struct sendpool *);
/* Starts the job on an idle slot; the job must live until collected. */
void		 sendpool_start(struct sendpool *, int slot,
		    struct sendpool_job *);
/*
 * A finished job, in the order they finished; NULL when none finished
 * within ms milliseconds (or nothing is under way).
 */
struct sendpool_job *sendpool_wait(struct sendpool *, int ms);

#endif

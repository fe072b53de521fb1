/*
 * outbox: drains the queue of outgoing mail.  Every row was written in
 * the transaction of the decision that caused it; this sends the rows
 * that are due, by class and oldest first, one after the other over the
 * caller's SMTP session (one connection for as many as are due).  A row's
 * lifecycle: queued -> sent, or queued -> failed on a permanent (5xx)
 * refusal; a temporary failure leaves it queued with its next attempt
 * pushed back exponentially.  An SMTP outage delays mail, never drops it.
 * queued -> held when 3 sends were begun and none was confirmed (each
 * may have reached the recipient): it is not sent again.
 */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <time.h>

#include "smtp.h"

struct store;

/*
 * Sends one message; the daemon wraps smtp_send, tests fake it.  On
 * SMTP_TEMPFAIL *unsure says the server may have taken it (smtp_unsure).
 */
typedef enum smtp_status (*outbox_send_fn)(const char *from,
	    const char *rcpt, const char *data, size_t len, int *code,
	    char **errstr, int *unsure, void *arg);

struct outbox_result {
	int	sent;
	int	deferred;
	int	failed;
	int	held;		/* too many sends not confirmed */
	int	unreachable;	/* the run ended: the server did not answer */
	time_t	retry_at;	/* then: when the row it deferred is due */
};

/* Seconds to wait after the given number of failed attempts (>= 1). */
time_t	outbox_backoff(int attempts);

/*
 * Sends every due row through send.  A temporary failure without a reply
 * code (the server is unreachable) ends the pass early.  Returns 0, or
 * -1 on a database error.  res may be NULL.
 */
int	outbox_run(struct store *, outbox_send_fn, void *arg,
	    struct outbox_result *res);

/*
 * The connections a run sends over: send is called with one of the n
 * args, one message at a time on each; with n > 1 each sends on a
 * thread of its own (sendpool.h), so send must be safe to call on
 * several threads at once with distinct args.
 */
struct outbox_conns {
	outbox_send_fn	  send;
	void		**args;
	int		  n;
};

/*
 * outbox_run (first: outbox_run_first) over up to c->n connections at
 * once.  Rows start in the same order as over one; each send is begun
 * and its outcome written on the caller's thread, one row at a time, so
 * every bound on resends holds as over one connection.  Once the server
 * proved unreachable no row starts; the sends under way end and are
 * recorded.
 */
int	outbox_run_conns(struct store *, const struct outbox_conns *c,
	    int first, struct outbox_result *res);

/*
 * The same for the first class only: urgent alerts, acknowledgments and
 * alarms (the daemon sends them between intake batches of a flood).
 */
int	outbox_run_first(struct store *, outbox_send_fn, void *arg,
	    struct outbox_result *res);

/*
 * Seconds until the next queued row is due (0 if one is due now), or -1
 * when nothing is queued.
 */
long	outbox_next_due(struct store *);

/*
 * Seconds the daemon may wait before the next run, given the last one
 * (zeroed if none): 0 when rows are due and the last run got on with
 * them (its time ran out, or rows were queued while it ran); while the
 * server is unreachable, until the row that found it so is due again; 1
 * when rows are due and the last run did nothing (no busy loop); the
 * seconds until the next row is due; -1 when nothing is queued.
 */
long	outbox_wait(struct store *, const struct outbox_result *last);

/*
 * When stop() returns non-zero (SIGTERM), a write waiting out a locked
 * database gives up at once instead of after OUTBOX_COMMIT_WAIT: the
 * send stays unconfirmed, and counts towards the resend bound.
 */
void	outbox_set_stop(int (*stop)(void));

/*
 * The keyring rows in their protected form (compose.h) are encrypted
 * with when they go, and the committee's key that signs them (NULL or
 * "": unsigned).  Without a keyring such a row is held, never sent.
 */
struct pgp;
void	outbox_set_pgp(struct pgp *, const char *signer);

/*
 * Who a row of kind went to when it went to no member: the reporter
 * (the acknowledgment, #to-reporter, the purged case's reply), the
 * reported person (#to-reported), the moderators (#to-moderators), or
 * OUTBOX_PARTY_NONE.  The lists of a case's mail read it.
 */
enum outbox_party {
	OUTBOX_PARTY_NONE = 0,
	OUTBOX_PARTY_REPORTER,
	OUTBOX_PARTY_REPORTED,
	OUTBOX_PARTY_MODERATORS
};
enum outbox_party outbox_party(const char *kind);

#endif

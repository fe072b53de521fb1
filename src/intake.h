/*
 * intake: the first stage of the pipeline.  One pass fetches every new
 * message of the alias's mailbox by UID, in batches over one IMAP
 * connection, stores each (sealed) in one transaction per batch, and only
 * after that transaction committed moves the batch to the processed
 * folder.  A crash at any step loses nothing and doubles nothing: rows
 * stored but not yet moved are moved on the next pass, and UIDVALIDITY
 * changes re-scan with duplicates caught by Message-ID and content hash.
 */
#ifndef INTAKE_H
#define INTAKE_H

struct config;
struct intake;
struct store;

/* Both are borrowed and must outlive the intake. */
struct intake *intake_new(const struct config *, struct store *);
void	intake_free(struct intake *);

/*
 * One pass: connects if needed, finishes moves left over from a crash,
 * then fetches, stores and moves everything new.  It stops between
 * batches when stop() returns non-zero.  Returns the number of messages
 * stored, or -1 after a connection or store failure (already logged; the
 * connection is closed and the caller retries with backoff).
 */
int	intake_pass(struct intake *, int (*stop)(void));
/* The last pass's seconds waiting on FETCH, storing, and on MOVE. */
struct intake_times {
	double	fetch;
	double	store;
	double	move;
};
const struct intake_times *intake_times(const struct intake *);
/*
 * After intake_pass() returned -1: 1 when the IMAP server refused the
 * login (imap_auth_refused()), a failure retrying does not cure.
 */
int	intake_auth_refused(const struct intake *);
/*
 * After the pass's case step: expunges the server copies now due
 * (expunge.h), those whose content the case step dropped included.  A
 * failure costs the session, not the pass: what was stored stays
 * stored, the next pass reconnects and tries again.
 */
void	intake_expunge(struct intake *);

/*
 * Waits up to timeout seconds for new mail (IMAP IDLE, or plain waiting
 * where the server has no IDLE), returning early when stopfd is readable.
 * Returns 1 when new mail was announced, 0 otherwise, -1 on a connection
 * failure (logged; the connection is closed).
 */
int	intake_wait(struct intake *, int timeout, int stopfd);

/*
 * Lets a command that waits on the server end early: when stopfd is
 * readable and stop() returns non-zero (see imap_set_stop()).
 */
void	intake_set_stop(struct intake *, int stopfd, int (*stop)(void));

/* Swaps in a new configuration (after a reload); reconnects lazily. */
void	intake_set_config(struct intake *, const struct config *);
/*
 * The keyring that opens mail encrypted to the committee's key and
 * checks signatures (pgpmail.h), borrowed; NULL: stored as it came.
 */
struct pgp;
void	intake_set_pgp(struct intake *, struct pgp *);

#endif

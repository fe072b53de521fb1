/*
 * imap: one IMAP session to the alias's mailbox, with libetpan.  It
 * connects (implicit TLS, STARTTLS, or plain text when configured so),
 * verifies the server certificate, logs in, selects the mailbox, lists and
 * fetches messages by UID in batches over the one connection, marks them
 * processed by moving them to another folder, and waits for new mail with
 * IDLE (or by sleeping when the server has no IDLE).
 *
 * Errors: functions return 0 on success or -1 with *errstr allocated (no
 * content, no addresses).  After -1 the session is unusable: the caller
 * calls imap_close() and reconnects with backoff.
 */
#ifndef IMAP_H
#define IMAP_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct imap_session;

struct imap_params {
	const char	*host;
	int		 port;
	enum tls_mode	 tls;
	const char	*ca_file;	/* NULL: the system's trust store */
	const char	*user;
	const char	*password;
	const char	*mailbox;	/* the alias's mailbox, e.g. INBOX */
	const char	*processed;	/* where processed mail is moved */
	int		 timeout;	/* seconds for one network operation */
	int		 check_only;	/* never create the processed folder:
					   its absence is an error */
};

enum imap_state {
	IMAP_STATE_DISCONNECTED = 0,
	IMAP_STATE_CONNECTED,	/* TLS up, not logged in */
	IMAP_STATE_SELECTED,	/* logged in, mailbox selected */
	IMAP_STATE_IDLE
};
const char *imap_strstate(enum imap_state);

/* Fills the params from the [imap] section (check_only off). */
void	imap_params_from_config(struct imap_params *, const struct config *);

/* The params are copied. */
struct imap_session *imap_new(const struct imap_params *);
void	imap_free(struct imap_session *);

/*
 * Connects, verifies TLS, logs in, asks for the capabilities again,
 * creates the processed folder if it is missing, and selects the mailbox.
 */
int	imap_connect(struct imap_session *, char **errstr);
void	imap_close(struct imap_session *);
/*
 * After imap_connect() failed: 1 when the server refused the login (a NO
 * to LOGIN that does not say the failure is temporary), which retrying
 * with the same user and password cannot cure; 0 for anything else (the
 * server unreachable, TLS, a dropped connection).
 */
int	imap_auth_refused(const struct imap_session *);
/* After imap_connect() succeeded: 1 when it created the processed folder. */
int	imap_created_processed(const struct imap_session *);

/*
 * While a command waits for the server, stopfd (-1: none) is watched too;
 * when it is readable, stop() is asked whether to quit, and a non-zero
 * answer ends the command as a lost connection at once.  Kept across
 * reconnects.
 */
void	imap_set_stop(struct imap_session *, int stopfd, int (*stop)(void));
enum imap_state imap_state(const struct imap_session *);

uint32_t imap_uidvalidity(const struct imap_session *);
int	imap_has_idle(const struct imap_session *);
int	imap_has_move(const struct imap_session *);

struct imap_msgref {
	uint32_t	uid;
	size_t		size;	/* RFC822.SIZE */
};

/*
 * Lists the messages in the selected mailbox with UID >= from (UID and
 * size), in UID order.  *refs is allocated (free it), *n may be 0.
 */
int	imap_list(struct imap_session *, uint32_t from,
	    struct imap_msgref **refs, size_t *n, char **errstr);

/*
 * Fetches the given messages with one UID FETCH of BODY.PEEK[].  A
 * message larger than limit (0: none) is fetched as its text parts
 * (BODYSTRUCTURE, then BODY.PEEK[section] of its header, the MIME headers
 * and the text parts that are not attachments, whole while they fit in
 * limit together) and rebuilt with the record of what was left out
 * (mime_cut.h); one whose parts cannot be fetched is kept as its first
 * limit bytes (BODY.PEEK[]<0.limit>).  cb is called once per message
 * fetched, in any order, with the bytes (NUL-terminated, allocated: the
 * callback owns them, and wipes and frees them), the size of their
 * buffer (at least len + 1; most have room past the NUL, so that the
 * store can seal a message in its own buffer) and whether the message
 * was cut.  A message over 512 KB is fetched on its own, a piece at a
 * time, so that a big one is held once.  \Seen is never set.
 */
typedef void (*imap_fetch_cb)(uint32_t uid, char *data, size_t len,
	    size_t cap, int truncated, void *arg);
int	imap_fetch(struct imap_session *, const struct imap_msgref *, size_t n,
	    size_t limit, imap_fetch_cb, void *arg, char **errstr);

/*
 * After imap_fetch() failed: the UID the failure belongs to, when that
 * command fetched the one message alone (a batch of one, or a message
 * fetched as its parts), else 0.  imap_set_failures() tells the session
 * how often fetching uid failed before (the caller counts durably): a
 * message over the limit whose parts failed twice is then fetched as its
 * first limit bytes.  The session counts on its own across reconnects.
 */
uint32_t imap_failed_uid(const struct imap_session *);
void	imap_set_failures(struct imap_session *, uint32_t uid, int count);
/* Whether the last command ended because a stop was asked for. */
int	imap_stopped(const struct imap_session *);
/*
 * Cuts the connection under a command another thread runs (shutdown(2):
 * its waits end at once); the session is closed once that thread ended.
 */
void	imap_interrupt(struct imap_session *);

/*
 * Moves the messages to the processed folder: UID MOVE where the server
 * has MOVE, otherwise UID COPY, UID STORE +FLAGS (\Deleted) and UID
 * EXPUNGE (or EXPUNGE where UIDPLUS is missing).  When dest is not NULL
 * (n entries), dest[i] is set to the UID of uids[i] in the processed
 * folder, and *dest_uidvalidity to that folder's UIDVALIDITY, as the
 * server's COPYUID (UIDPLUS) says; 0 where it did not say.
 */
int	imap_move_processed(struct imap_session *, const uint32_t *uids,
	    size_t n, uint32_t *dest, uint32_t *dest_uidvalidity,
	    char **errstr);

/*
 * Waits for new mail for at most timeout seconds: IDLE when the server
 * has it, otherwise plain waiting.  It returns early when stopfd (if not
 * -1) becomes readable.  Returns 1 when the server reported new mail, 0
 * on timeout or stopfd, -1 on error.
 */
int	imap_wait(struct imap_session *, int timeout, int stopfd,
	    char **errstr);

/* What became of one copy imap_expunge() was asked to remove. */
enum imap_copy_fate {
	IMAP_COPY_REMOVED = 0,	/* found and expunged */
	IMAP_COPY_ABSENT,	/* not in the folder (someone removed it) */
	IMAP_COPY_LOST		/* no valid UID and no Message-ID: unfindable */
};

/* One copy of a stored message on the server. */
struct imap_copy {
	uint32_t		 uid;	/* under the given UIDVALIDITY; 0 */
	const char		*msgid;	/* without <>; NULL: none */
	enum imap_copy_fate	 fate;	/* set by imap_expunge() */
};

/*
 * Expunges copies from folder, then selects the alias's mailbox again.
 * While the folder's UIDVALIDITY is uidvalidity, a copy is found by its
 * UID; otherwise (the folder was rebuilt), or with no UID, by a UID
 * SEARCH of its Message-ID header.  Found copies get \Deleted and UID
 * EXPUNGE (EXPUNGE without UIDPLUS).  A missing folder leaves every copy
 * absent.  Sets each fate; -1 only when the session failed.
 */
int	imap_expunge(struct imap_session *, const char *folder,
	    uint32_t uidvalidity, struct imap_copy *, size_t n,
	    char **errstr);

/*
 * Looks for a message whose header X-Conductd-Probe is token in the
 * mailbox, then in the processed folder, and deletes it where found.
 * Returns 1 found, 0 not found, -1 on error.  Leaves the mailbox
 * selected.  With ar_id not NULL, a found probe sets *ar_seen to
 * whether an Authentication-Results header of it holds ar_id.
 */
int	imap_probe_take(struct imap_session *, const char *token,
	    const char *ar_id, int *ar_seen, char **errstr);

#endif

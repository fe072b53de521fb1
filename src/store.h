/*
 * store: conductd's only state, an SQLite database in WAL mode.  The schema
 * is versioned with PRAGMA user_version and ordered migrations.  Every
 * column that could hold report text, a name or an address is sealed with
 * crypto; lookups on such values use keyed hashes.
 *
 * Functions return 0 on success and -1 on a database error (logged here,
 * with the SQLite message, never with data).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;
struct crypto_key;

#define STORE_SCHEMA_VERSION	20

/*
 * Opens (creating if needed) the database at path and migrates it to
 * STORE_SCHEMA_VERSION.  The key is borrowed, not copied.  Returns NULL
 * with *errstr allocated on failure.
 */
struct store *store_open(const char *path, const struct crypto_key *,
	    char **errstr);
void	store_close(struct store *);

/*
 * The bytes free (for an unprivileged user) on the filesystem of the
 * database at path, its folder's: 0, or -1 with errno set.  Below
 * STORE_DISK_LOW, check-config and the daemon's start warn.
 */
#define STORE_DISK_LOW	(64ULL * 1024 * 1024)
int	store_disk_free(const char *path, uint64_t *avail);
int	store_schema_version(struct store *);

/*
 * Outside a transaction: copies the WAL into the database and empties
 * it, without waiting for other connections (the daemon calls it after
 * each pass, so the WAL stays small).  Returns 0, 1 when another
 * connection kept frames in the WAL (or a transaction is open), -1 on
 * error.
 */
int	store_checkpoint(struct store *);
/* Gives back the page cache's memory (before the daemon waits). */
void	store_release_memory(struct store *);

/*
 * Faults: every failed database call is logged and its kind remembered,
 * so the daemon can tell a failing database from a failing server and
 * back off (dbstate.c).  store_fault_take returns the first fault since
 * its last call and forgets it.  A quiet store logs failed calls at
 * debug level only: the daemon has said once that the database fails.
 */
enum store_fault {
	STORE_FAULT_NONE = 0,
	STORE_FAULT_FULL,	/* disk (or database) full */
	STORE_FAULT_IO,		/* I/O error, read-only, unreadable */
	STORE_FAULT_BUSY,	/* locked by another process too long */
	STORE_FAULT_PREPARE,	/* a statement does not prepare */
	STORE_FAULT_OTHER
};
enum store_fault store_fault_take(struct store *);
const char *store_strfault(enum store_fault);
void	store_set_quiet(struct store *, int);

/*
 * Whether an error since store_error_reset was the database's own (it
 * is locked, busy, unreadable, full or damaged): 1, or 0 when there was
 * none or it concerned one item only (a sealed value that does not open,
 * a row that breaks a constraint).  Queue steps hold a failing item but
 * end their pass when the database fails.
 */
void	store_error_reset(struct store *);
int	store_failing(const struct store *);

/* Transactions (BEGIN IMMEDIATE).  Not nested. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/*
 * Inside a transaction, a savepoint around one item of a batch:
 * store_item_end keeps what the item wrote, or undoes it when undo is
 * set; 0, or -1 on an error (then roll the transaction back).
 */
int	store_item_begin(struct store *);
int	store_item_end(struct store *, int undo);

/*
 * Per-mailbox UID bookkeeping.  store_mailbox_get returns 1 and fills the
 * values when the mailbox is known, 0 when it is not, -1 on error.
 */
int	store_mailbox_get(struct store *, const char *mailbox,
	    uint32_t *uidvalidity, uint32_t *last_uid);
int	store_mailbox_set(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t last_uid);

/* The lifecycle of a fetched message row. */
enum store_msg_state {
	STORE_MSG_STORED = 0,	/* committed, not yet moved on the server */
	STORE_MSG_PROCESSED	/* moved to the processed folder */
};
const char *store_strstate(enum store_msg_state);

struct store_msg_new {
	const char	*mailbox;	/* the folder it was fetched from */
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	const char	*message_id;	/* may be NULL */
	const void	*raw;		/* bytes as fetched (maybe truncated) */
	size_t		 rawlen;
	/*
	 * raw's own buffer, of raw_cap bytes, or NULL: when it has room
	 * for what sealing adds, the raw is sealed over itself there, and
	 * the buffer no longer holds it once stored.
	 */
	void		*raw_buf;
	size_t		 raw_cap;
	size_t		 size;		/* full size on the server */
	int		 truncated;	/* raw holds only the first bytes */
	time_t		 received;
	const char	*warnings;	/* parse warning names, "a,b"; or NULL */
};

/*
 * Records a fetched message, atomically (a savepoint, so it may run inside
 * or outside store_begin).  *id is always the row for this UID, and:
 * - if the same (mailbox, uidvalidity, uid) is already recorded, nothing
 *   changes and *dup_of == *id (that row's own id: "already seen").  The
 *   mailbox counts: one server may give several folders one UIDVALIDITY.
 *   A NULL mailbox is "", which the rows the migration to schema 8 could
 *   not place have, and which no configured mailbox matches;
 * - else if a stored original (a row with content) has the same
 *   Message-ID or the same raw bytes (compared by keyed hashes), a row is
 *   added without content and *dup_of is the original's id (!= *id);
 * - else the raw bytes are sealed and stored and *dup_of is 0.
 * An empty or NULL message_id matches nothing.  The Message-ID and the
 * raw bytes are never stored in the clear.
 */
int	store_message_add(struct store *, const struct store_msg_new *,
	    int64_t *id, int64_t *dup_of);

/*
 * UIDs of rows in STORE_MSG_STORED fetched from this mailbox under this
 * UIDVALIDITY, ascending (caller frees; NULL when *n is 0).
 */
int	store_message_pending(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t **uids, size_t *n);
int	store_message_set_processed(struct store *, const char *mailbox,
	    uint32_t uidvalidity, const uint32_t *uids, size_t n);

/* Where a moved message lies: folder, its UIDVALIDITY, the UID there. */
struct store_moved {
	uint32_t	 uid;		/* in the alias's mailbox */
	const char	*folder;
	uint32_t	 dest_uidvalidity;
	uint32_t	 dest_uid;	/* 0: unknown (the row is skipped) */
};
/* Records the places of n moved messages, atomically. */
int	store_message_set_moved(struct store *, const char *mailbox,
	    uint32_t uidvalidity, const struct store_moved *, size_t n);
/*
 * Where message id lies once moved: 1 and folder (size bytes), the
 * folder's UIDVALIDITY and the UID there filled; 0 when not known (not
 * moved yet, or the server gave no COPYUID); -1 on error.
 */
int	store_message_moved(struct store *, int64_t id, char *folder,
	    size_t size, uint32_t *dest_uidvalidity, uint32_t *dest_uid);

struct store_msg_info {
	int64_t			 id;
	uint32_t		 uidvalidity;
	uint32_t		 uid;
	time_t			 received;
	size_t			 size;
	size_t			 stored_size;
	int			 truncated;
	int64_t			 dup_of;
	enum store_msg_state	 state;
	char			 warnings[192];	/* "a,b", MIME_WARNINGS_LEN */
	char			 kind[16];	/* "" until handled */
	int64_t			 case_id;	/* 0: none */
};

/*
 * (store_pgp.c) OpenPGP in message id (pgpmail.h): records its flags,
 * the key of a good signature (fingerprint, or NULL; kept as a keyed
 * hash) and, when it was decrypted, the bytes as they came (orig, or
 * NULL; sealed).  In the caller's transaction.  0 or -1.
 */
int	store_message_pgp_set(struct store *, int64_t id, int flags,
	    const char *signer, const void *orig, size_t origlen);
/* Its flags into *flags (0 when none): 0, or -1 on error. */
int	store_message_pgp_flags(struct store *, int64_t id, int *flags);
/* Adds bits to its flags (a row is made if there is none): 0 or -1. */
int	store_message_pgp_mark(struct store *, int64_t id, int flags);
/* 1 if it has a good signature by the key fpr, 0 if not, -1 on error. */
int	store_message_signed_by(struct store *, int64_t id, const char *fpr);
/* The fingerprint of the key case_id's reporter sent (sealed): 0, -1. */
int	store_case_set_reporter_key(struct store *, int64_t case_id,
	    const char *fpr);
/* It into fpr (size bytes): 1, 0 when there is none, -1 on error. */
int	store_case_reporter_key(struct store *, int64_t case_id, char *fpr,
	    size_t size);

/*
 * Calls cb for every message row in id order; cb returning -1 stops.
 * Returns 0 when every row was visited, -1 on error or when cb stopped.
 */
int	store_message_foreach(struct store *,
	    int (*cb)(const struct store_msg_info *, void *), void *);

/*
 * Decrypts the raw bytes of message id into *raw (allocated; wipe with
 * crypto_wipe before freeing).  Returns 0, 1 if there is no such message
 * or it has no content (a duplicate), -1 on error or a blob that fails
 * authentication.  info may be NULL.
 */
int	store_message_raw(struct store *, int64_t id, void **raw, size_t *len,
	    struct store_msg_info *info);

/* Handling of fetched messages (store_case.c). */

/*
 * Ids of content rows not handled yet (kind NULL), not held and due for
 * a try at now, in id order.
 */
int	store_message_unhandled(struct store *, time_t now, int64_t **ids,
	    size_t *n);
/* Records how a message was handled; case_id 0: no case. */
int	store_message_set_kind(struct store *, int64_t id, const char *kind,
	    int64_t case_id);
/*
 * Drops a message's content (a #conflict answer keeps no reason); its
 * server copy, and its duplicates', are then due at once.
 */
int	store_message_drop_content(struct store *, int64_t id);
/* The parse warnings of message id, found by the case step. */
int	store_message_set_warnings(struct store *, int64_t id,
	    const char *warnings);
/* Marks copies (rows without content of their own) as handled. */
int	store_message_settle_copies(struct store *);

/* Cases. */
struct store_case {
	int64_t		 id;
	char		 code_name[48];
	char		 status[24];
	time_t		 received;
	int		 urgent;
	int		 repeat_sender;	/* the sender reported before, < 24 h */
	int64_t		 report_message;
	int64_t		 ack_outbox;	/* 0: no acknowledgment queued */
	char		 ack_note[24];	/* why not: "held", "no-sender", ... */
	time_t		 ack_sent;	/* accepted by the MTA; 0: not yet */
	int		 triage;	/* the reported person is not known */
	char		 safety[16];	/* yes, no, unknown */
	char		 repeat_risk[16]; /* yes, no, maybe, unknown */
	time_t		 followup_at;	/* last follow-up; 0: none yet */
	int		 backups_asked;
	time_t		 purged;	/* content purged at; 0: never */
	char		 lang[8];	/* the report's language; "": unknown */
	int		 lang_confidence; /* 0..100; -1: never guessed */
	int		 mod_state;	/* enum mod_state (outreach.h) */
	time_t		 mod_asked;	/* 0: never */
	time_t		 mod_answered;
	time_t		 reported_contacted;	/* 0: never */
	time_t		 reported_replied;
};

struct store_case_new {
	const char	*code_name;
	time_t		 received;
	int		 urgent;
	int		 repeat_sender;
	int64_t		 report_message;
	const char	*reporter;	/* address, or NULL (sealed here) */
	const void	*fields;	/* serialized report data (sealed) */
	size_t		 fieldslen;
	const char	*lang;		/* guessed language, "", or NULL */
	int		 lang_confidence;
};

/* 1 if a case has this code name, 0 if not, -1 on error. */
int	store_case_code_taken(struct store *, const char *);
int	store_case_add(struct store *, const struct store_case_new *,
	    int64_t *id);
/* 1 and *c filled when found, 0 when not, -1 on error. */
int	store_case_get(struct store *, int64_t id, struct store_case *);
int	store_case_by_code(struct store *, const char *,
	    struct store_case *);
int	store_case_foreach(struct store *,
	    int (*cb)(const struct store_case *, void *), void *);
/* The same over the cases neither closed nor purged (an index serves). */
int	store_case_foreach_open(struct store *,
	    int (*cb)(const struct store_case *, void *), void *);
/*
 * Case rows this store has read since it opened: the count a pass's
 * log line and tests use to show that a pass reads only what it needs.
 */
uint64_t store_cases_read(const struct store *);
/* Decrypted reporter address (*addr NULL when none); caller frees. */
int	store_case_reporter(struct store *, int64_t id, char **addr);
/* Decrypted report data; caller wipes and frees. */
int	store_case_fields(struct store *, int64_t id, void **fields,
	    size_t *len);
int	store_case_set_ack(struct store *, int64_t id, int64_t outbox_id,
	    const char *note);
/*
 * Also marks every case whose ack_outbox is the same row as case id's
 * (one summary acknowledgment covers several cases).
 */
int	store_case_set_ack_sent(struct store *, int64_t id, time_t when);
/* How many other cases the same sender opened since since, up to max. */
int	store_case_sender_recent(struct store *, int64_t id, time_t since,
	    int64_t max, int64_t *count);
/*
 * Held acknowledgments (ack_note "held", no outbox row) of senders whose
 * hour window (window seconds from their first case in it) ended by
 * now: rows of one sender share a group number, oldest first.
 */
struct store_held {
	int64_t		 id;
	char		 code_name[48];
	int		 group;
};
int	store_case_held_due(struct store *, time_t now, time_t window,
	    struct store_held **rows, size_t *n);

/* Text fields of a case; the sealed ones are encrypted here. */
enum store_case_field {
	STORE_CASE_STATUS = 0,
	STORE_CASE_SAFETY,
	STORE_CASE_REPEAT,
	STORE_CASE_REPORTED,	/* sealed */
	STORE_CASE_ACTIONS,	/* sealed */
	STORE_CASE_RESOLUTION,	/* sealed */
	STORE_CASE_MODERATORS	/* sealed */
};
int	store_case_set_text(struct store *, int64_t id, enum store_case_field,
	    const char *value);
/* The decrypted value of a sealed field (*value NULL when unset). */
int	store_case_get_sealed(struct store *, int64_t id,
	    enum store_case_field, char **value);
enum store_case_number {
	STORE_CASE_TRIAGE = 0,
	STORE_CASE_BACKUPS_ASKED,
	STORE_CASE_FOLLOWUP_AT,
	STORE_CASE_MOD_STATE,
	STORE_CASE_MOD_ASKED,
	STORE_CASE_MOD_ANSWERED,
	STORE_CASE_REPORTED_CONTACTED,
	STORE_CASE_REPORTED_REPLIED
};
int	store_case_set_number(struct store *, int64_t id,
	    enum store_case_number, int64_t value);
/*
 * Sets the case's language guess (lang "" for unknown, confidence
 * 0..100), as a reporter's later mail in another language changes it.
 * 0, or -1 on error.
 */
int	store_case_set_lang(struct store *, int64_t id, const char *lang,
	    int confidence);

/*
 * A member's standing on a case, keyed by the member's keyed id (no names
 * are stored).  store_member_get returns 1 and fills state (and reason)
 * when known, 0 when the member has nothing on the case, -1 on error.
 */
int	store_member_get(struct store *, int64_t case_id, const char *member,
	    char *state, size_t size);
int	store_member_set(struct store *, int64_t case_id, const char *member,
	    const char *state, const char *reason, time_t since);

/*
 * Every member known on a case: keyed id, state, since when.  cb may use
 * the store but not walk a case's members itself (one cached statement).
 */
int	store_member_foreach(struct store *, int64_t case_id,
	    int (*cb)(const char *member, const char *state, time_t since,
	    void *), void *);

/*
 * Deadlines: one row per thing that must happen at a time.  Planning is
 * idempotent (the same case, kind, member and time is one row); a row is
 * done once, in the transaction that acted on it.
 */
struct store_deadline {
	int64_t		 id;
	int64_t		 case_id;	/* 0: not about one case */
	char		 kind[24];
	char		 member[40];	/* keyed member id, or "" */
	time_t		 due;
	time_t		 base;		/* what the time was computed from */
};
int	store_deadline_plan(struct store *, int64_t case_id, const char *kind,
	    const char *member, time_t due, time_t base);
/* Rows not done and due at now, earliest first, at most max. */
int	store_deadline_due(struct store *, time_t now, size_t max,
	    struct store_deadline **rows, size_t *n);
int	store_deadline_done(struct store *, int64_t id);
/* The earliest undone row: 1 (*when set), 0 none, -1 error. */
int	store_deadline_next(struct store *, time_t *when);

/*
 * The blind index of reported persons (store_pattern.c): a case's keyed
 * hashes replaced by hashes[0..n); the other cases sharing one (*ids
 * allocated, ascending); and for grouping, one pair per row: its case
 * and the first case with the same hash.  0, or -1.
 */
int	store_pattern_set(struct store *, int64_t case_id,
	    const unsigned char (*hashes)[32], size_t n);
int	store_pattern_matches(struct store *, int64_t case_id, int64_t **ids,
	    size_t *n);
int	store_pattern_edges(struct store *, int64_t **a, int64_t **b,
	    size_t *n);

/* Proposals and votes. */
int	store_proposal_open(struct store *, int64_t case_id, const char *text,
	    time_t now, int64_t *id);
/* The open proposal of a case: 1 (*id, *text set; free text), 0, -1. */
int	store_proposal_current(struct store *, int64_t case_id, int64_t *id,
	    char **text);
int	store_proposal_close(struct store *, int64_t id, const char *state);
int	store_vote_set(struct store *, int64_t proposal_id, const char *member,
	    const char *vote);
/*
 * For the case document (store_report.c): every proposal of a case,
 * oldest first, its text opened; and the votes on one, by keyed member
 * id.  cb returning non-zero stops and is returned; -1 on error.
 */
int	store_proposal_foreach(struct store *, int64_t case_id,
	    int (*cb)(int64_t id, const char *text, const char *state,
	    time_t opened, void *), void *);
int	store_vote_foreach(struct store *, int64_t proposal_id,
	    int (*cb)(const char *member, const char *vote, void *), void *);
/* Counts votes by kind among the given members only. */
int	store_vote_count(struct store *, int64_t proposal_id,
	    const char *const *members, size_t n, int *yes, int *no,
	    int *abstain);

/* The outbox.  Its lifecycle is outbox.c's; the store only keeps it. */
enum store_outbox_state {
	STORE_OUTBOX_QUEUED = 0,
	STORE_OUTBOX_SENT,
	STORE_OUTBOX_FAILED,
	STORE_OUTBOX_HELD	/* set aside; the reason in last_error */
};
const char *store_outbox_strstate(enum store_outbox_state);

struct store_outbox_new {
	int64_t		 case_id;	/* 0: none */
	const char	*kind;		/* "ack", ... */
	const char	*mail_from;	/* envelope sender */
	const char	*rcpt;		/* envelope recipient */
	const char	*data;		/* the whole message */
	size_t		 len;
	const char	*message_id;	/* ours, without <> */
	const char	*member;	/* keyed member id, or NULL */
	/*
	 * The OpenPGP fingerprint the outbox encrypts data to, or NULL:
	 * then data is compose_message()'s protected form (compose.h).
	 */
	const char	*pgp;
	time_t		 now;
};

struct store_outbox_row {
	int64_t			 id;
	int64_t			 case_id;
	char			 kind[16];
	enum store_outbox_state	 state;
	int			 attempts;
	time_t			 created;
	time_t			 next_attempt;
	time_t			 sent_at;	/* 0: not sent */
	int			 last_code;
	char			 last_error[160];
	char			 member[40];	/* keyed member id, or "" */
	char			 pgp[72];	/* fingerprint, or "" */
};

int	store_outbox_add(struct store *, const struct store_outbox_new *,
	    int64_t *id);
/* 1 if a row of this kind to rcpt was created at or after since. */
int	store_outbox_sent_to_since(struct store *, const char *kind,
	    const char *rcpt, time_t since);
/* The same, among the rows of one case only: 1, 0, -1. */
int	store_outbox_case_sent_since(struct store *, const char *kind,
	    int64_t case_id, const char *rcpt, time_t since);
/* A queued row that is due: what outbox.c needs to order the pass. */
struct store_outbox_due {
	int64_t		 id;
	char		 kind[24];
};
/* Queued rows due at now, oldest first, at most max (caller frees). */
int	store_outbox_due(struct store *, time_t now, size_t max,
	    struct store_outbox_due **due, size_t *n);
/*
 * Reads a row; with from/rcpt/data non-NULL also decrypts the envelope
 * and the message (caller wipes and frees).  1 found, 0 not, -1 error.
 */
int	store_outbox_get(struct store *, int64_t id, struct store_outbox_row *,
	    char **from, char **rcpt, char **data, size_t *len);
/* The earliest next attempt of a queued row: 1 (*when set), 0 none, -1. */
int	store_outbox_next_attempt(struct store *, time_t *when);
/*
 * Makes queued rows that failed without a reply code (the server was
 * unreachable) due at now; returns how many, or -1.
 */
int	store_outbox_retry_unreachable(struct store *, time_t now);
/* Writes back state, attempts, next_attempt, sent_at and the error. */
int	store_outbox_update(struct store *, const struct store_outbox_row *);
/* Rows of one case (case_id 0: all), in id order. */
int	store_outbox_foreach(struct store *, int64_t case_id,
	    int (*cb)(const struct store_outbox_row *, void *), void *);
/* 1 if we sent mail with this Message-ID (any case or none), 0, -1. */
int	store_outbox_msgid_known(struct store *, const char *message_id);
/* The case of the mail we sent with this Message-ID: 1, 0 none, -1. */
int	store_outbox_case_by_msgid(struct store *, const char *message_id,
	    int64_t *case_id);
/*
 * (store_relay.c) The outbox row of kind (to-reported, ...) on case
 * case_id with this Message-ID: 1 (*id set), 0 none, -1.
 */
int	store_outbox_id_by_msgid(struct store *, const char *message_id,
	    int64_t case_id, const char *kind, int64_t *id);
/*
 * (store_relay.c) 1 if we sent mail with this Message-ID on case
 * case_id to the member whose keyed id is member, 0 if not, -1.
 */
int	store_outbox_sent_to_member(struct store *, const char *message_id,
	    int64_t case_id, const char *member);
/*
 * The case of a stored (incoming) message with this Message-ID whose
 * reporter is sender (compared by keyed hash), or whose content was
 * purged (it keeps no reporter to compare with; mail to it is only
 * answered that it is gone): 1, 0 none, -1.
 */
int	store_message_case_by_msgid(struct store *, const char *message_id,
	    const char *sender, int64_t *case_id);

/* ------------------------------------------------------------------
 * Quarantine (store_held.c): queue items that failed.  A message, an
 * outbox row or a deadline that fails counts its tries and waits for its
 * next one; after the last it is held: left out of its queue, with a
 * short reason (never content), until conductctl retry puts it back.
 */
enum store_held_kind {
	STORE_HELD_MESSAGE = 0,
	STORE_HELD_OUTBOX,
	STORE_HELD_DEADLINE,
	STORE_HELD_UID		/* a UID the IMAP server cannot serve whole */
};
const char *store_held_strkind(enum store_held_kind);
/* 0 and *kind set for "message", "outbox", "deadline", "uid"; -1 else. */
int	store_held_parsekind(const char *, enum store_held_kind *);

/* The failed tries of an item so far: 1 (*tries set), 0 no such, -1. */
int	store_held_tries(struct store *, enum store_held_kind, int64_t id,
	    int *tries);
/* The item waits: tries recorded, next try at next. */
int	store_held_defer(struct store *, enum store_held_kind, int64_t id,
	    int tries, time_t next);
/* The item is held since now with reason (copied, cut to 150 bytes). */
int	store_held_set(struct store *, enum store_held_kind, int64_t id,
	    int tries, const char *reason, time_t now);

struct store_held_item {
	enum store_held_kind	 kind;
	int64_t			 id;
	int64_t			 case_id;	/* 0: none */
	char			 what[24];	/* outbox/deadline kind, or "" */
	time_t			 since;		/* 0: not known */
	int			 tries;
	int			 alarmed;
	char			 reason[160];
};
/*
 * Held items (of case case_id; 0: all), only those not alarmed yet if
 * unalarmed is set; by kind, then id.  Caller frees *items.
 */
int	store_held_list(struct store *, int64_t case_id, int unalarmed,
	    struct store_held_item **items, size_t *n);
/*
 * The leads were told of a held item: marks it, and gives it a since
 * of now if whatever held it set none.
 */
int	store_held_alarmed(struct store *, enum store_held_kind, int64_t id,
	    time_t now);
/*
 * Puts a held item back to be tried at now, its tries and alarm reset:
 * 1 done, 0 when there is no such held item (or, for an outbox row, its
 * content was purged), -1 on error.
 */
int	store_held_retry(struct store *, enum store_held_kind, int64_t id,
	    time_t now);
/* The earliest next try of a waiting message: 1 (*when set), 0, -1. */
int	store_held_next_try(struct store *, time_t *when);

/* ------------------------------------------------------------------
 * Admin: purge and counts (store_admin.c).
 */

/*
 * Cases to purge: status is status (conductctl passes "closed") and the
 * last activity on the case (its receipt, the latest message on it, the
 * latest mail queued for it, which includes the command that closed it)
 * is before before.  A case purged already is one again only if content
 * was stored on it since.  Ids in id order (caller frees; NULL when *n
 * is 0).
 */
int	store_purge_candidates(struct store *, const char *status,
	    time_t before, int64_t **ids, size_t *n);

struct store_purged {
	int64_t	messages;	/* message contents dropped */
	int64_t	outbox;		/* outgoing mails emptied */
	int64_t	proposals;	/* proposals deleted, with their votes */
	int64_t	server;		/* server copies now due to be expunged */
};

/*
 * Drops the content of one case, atomically (a savepoint): the bytes of
 * its messages, its sealed fields (reporter and its hash, report data,
 * reported person, actions, resolution), its proposals and votes, and
 * the envelope and message of its outgoing mail (the rows stay, emptied;
 * mail still queued is marked failed).  Keeps the code name, status,
 * dates, urgency, risks, members' standing, Message-ID hashes and
 * whether it had a resolution; marks the case purged at now.  *p says
 * what was removed.
 */
int	store_case_purge(struct store *, int64_t id, time_t now,
	    struct store_purged *p);
/*
 * The server copies of stored messages (store_server.c).  A copy is due
 * when its message was stored at or before cutoff (-1: none by age) or
 * its case was purged.  folder NULL: the server gave no COPYUID, the
 * copy is in the processed folder; uid 0: unknown; msgid NULL: none.
 */
struct store_server_copy {
	int64_t		 id;
	char		*folder;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	char		*msgid;		/* without <> */
	int		 purged;	/* due because its case was purged */
};
/* Up to max due copies, oldest first (free with the function below). */
int	store_server_due(struct store *, time_t cutoff, size_t max,
	    struct store_server_copy **, size_t *n);
void	store_server_copies_free(struct store_server_copy *, size_t n);
/* Records the copies of the n message ids gone from the server. */
int	store_server_gone(struct store *, const int64_t *ids, size_t n,
	    time_t now);
/* How many copies are on the server: due now, and kept for later. */
int	store_server_waiting(struct store *, time_t cutoff, int64_t *due,
	    int64_t *kept);

/* When the case's content was purged: 1 (*when set), 0 never, -1 error. */
int	store_case_purged(struct store *, int64_t id, time_t *when);

/*
 * Outside a transaction: checkpoints and empties the WAL, VACUUMs, and
 * empties the WAL again, so dropped (sealed) content leaves the files.
 * Returns 0, 1 when another connection (a running conductd) kept the
 * WAL from being emptied, -1 on error.
 */
int	store_compact(struct store *);

/* Anonymous counts of the cases received at or after a time, by: */
enum store_count_by {
	STORE_COUNT_MONTH = 0,	/* "YYYY-MM", UTC */
	STORE_COUNT_STATUS,	/* the status */
	STORE_COUNT_RESOLUTION,	/* "with", "without" (never the text) */
	STORE_COUNT_URGENT,	/* "yes", "no" */
	STORE_COUNT_REPEAT,	/* the repeat risk */
	STORE_COUNT_ALL		/* "cases": the total */
};

/*
 * Calls cb(key, count) for each key with cases, keys in ascending
 * order; cb returning -1 stops.  0, or -1 on error or when cb stopped.
 */
int	store_case_count(struct store *, time_t since, enum store_count_by,
	    int (*cb)(const char *key, int64_t n, void *), void *);

/* ------------------------------------------------------------------
 * Bounded resends and heard failures (store_send.c).
 */

/*
 * Records, in a commit of its own, that a send of row id begins now; the
 * commit waits for the disk.
 */
int	store_outbox_send_begin(struct store *, int64_t id, time_t now);
/*
 * on: the commits that follow do not wait for the disk (a send's
 * outcome; the next send's begin or the checkpoint writes them there,
 * in order); off: they wait again, as every other commit does.
 */
int	store_outbox_lazy(struct store *, int on);
/* The send's outcome is known: no send of the row is unconfirmed. */
int	store_outbox_send_confirm(struct store *, int64_t id);
/* Sends of row id begun and not confirmed (0 when none), or -1. */
int	store_outbox_send_unconfirmed(struct store *, int64_t id);
/*
 * Failed rows (content not purged) the leads were not alarmed of yet,
 * oldest first, at most max (caller frees).
 */
int	store_outbox_fail_unalarmed(struct store *, size_t max,
	    int64_t **ids, size_t *n);
int	store_outbox_set_fail_alarmed(struct store *, int64_t id);

/*
 * UIDs the IMAP server cannot serve whole (store_imap.c), keyed by
 * mailbox, UIDVALIDITY and UID; no content, no address.
 * store_imap_fetch_failed counts one failed fetch of uid alone (reason:
 * the error, without content) and holds the row when tries reach
 * max_tries: returns 1 when it was held now, 0 when only counted, -1 on
 * error; *tries gets the count.  store_imap_tries gives the count (0 for
 * none).  store_imap_fetched forgets the UID once it was fetched whole.
 * store_imap_held_uids lists, sorted, the held (not released) UIDs of
 * one mailbox and UIDVALIDITY: intake skips them.  store_imap_held_list
 * gives every held row (free with store_imap_held_free);
 * store_imap_held_release(id) lets intake fetch that UID again on its
 * next pass, with max_tries new tries: 1 released, 0 no such held row,
 * -1 on error.  All return -1 on a database error.  intake counts its
 * failed batch fetches under UID 0, which no message has, and never
 * holds it.
 */
struct store_imap_held {
	int64_t		 id;
	char		*mailbox;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	int		 tries;
	char		*reason;
	time_t		 held_at;
};
int	store_imap_fetch_failed(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, const char *reason,
	    int max_tries, int *tries);
int	store_imap_tries(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, int *tries);
int	store_imap_fetched(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid);
int	store_imap_held_uids(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t **uids, size_t *n);
int	store_imap_held_list(struct store *, struct store_imap_held **,
	    size_t *n);
void	store_imap_held_free(struct store_imap_held *, size_t n);
int	store_imap_held_release(struct store *, int64_t id);

/*
 * A member's identity across configuration edits (store_member.c), all
 * by keyed ids and keyed address tokens.  store_member_generation gives
 * the next generation (one per committee_rekey run);
 * store_member_addr_add records that the member key is configured with
 * the address token in generation gen; store_member_seen gives the last
 * generation the key was configured in (-1: never); store_member_known
 * returns 1 if the member key has a state on any case, 0 if not;
 * store_member_by_addr gives, newly allocated, every member key recorded
 * with the address token and its last generation with it, the latest
 * first (free each key, the arrays); store_member_rekey moves every
 * per-case row of member key from (case states, deadlines, votes, outbox
 * rows) to key to, atomically: from's case states replace any to had on
 * the same cases.  All return -1 on a database error.
 */
int	store_member_generation(struct store *, int64_t *gen);
int	store_member_addr_add(struct store *, const char *member,
	    const char *addr, int64_t gen);
int	store_member_seen(struct store *, const char *member, int64_t *seen);
int	store_member_known(struct store *, const char *member);
int	store_member_by_addr(struct store *, const char *addr, char ***keys,
	    int64_t **seen, size_t *n);
int	store_member_rekey(struct store *, const char *from, const char *to);

/*
 * What a pass need not redo (store_plan.c).  store_plan_dirty gives,
 * newly allocated, the cases whose row or member states changed since
 * store_plan_done was last called for them (the schema's triggers keep
 * the list); store_plan_all_open adds every open case, for a change of
 * the settings the plan reads.  store_applied_get copies into fp (size
 * bytes) the fingerprint last applied for part: 1, or 0 when none;
 * store_applied_set records one; store_applied_parts gives, newly
 * allocated, the parts starting with prefix (free each, the array);
 * store_applied_del forgets one.
 */
int	store_plan_dirty(struct store *, int64_t **ids, size_t *n);
int	store_plan_done(struct store *, int64_t case_id);
int	store_plan_all_open(struct store *);
int	store_applied_get(struct store *, const char *part, char *fp,
	    size_t size);
int	store_applied_set(struct store *, const char *part, const char *fp);
int	store_applied_parts(struct store *, const char *prefix,
	    char ***parts, size_t *n);
int	store_applied_del(struct store *, const char *part);

#endif

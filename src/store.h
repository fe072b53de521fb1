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

#define STORE_SCHEMA_VERSION	1

/*
 * Opens (creating if needed) the database at path and migrates it to
 * STORE_SCHEMA_VERSION.  The key is borrowed, not copied.  Returns NULL
 * with *errstr allocated on failure.
 */
struct store *store_open(const char *path, const struct crypto_key *,
	    char **errstr);
void	store_close(struct store *);
int	store_schema_version(struct store *);

/* Transactions (BEGIN IMMEDIATE).  Not nested. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

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
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	const char	*message_id;	/* may be NULL */
	const void	*raw;		/* bytes as fetched (maybe truncated) */
	size_t		 rawlen;
	size_t		 size;		/* full size on the server */
	int		 truncated;	/* raw holds only the first bytes */
	time_t		 received;
	const char	*warnings;	/* parse warning names, "a,b"; or NULL */
};

/*
 * Records a fetched message, atomically (a savepoint, so it may run inside
 * or outside store_begin).  *id is always the row for this UID, and:
 * - if the same (uidvalidity, uid) is already recorded, nothing changes
 *   and *dup_of == *id (that row's own id: "already seen");
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
 * UIDs of rows in STORE_MSG_STORED for this UIDVALIDITY, ascending
 * (caller frees; NULL when *n is 0).
 */
int	store_message_pending(struct store *, uint32_t uidvalidity,
	    uint32_t **uids, size_t *n);
int	store_message_set_processed(struct store *, uint32_t uidvalidity,
	    const uint32_t *uids, size_t n);

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
	char			 warnings[128];	/* "a,b"; "" when none */
};

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

#endif

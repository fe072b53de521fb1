/*
 * store_priv.h: what the store's sibling files (store_case.c) share with
 * store.c.  Nothing outside store*.c includes it: it names SQLite types.
 */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <sqlite3.h>

#define STORE_XSTMT_MAX	64	/* cached statements of the siblings */
/* Associated data of a message's sealed Message-ID (store_server.c). */
#define STORE_SERVER_MSGID_AD	"server-msgid"

struct store {
	sqlite3			*db;
	const struct crypto_key	*key;
	sqlite3_stmt		*stmt[16];
	sqlite3_stmt		*xstmt[STORE_XSTMT_MAX];
	int			 fault;	/* enum store_fault, first one */
	int			 quiet;	/* store errors at debug level */
	int			 said;	/* a database fault was logged this
					   pass: the rest at debug level */
	uint64_t		 cases_read;	/* case rows read, ever */
	int			 raw_hashes;	/* rows matched by content_hash */
};

void	 store_error(struct store *, const char *what);
/*
 * Steps a statement that returns no rows and finalizes it: the rows it
 * changed, or -1 (logged as what).  For statements prepared per call.
 */
int	 store_run_once(struct store *, sqlite3_stmt *, const char *what);
/* The SQL of the migration from version v to v + 1 (tests); NULL past. */
const char *store_migration_sql(int v);
/* A statement prepared for one call (finalize it); NULL on error. */
sqlite3_stmt *store_prepare(struct store *, const char *sql);
/* The statement in *slot, prepared from sql on first use; NULL on error. */
sqlite3_stmt *store_cached(struct store *, sqlite3_stmt **slot,
	    const char *sql);
/* Resets a cached statement and drops its bindings. */
void	 store_done(sqlite3_stmt *);
/* Runs a statement that returns no rows, then resets it. */
int	 store_step_done(struct store *, sqlite3_stmt *, const char *what);
/*
 * Steps st to its end, collecting column 0 of each row into *ids (newly
 * allocated, *n of them), and finalizes it: 0, or -1 (logged as what;
 * nothing left allocated).
 */
int	 store_collect_ids(struct store *, sqlite3_stmt *, int64_t **ids,
	    size_t *n, const char *what);
/* Runs a one-column lookup: 1 found (*id set), 0 not, -1 error. */
int	 store_lookup_id(struct store *, sqlite3_stmt *, int64_t *id,
	    const char *what);
/* The same for a statement prepared for one call (finalized; id NULL ok). */
int	 store_lookup_once(struct store *, sqlite3_stmt *, int64_t *id,
	    const char *what);
/* Makes one store call atomic inside or outside a transaction. */
int	 store_atomic_begin(struct store *, int *outer);
int	 store_atomic_end(struct store *, int rv, int outer);

#endif

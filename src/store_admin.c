/*
 * store_admin: the queries behind conductctl's record keeping.  Purging
 * drops everything a closed case holds that a sender or a member wrote
 * (message contents, sealed case fields, proposals and votes, outgoing
 * mail) while its row keeps the anonymous facts (code name, status, dates,
 * urgency, risks) that the transparency counts are made of.  Compaction
 * then rewrites the file so that the dropped ciphertext, which the key
 * could still open, is gone from the disk as well.
 *
 * These run rarely, from the command line, so their statements are
 * prepared for each call and not cached.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * A case's last activity: its receipt, the latest message on it, the
 * latest mail queued for it.  The command that closed a case is one of
 * its messages, so a closed case was closed no later than this.
 */
#define SA_LAST_ACTIVITY						\
	"max(c.received, "						\
	"coalesce((SELECT max(m.received) FROM message AS m "		\
	"WHERE m.case_id = c.id), 0), "					\
	"coalesce((SELECT max(o.created) FROM outbox AS o "		\
	"WHERE o.case_id = c.id), 0))"

/* Content left on a case: a message with its bytes, mail not emptied. */
#define SA_HAS_CONTENT							\
	"(EXISTS (SELECT 1 FROM message AS m WHERE "			\
	"m.case_id = c.id AND m.raw IS NOT NULL) OR "			\
	"EXISTS (SELECT 1 FROM outbox AS o WHERE "			\
	"o.case_id = c.id AND o.purged IS NULL))"

static const char sa_candidates_sql[] =
    "SELECT c.id FROM cases AS c WHERE c.status = ?1 AND "
    SA_LAST_ACTIVITY " < ?2 AND (c.purged IS NULL OR " SA_HAS_CONTENT ") "
    "ORDER BY c.id";

/* What store_case_purge runs, in order; ?1 is the case id. */
enum sa_purge_step {
	SA_MESSAGES,
	SA_OUTBOX_UNQUEUE,
	SA_OUTBOX_EMPTY,
	SA_SERVER,
	SA_VOTES,
	SA_PROPOSALS,
	SA_CASE,
	SA_NSTEPS
};

static const char *const sa_purge_sql[SA_NSTEPS] = {
	[SA_MESSAGES] =
	    "UPDATE message SET raw = NULL, stored_size = 0 "
	    "WHERE case_id = ?1 AND raw IS NOT NULL",
	/*
	 * Mail still queued (or held, so a retry would send it) would go
	 * out empty: it is given up instead.
	 */
	[SA_OUTBOX_UNQUEUE] =
	    "UPDATE outbox SET state = 'failed', last_error = "
	    "'content purged' WHERE case_id = ?1 AND state IN ('queued', "
	    "'held') AND purged IS NULL",
	/*
	 * The row stays (its Message-ID hash still tells our own mail and
	 * replies to it); the envelope and message become sealed empty
	 * values, so readers need no special case, and the recipient hash
	 * goes.
	 */
	[SA_OUTBOX_EMPTY] =
	    "UPDATE outbox SET envelope = ?2, data = ?3, rcpt_hash = X'', "
	    "purged = ?4 WHERE case_id = ?1 AND purged IS NULL",
	/*
	 * The server copies of its messages, and of the copies of them
	 * dropped as duplicates, are to be expunged at once
	 * (store_server.c).
	 */
	[SA_SERVER] =
	    "UPDATE message SET server_purge = 1 WHERE server_gone IS NULL "
	    "AND server_purge = 0 AND (case_id = ?1 OR dup_of IN "
	    "(SELECT id FROM message WHERE case_id = ?1))",
	[SA_VOTES] =
	    "DELETE FROM vote WHERE proposal_id IN "
	    "(SELECT id FROM proposal WHERE case_id = ?1)",
	[SA_PROPOSALS] = "DELETE FROM proposal WHERE case_id = ?1",
	/* Right-hand sides read the old row: resolution before it goes. */
	[SA_CASE] =
	    "UPDATE cases SET reporter = NULL, reporter_hash = NULL, "
	    "fields = NULL, reported = NULL, actions = NULL, "
	    "purged_resolution = (purged_resolution OR "
	    "resolution IS NOT NULL), resolution = NULL, purged = ?4 "
	    "WHERE id = ?1",
};

/* The key each count groups by. */
static const char *const sa_count_key[] = {
	[STORE_COUNT_MONTH] = "strftime('%Y-%m', received, 'unixepoch')",
	[STORE_COUNT_STATUS] = "status",
	[STORE_COUNT_RESOLUTION] =
	    "CASE WHEN resolution IS NOT NULL OR purged_resolution "
	    "THEN 'with' ELSE 'without' END",
	[STORE_COUNT_URGENT] = "CASE WHEN urgent THEN 'yes' ELSE 'no' END",
	[STORE_COUNT_REPEAT] = "repeat_risk",
	[STORE_COUNT_ALL] = "'cases'",
};

int
store_purge_candidates(struct store *s, const char *status, time_t before,
    int64_t **ids, size_t *n)
{
	sqlite3_stmt	*st;

	*ids = NULL;
	*n = 0;
	if ((st = store_prepare(s, sa_candidates_sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)before);
	return store_collect_ids(s, st, ids, n, "purge candidates");
}

/* The sealed empty values that replace an outgoing mail. */
struct sa_empty {
	void	*envelope;
	size_t	 envlen;
	void	*data;
	size_t	 datalen;
};

static int
sa_purge_step(struct store *s, enum sa_purge_step step, int64_t id,
    const struct sa_empty *e, time_t now, int64_t *changes)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sa_purge_sql[step])) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (step == SA_OUTBOX_EMPTY) {
		sqlite3_bind_blob64(st, 2, e->envelope, e->envlen,
		    SQLITE_STATIC);
		sqlite3_bind_blob64(st, 3, e->data, e->datalen, SQLITE_STATIC);
	}
	if (step == SA_OUTBOX_EMPTY || step == SA_CASE)
		sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE)
		*changes = sqlite3_changes(s->db);
	else
		store_error(s, "purge");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sa_case_purge(struct store *s, int64_t id, time_t now,
    struct store_purged *p)
{
	struct sa_empty	 e;
	int64_t		 changes[SA_NSTEPS];
	size_t		 i;
	int		 rv = 0;

	/* An envelope is "from\nrcpt": both empty. */
	e.envelope = crypto_seal(s->key, "\n", 1, "outbox-envelope",
	    &e.envlen);
	e.data = crypto_seal(s->key, "", 0, "outbox-data", &e.datalen);
	memset(changes, 0, sizeof(changes));
	for (i = 0; rv == 0 && i < SA_NSTEPS; i++)
		rv = sa_purge_step(s, (enum sa_purge_step)i, id, &e, now,
		    &changes[i]);
	free(e.envelope);
	free(e.data);
	if (rv == 0) {
		p->messages = changes[SA_MESSAGES];
		p->outbox = changes[SA_OUTBOX_EMPTY];
		p->proposals = changes[SA_PROPOSALS];
		p->server = changes[SA_SERVER];
		log_info("store: case %" PRId64 ": content purged (%" PRId64
		    " messages, %" PRId64 " outgoing mails)", id, p->messages,
		    p->outbox);
	}
	return rv;
}

int
store_case_purge(struct store *s, int64_t id, time_t now,
    struct store_purged *p)
{
	int	outer, rv;

	memset(p, 0, sizeof(*p));
	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	rv = sa_case_purge(s, id, now, p);
	return store_atomic_end(s, rv, outer);
}

int
store_case_purged(struct store *s, int64_t id, time_t *when)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	*when = 0;
	if ((st = store_prepare(s, "SELECT purged FROM cases WHERE id = ?1 AND "
	    "purged IS NOT NULL")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*when = (time_t)sqlite3_column_int64(st, 0);
		rv = 1;
	} else if (rc == SQLITE_DONE)
		rv = 0;
	else {
		store_error(s, "case purged");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

/* Runs a checkpoint; 1 when another connection kept it from finishing. */
static int
sa_checkpoint(struct store *s)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	if ((st = store_prepare(s, "PRAGMA wal_checkpoint(TRUNCATE)")) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		rv = sqlite3_column_int(st, 0) != 0;
	else {
		store_error(s, "checkpoint");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_compact(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		log_warnx("store: compact inside a transaction");
		return -1;
	}
	/* The WAL first, so VACUUM reads the pages without the content. */
	if (sa_checkpoint(s) == -1)
		return -1;
	if (sqlite3_exec(s->db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK) {
		store_error(s, "vacuum");
		return -1;
	}
	return sa_checkpoint(s);
}

int
store_case_count(struct store *s, time_t since, enum store_count_by by,
    int (*cb)(const char *, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*sql;
	const char	*key;
	int		 rc = SQLITE_DONE, rv = 0;

	if ((size_t)by >= nitems(sa_count_key))
		return -1;
	xasprintf(&sql, "SELECT %s AS k, count(*) FROM cases WHERE "
	    "received >= ?1 GROUP BY k ORDER BY k", sa_count_key[by]);
	st = store_prepare(s, sql);
	free(sql);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		key = (const char *)sqlite3_column_text(st, 0);
		if (cb(key != NULL ? key : "", sqlite3_column_int64(st, 1),
		    arg) == -1)
			rv = -1;
	}
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "case count");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

/*
 * store_report: what the case document (conductctl report, ctl_report.c)
 * reads besides a case's messages and outbox: its proposals, oldest
 * first, with their texts opened, and the votes on each by keyed member
 * id.
 */
#include <stdlib.h>

#include "crypto.h"
#include "store.h"
#include "store_priv.h"

int
store_proposal_foreach(struct store *s, int64_t case_id,
    int (*cb)(int64_t id, const char *text, const char *state, time_t opened,
    void *), void *arg)
{
	sqlite3_stmt	*st;
	char		*text;
	size_t		 len;
	int		 rc, rv = 0;

	if ((st = store_prepare(s, "SELECT id, text, state, opened FROM "
	    "proposal WHERE case_id = ?1 ORDER BY opened, id")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (crypto_open(s->key, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), "proposal",
		    (void **)&text, &len) == -1) {
			rv = -1;
			break;
		}
		rv = cb(sqlite3_column_int64(st, 0), text,
		    (const char *)sqlite3_column_text(st, 2),
		    (time_t)sqlite3_column_int64(st, 3), arg);
		crypto_freestr(text);
	}
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "proposals");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_vote_foreach(struct store *s, int64_t proposal_id,
    int (*cb)(const char *member, const char *vote, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc, rv = 0;

	if ((st = store_prepare(s, "SELECT member, vote FROM vote WHERE "
	    "proposal_id = ?1 ORDER BY rowid")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, proposal_id);
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		rv = cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), arg);
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "votes");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

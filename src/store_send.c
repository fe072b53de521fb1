/*
 * store_send: the outbox columns of bounded resends and heard failures.
 * A send is recorded as begun (send_unconfirmed + 1, send_started_at)
 * in a commit of its own before the message goes out; the write of its
 * outcome confirms it (the count back to 0).  A row whose count reaches
 * the bound was sent, perhaps, that many times without a word back and
 * is held by outbox.c.  A failed row is alarmed once (fail_alarmed).
 * The begin's and the outcome's commits skip the wait for the disk
 * (store_outbox_lazy): a crash keeps them (the kernel has the WAL's
 * writes), the pass's checkpoint puts them on the disk (outbox.c).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

/* Runs one statement: ?1 is id, ?2 (if used) value; -1 on error. */
static int
ss_exec(struct store *s, const char *sql, int64_t id, int64_t value,
    const char *what)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_error(s, what);
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, value);
	if (sqlite3_step(st) != SQLITE_DONE) {
		store_error(s, what);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_outbox_send_begin(struct store *s, int64_t id, time_t now)
{
	if (store_begin(s) == -1)
		return -1;
	if (ss_exec(s, "UPDATE outbox SET send_unconfirmed = "
	    "send_unconfirmed + 1, send_started_at = ?2 WHERE id = ?1", id,
	    (int64_t)now, "outbox send begin") == -1 ||
	    store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
store_outbox_lazy(struct store *s, int on)
{
	if (sqlite3_exec(s->db, on ? "PRAGMA synchronous = NORMAL" :
	    "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
		store_error(s, "outbox commit mode");
		return -1;
	}
	return 0;
}

int
store_outbox_send_confirm(struct store *s, int64_t id)
{
	return ss_exec(s, "UPDATE outbox SET send_unconfirmed = 0, "
	    "send_started_at = NULL WHERE id = ?1", id, 0,
	    "outbox send confirm");
}

int
store_outbox_send_unconfirmed(struct store *s, int64_t id)
{
	sqlite3_stmt	*st;
	int		 rc, n = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT send_unconfirmed FROM outbox "
	    "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "outbox unconfirmed");
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	else if (rc == SQLITE_DONE)
		n = 0;
	else
		store_error(s, "outbox unconfirmed");
	sqlite3_finalize(st);
	return n;
}

int
store_outbox_fail_unalarmed(struct store *s, size_t max, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;

	*n = 0;
	*ids = xcalloc(max > 0 ? max : 1, sizeof(**ids));
	if (sqlite3_prepare_v2(s->db, "SELECT id FROM outbox WHERE state = "
	    "'failed' AND fail_alarmed = 0 AND purged IS NULL ORDER BY id "
	    "LIMIT ?1", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "outbox failures");
		return -1;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (*n < max && rc != SQLITE_DONE) {
		store_error(s, "outbox failures");
		return -1;
	}
	return 0;
}

int
store_outbox_set_fail_alarmed(struct store *s, int64_t id)
{
	return ss_exec(s, "UPDATE outbox SET fail_alarmed = 1 WHERE id = ?1",
	    id, 0, "outbox fail alarmed");
}

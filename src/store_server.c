/*
 * store_server: the copies of stored messages that still lie on the IMAP
 * server (in the processed folder, where intake moved them).  A copy is
 * due to go processed_keep days after it was stored, or at once when
 * purge dropped its case's content; once expunged, or found gone, the
 * row records when and loses its sealed Message-ID, the one locator
 * kept for a folder whose UIDVALIDITY changed.  Nothing here is content.
 *
 * These run once per pass and from conductctl purge, so statements are
 * prepared for each call and not cached.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crypto.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

/*
 * Rows moved to the server's processed folder (state 'processed') whose
 * copy is not known gone, due by purge or by age (?1), oldest first.
 * Each half has its partial index, so a pass touches only what is due,
 * however many copies are kept.
 */
#define SS_DUE_SQL							\
	"SELECT id, moved_folder, moved_uidvalidity, moved_uid, "	\
	"server_msgid, server_purge FROM message WHERE id IN ("	\
	"SELECT id FROM message WHERE server_gone IS NULL AND "		\
	"server_purge = 1 UNION ALL SELECT id FROM message WHERE "	\
	"server_gone IS NULL AND received <= ?1) AND state = "		\
	"'processed' ORDER BY id LIMIT ?2"

/* The row's sealed Message-ID opened, or NULL. */
static char *
ss_msgid(struct store *s, sqlite3_stmt *st, int col)
{
	const void	*blob;
	void		*plain;
	size_t		 len;
	int		 n;

	if ((blob = sqlite3_column_blob(st, col)) == NULL ||
	    (n = sqlite3_column_bytes(st, col)) <= 0)
		return NULL;
	if (crypto_open(s->key, blob, (size_t)n, STORE_SERVER_MSGID_AD,
	    &plain, &len) == -1)
		return NULL;
	return plain;
}

static void
ss_fill(struct store *s, sqlite3_stmt *st, struct store_server_copy *c)
{
	const char	*f;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	if ((f = (const char *)sqlite3_column_text(st, 1)) != NULL)
		c->folder = xstrdup(f);
	c->uidvalidity = (uint32_t)sqlite3_column_int64(st, 2);
	c->uid = (uint32_t)sqlite3_column_int64(st, 3);
	c->msgid = ss_msgid(s, st, 4);
	c->purged = sqlite3_column_int(st, 5) != 0;
}

int
store_server_due(struct store *s, time_t cutoff, size_t max,
    struct store_server_copy **out, size_t *n)
{
	struct store_server_copy	*v = NULL;
	sqlite3_stmt			*st;
	size_t				 len = 0;
	int				 rc;

	*out = NULL;
	*n = 0;
	if ((st = store_prepare(s, SS_DUE_SQL)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cutoff);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xreallocarray(v, len + 1, sizeof(*v));
		ss_fill(s, st, &v[len++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "server copies due");
		store_server_copies_free(v, len);
		return -1;
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_server_copies_free(struct store_server_copy *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].folder);
		crypto_freestr(v[i].msgid);
	}
	free(v);
}

int
store_server_gone(struct store *s, const int64_t *ids, size_t n, time_t now)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 outer, rv = 0;

	if (n == 0)
		return 0;
	if ((st = store_prepare(s, "UPDATE message SET server_gone = ?2, "
	    "server_msgid = NULL WHERE id = ?1")) == NULL)
		return -1;
	if (store_atomic_begin(s, &outer) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	for (i = 0; rv == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
		rv = store_step_done(s, st, "server copy gone");
	}
	sqlite3_finalize(st);
	return store_atomic_end(s, rv, outer);
}

int
store_server_waiting(struct store *s, time_t cutoff, int64_t *due,
    int64_t *kept)
{
	sqlite3_stmt	*st;
	int		 rc;

	*due = *kept = 0;
	if ((st = store_prepare(s, "SELECT coalesce(sum(server_purge = 1 OR "
	    "received <= ?1), 0), coalesce(sum(NOT (server_purge = 1 OR "
	    "received <= ?1)), 0) FROM message WHERE server_gone IS NULL "
	    "AND state = 'processed'")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)cutoff);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*due = sqlite3_column_int64(st, 0);
		*kept = sqlite3_column_int64(st, 1);
	} else
		store_error(s, "server copies");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

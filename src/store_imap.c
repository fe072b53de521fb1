/*
 * store_imap: the UIDs the IMAP server could not serve whole.  Every
 * failed fetch of one message alone is counted in imap_held, keyed by
 * mailbox, UIDVALIDITY and UID, so reconnects and restarts count too;
 * after the last allowed try the row is held (held_at set) and intake
 * skips that UID, so one damaged server file never blocks the mail
 * behind it.  conductctl releases a held row for another round of tries.
 * Nothing of the message is kept here: no content, no address.
 *
 * These run on failures and once per pass, so statements are prepared
 * for each call and not cached.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "clock.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

static void
si_bind_key(sqlite3_stmt *st, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid)
{
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, uid);
}

int
store_imap_tries(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, int *tries)
{
	sqlite3_stmt	*st;
	int		 rc;

	*tries = 0;
	if ((st = store_prepare(s, "SELECT tries FROM imap_held WHERE "
	    "mailbox = ? AND uidvalidity = ? AND uid = ?")) == NULL)
		return -1;
	si_bind_key(st, mailbox, uidvalidity, uid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*tries = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_error(s, "imap tries");
		return -1;
	}
	return 0;
}

/* Holds the row when it reached max_tries and is not held: 1, 0, -1. */
static int
si_hold(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, int max_tries)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "UPDATE imap_held SET held_at = ?4, "
	    "released = 0, held_alarmed = 0 WHERE mailbox = ?1 AND uidvalidity = ?2 AND "
	    "uid = ?3 AND tries >= ?5 AND (held_at IS NULL OR "
	    "released = 1)")) == NULL)
		return -1;
	si_bind_key(st, mailbox, uidvalidity, uid);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)clock_now());
	sqlite3_bind_int(st, 5, max_tries);
	if (store_run_once(s, st, "imap hold") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

static int
si_count(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, const char *reason)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "INSERT INTO imap_held (mailbox, "
	    "uidvalidity, uid, tries, reason) VALUES (?, ?, ?, 1, ?) "
	    "ON CONFLICT (mailbox, uidvalidity, uid) DO UPDATE SET "
	    "tries = tries + 1, reason = excluded.reason")) == NULL)
		return -1;
	si_bind_key(st, mailbox, uidvalidity, uid);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	return store_run_once(s, st, "imap try") == -1 ? -1 : 0;
}

int
store_imap_fetch_failed(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid, const char *reason, int max_tries,
    int *tries)
{
	int	outer, rv = -1;

	*tries = 0;
	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	if (si_count(s, mailbox, uidvalidity, uid, reason) == 0 &&
	    store_imap_tries(s, mailbox, uidvalidity, uid, tries) == 0)
		rv = si_hold(s, mailbox, uidvalidity, uid, max_tries);
	return store_atomic_end(s, rv, outer);
}

int
store_imap_fetched(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "DELETE FROM imap_held WHERE mailbox = ? "
	    "AND uidvalidity = ? AND uid = ?")) == NULL)
		return -1;
	si_bind_key(st, mailbox, uidvalidity, uid);
	return store_run_once(s, st, "imap fetched") == -1 ? -1 : 0;
}

int
store_imap_held_uids(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t **uids, size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*uids = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT uid FROM imap_held WHERE "
	    "mailbox = ? AND uidvalidity = ? AND held_at IS NOT NULL AND "
	    "released = 0 ORDER BY uid")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			*uids = xreallocarray(*uids, cap, sizeof(**uids));
		}
		(*uids)[(*n)++] = (uint32_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "imap held uids");
		free(*uids);
		*uids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

static void
si_row(sqlite3_stmt *st, struct store_imap_held *h)
{
	const char	*t;

	h->id = sqlite3_column_int64(st, 0);
	t = (const char *)sqlite3_column_text(st, 1);
	h->mailbox = xstrdup(t != NULL ? t : "");
	h->uidvalidity = (uint32_t)sqlite3_column_int64(st, 2);
	h->uid = (uint32_t)sqlite3_column_int64(st, 3);
	h->tries = sqlite3_column_int(st, 4);
	t = (const char *)sqlite3_column_text(st, 5);
	h->reason = xstrdup(t != NULL ? t : "");
	h->held_at = (time_t)sqlite3_column_int64(st, 6);
}

int
store_imap_held_list(struct store *s, struct store_imap_held **v, size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*v = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT id, mailbox, uidvalidity, uid, "
	    "tries, reason, held_at FROM imap_held WHERE held_at IS NOT "
	    "NULL AND released = 0 ORDER BY id")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		si_row(st, &(*v)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "imap held list");
		store_imap_held_free(*v, *n);
		*v = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
store_imap_held_free(struct store_imap_held *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].mailbox);
		free(v[i].reason);
	}
	free(v);
}

int
store_imap_held_release(struct store *s, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "UPDATE imap_held SET released = 1, "
	    "tries = 0 WHERE id = ? AND held_at IS NOT NULL AND "
	    "released = 0")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (store_run_once(s, st, "imap release") == -1)
		return -1;
	return sqlite3_changes(s->db) > 0;
}

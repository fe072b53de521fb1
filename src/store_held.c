/*
 * store_held: the quarantine's rows.  A queue item (a stored message, an
 * outbox row, a deadline) that its step could not handle counts its
 * failed tries and waits for the next; once held it is left out of its
 * queue with a short reason until an admin retries it.  The columns are
 * the same three ways over but live in three tables, so each operation
 * is a row of SQL per kind (sh_sql).  The policy (how many tries, how
 * long between them) is held.c's; this file only keeps the rows.
 *
 * These run only when something failed, or from conductctl, so their
 * statements are prepared for each call and not cached.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define SH_REASON_MAX	150

enum sh_op {
	SH_TRIES,	/* ?1 id */
	SH_DEFER,	/* ?1 id, ?2 tries, ?3 next try */
	SH_HOLD,	/* ?1 id, ?2 tries, ?3 reason, ?4 now */
	SH_ALARMED,	/* ?1 id, ?2 now */
	SH_RETRY,	/* ?1 id, ?2 now */
	SH_NOPS
};

static const char *const sh_names[] = {
	[STORE_HELD_MESSAGE] = "message",
	[STORE_HELD_OUTBOX] = "outbox",
	[STORE_HELD_DEADLINE] = "deadline",
	[STORE_HELD_UID] = "uid",
};

static const char *const sh_sql[][SH_NOPS] = {
	[STORE_HELD_MESSAGE] = {
	[SH_TRIES] = "SELECT held_tries FROM message WHERE id = ?1",
	[SH_DEFER] = "UPDATE message SET held_tries = ?2, held_next_try = ?3 "
	    "WHERE id = ?1",
	[SH_HOLD] = "UPDATE message SET held_tries = ?2, held_reason = ?3, "
	    "held_at = ?4, held_alarmed = 0 WHERE id = ?1",
	[SH_ALARMED] = "UPDATE message SET held_alarmed = 1, held_at = "
	    "coalesce(held_at, ?2) WHERE id = ?1 AND held_reason IS NOT NULL",
	[SH_RETRY] = "UPDATE message SET held_reason = NULL, held_at = NULL, "
	    "held_tries = 0, held_next_try = ?2, held_alarmed = 0 "
	    "WHERE id = ?1 AND held_reason IS NOT NULL",
	},
	/* A held row of the outbox is a state of its lifecycle. */
	[STORE_HELD_OUTBOX] = {
	[SH_TRIES] = "SELECT held_tries FROM outbox WHERE id = ?1",
	[SH_DEFER] = "UPDATE outbox SET held_tries = ?2, next_attempt = ?3 "
	    "WHERE id = ?1",
	[SH_HOLD] = "UPDATE outbox SET held_tries = ?2, state = 'held', "
	    "last_error = ?3, held_at = ?4, held_alarmed = 0 WHERE id = ?1",
	[SH_ALARMED] = "UPDATE outbox SET held_alarmed = 1, held_at = "
	    "coalesce(held_at, ?2) WHERE id = ?1 AND state = 'held'",
	[SH_RETRY] = "UPDATE outbox SET state = 'queued', last_error = '', "
	    "last_code = 0, attempts = 0, held_at = NULL, held_tries = 0, "
	    "send_unconfirmed = 0, "
	    "next_attempt = ?2, held_alarmed = 0 WHERE id = ?1 AND "
	    "state = 'held' AND purged IS NULL",
	},
	[STORE_HELD_DEADLINE] = {
	[SH_TRIES] = "SELECT held_tries FROM deadline WHERE id = ?1",
	[SH_DEFER] = "UPDATE deadline SET held_tries = ?2, held_next_try = ?3 "
	    "WHERE id = ?1",
	[SH_HOLD] = "UPDATE deadline SET held_tries = ?2, held_reason = ?3, "
	    "held_at = ?4, held_alarmed = 0 WHERE id = ?1",
	[SH_ALARMED] = "UPDATE deadline SET held_alarmed = 1, held_at = "
	    "coalesce(held_at, ?2) WHERE id = ?1 AND held_reason IS NOT NULL",
	[SH_RETRY] = "UPDATE deadline SET held_reason = NULL, held_at = NULL, "
	    "held_tries = 0, held_next_try = ?2, held_alarmed = 0 "
	    "WHERE id = ?1 AND held_reason IS NOT NULL AND done = 0",
	},
	/*
	 * A UID intake could not fetch whole (store_imap.c holds it; the
	 * quarantine only lists, alarms and releases it).  Its id is the
	 * imap_held row's; UID 0 is intake's own note, never an item.
	 */
	[STORE_HELD_UID] = {
	[SH_TRIES] = "SELECT tries FROM imap_held WHERE id = ?1 AND uid != 0",
	[SH_DEFER] = "UPDATE imap_held SET tries = ?2 WHERE id = ?1 AND "
	    "uid != 0 AND ?3 = ?3",
	[SH_HOLD] = "UPDATE imap_held SET tries = ?2, reason = ?3, "
	    "held_at = ?4, released = 0, held_alarmed = 0 WHERE id = ?1 AND "
	    "uid != 0",
	[SH_ALARMED] = "UPDATE imap_held SET held_alarmed = 1, held_at = "
	    "coalesce(held_at, ?2) WHERE id = ?1 AND held_at IS NOT NULL",
	[SH_RETRY] = "UPDATE imap_held SET released = 1, tries = 0, "
	    "held_alarmed = 0 WHERE id = ?1 AND uid != 0 AND held_at IS NOT "
	    "NULL AND released = 0 AND ?2 = ?2",
	},
};

/*
 * Every held item; the kind numbers are STORE_HELD_* (the list orders
 * by them).  "+done" keeps the planner on deadline_held (the held
 * rows) rather than deadline_due (every pending deadline).
 */
static const char sh_list_sql[] =
    "SELECT kind, id, case_id, what, since, tries, alarmed, reason FROM ("
    "SELECT 0 AS kind, id, coalesce(case_id, 0) AS case_id, '' AS what, "
    "coalesce(held_at, 0) AS since, held_tries AS tries, held_alarmed AS "
    "alarmed, held_reason AS reason FROM message WHERE held_reason IS NOT "
    "NULL UNION ALL "
    "SELECT 1, id, coalesce(case_id, 0), kind, coalesce(held_at, 0), "
    "held_tries, held_alarmed, last_error FROM outbox WHERE state = 'held' "
    "UNION ALL "
    "SELECT 2, id, case_id, kind, coalesce(held_at, 0), held_tries, "
    "held_alarmed, held_reason FROM deadline WHERE held_reason IS NOT NULL "
    "AND +done = 0 UNION ALL "
    "SELECT 3, id, 0, 'UID ' || uid, held_at, tries, held_alarmed, "
    "coalesce(reason, '') FROM imap_held WHERE held_at IS NOT NULL AND "
    "released = 0 AND uid != 0) WHERE (?1 = 0 OR case_id = ?1) AND (?2 = 0 OR "
    "alarmed = 0) ORDER BY kind, id";

const char *
store_held_strkind(enum store_held_kind kind)
{
	if ((size_t)kind >= nitems(sh_names))
		return "unknown";
	return sh_names[kind];
}

int
store_held_parsekind(const char *text, enum store_held_kind *kind)
{
	size_t	i;

	for (i = 0; i < nitems(sh_names); i++)
		if (strcmp(text, sh_names[i]) == 0) {
			*kind = (enum store_held_kind)i;
			return 0;
		}
	return -1;
}

/* Prepares the statement of op for kind, with ?1 bound to id. */
static sqlite3_stmt *
sh_prepare(struct store *s, enum store_held_kind kind, enum sh_op op,
    int64_t id)
{
	sqlite3_stmt	*st;

	if ((size_t)kind >= nitems(sh_sql) ||
	    sqlite3_prepare_v2(s->db, sh_sql[kind][op], -1, &st, NULL) !=
	    SQLITE_OK) {
		store_error(s, "prepare");
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	return st;
}

int
store_held_tries(struct store *s, enum store_held_kind kind, int64_t id,
    int *tries)
{
	sqlite3_stmt	*st;
	int		 rc, rv = 0;

	*tries = 0;
	if ((st = sh_prepare(s, kind, SH_TRIES, id)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*tries = sqlite3_column_int(st, 0);
		rv = 1;
	} else if (rc != SQLITE_DONE) {
		store_error(s, "held tries");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_held_defer(struct store *s, enum store_held_kind kind, int64_t id,
    int tries, time_t next)
{
	sqlite3_stmt	*st;

	if ((st = sh_prepare(s, kind, SH_DEFER, id)) == NULL)
		return -1;
	sqlite3_bind_int(st, 2, tries);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)next);
	return store_run_once(s, st, "held defer") == -1 ? -1 : 0;
}

int
store_held_set(struct store *s, enum store_held_kind kind, int64_t id,
    int tries, const char *reason, time_t now)
{
	sqlite3_stmt	*st;
	char		 r[SH_REASON_MAX + 1];

	if ((st = sh_prepare(s, kind, SH_HOLD, id)) == NULL)
		return -1;
	snprintf(r, sizeof(r), "%s", reason);
	sqlite3_bind_int(st, 2, tries);
	sqlite3_bind_text(st, 3, r, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
	return store_run_once(s, st, "held set") == -1 ? -1 : 0;
}

int
store_held_alarmed(struct store *s, enum store_held_kind kind, int64_t id,
    time_t now)
{
	sqlite3_stmt	*st;

	if ((st = sh_prepare(s, kind, SH_ALARMED, id)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	return store_run_once(s, st, "held alarmed") == -1 ? -1 : 0;
}

int
store_held_retry(struct store *s, enum store_held_kind kind, int64_t id,
    time_t now)
{
	sqlite3_stmt	*st;
	int		 n;

	if ((st = sh_prepare(s, kind, SH_RETRY, id)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	if ((n = store_run_once(s, st, "held retry")) == -1)
		return -1;
	return n > 0;
}

static void
sh_fill(sqlite3_stmt *st, struct store_held_item *it)
{
	const char	*t;

	memset(it, 0, sizeof(*it));
	it->kind = (enum store_held_kind)sqlite3_column_int(st, 0);
	it->id = sqlite3_column_int64(st, 1);
	it->case_id = sqlite3_column_int64(st, 2);
	if ((t = (const char *)sqlite3_column_text(st, 3)) != NULL)
		snprintf(it->what, sizeof(it->what), "%s", t);
	it->since = (time_t)sqlite3_column_int64(st, 4);
	it->tries = sqlite3_column_int(st, 5);
	it->alarmed = sqlite3_column_int(st, 6);
	if ((t = (const char *)sqlite3_column_text(st, 7)) != NULL)
		snprintf(it->reason, sizeof(it->reason), "%s", t);
}

int
store_held_list(struct store *s, int64_t case_id, int unalarmed,
    struct store_held_item **items, size_t *n)
{
	sqlite3_stmt		*st;
	struct store_held_item	*v = NULL;
	size_t			 len = 0, cap = 0;
	int			 rc;

	*items = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sh_list_sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, unalarmed != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		sh_fill(st, &v[len++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "held list");
		free(v);
		return -1;
	}
	*items = v;
	*n = len;
	return 0;
}

int
store_held_next_try(struct store *s, time_t *when)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	if (sqlite3_prepare_v2(s->db, "SELECT min(held_next_try) FROM message "
	    "WHERE kind IS NULL AND dup_of IS NULL AND held_reason IS NULL "
	    "AND held_next_try > 0", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rv = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*when = (time_t)sqlite3_column_int64(st, 0);
	} else {
		store_error(s, "held next try");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

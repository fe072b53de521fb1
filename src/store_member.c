/*
 * store_member: who a member is across configuration edits.  A member
 * stands in the database for the keyed hash of their [member] section's
 * name; this file also keeps, for every such key, keyed tokens of the
 * addresses it was configured with, so that committee.c can tell a
 * renamed section (same addresses) from a new member and move the
 * renamed one's rows to the new key.  Address rows are never deleted:
 * an address once a member's keeps naming that member's history.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* The tables whose member column moves with a renamed member. */
static const char *const store_member_moves[] = {
	"UPDATE OR IGNORE deadline SET member = ?2 WHERE member = ?1",
	"UPDATE OR IGNORE vote SET member = ?2 WHERE member = ?1",
	"UPDATE outbox SET member = ?2 WHERE member = ?1",
	/* The states the old key has win over older ones of the new. */
	"DELETE FROM case_member WHERE member = ?2 AND case_id IN "
	"(SELECT case_id FROM case_member WHERE member = ?1)",
	"UPDATE case_member SET member = ?2 WHERE member = ?1"
};

int
store_member_addr_add(struct store *s, const char *member, const char *addr,
    int64_t gen)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "INSERT INTO recusal_member_addr "
	    "(member, addr, seen) VALUES (?1, ?2, ?3) ON CONFLICT (member, "
	    "addr) DO UPDATE SET seen = excluded.seen")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, gen);
	return store_run_once(s, st, "member address add") == -1 ? -1 : 0;
}

/* One integer of a one-row query on member; -1 on error. */
static int
store_member_int(struct store *s, const char *sql, const char *member,
    int64_t *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	*v = 0;
	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	if (member != NULL)
		sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		store_error(s, "member generation");
		return -1;
	}
	return 0;
}

int
store_member_generation(struct store *s, int64_t *gen)
{
	if (store_member_int(s, "SELECT coalesce(max(seen), 0) + 1 FROM "
	    "recusal_member_addr", NULL, gen) == -1)
		return -1;
	return 0;
}

int
store_member_seen(struct store *s, const char *member, int64_t *seen)
{
	return store_member_int(s, "SELECT coalesce(max(seen), -1) FROM "
	    "recusal_member_addr WHERE member = ?1", member, seen);
}

int
store_member_known(struct store *s, const char *member)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, "SELECT 1 FROM case_member "
	    "WHERE member = ?1 LIMIT 1")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_error(s, "member known");
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
store_member_by_addr(struct store *s, const char *addr, char ***keys,
    int64_t **seen, size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*keys = NULL;
	*seen = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT member, seen FROM "
	    "recusal_member_addr WHERE addr = ?1 ORDER BY seen DESC, "
	    "member")) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, addr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*keys = xreallocarray(*keys, *n + 1, sizeof(**keys));
		*seen = xreallocarray(*seen, *n + 1, sizeof(**seen));
		(*keys)[*n] = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
		(*seen)[(*n)++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "member by address");
		return -1;
	}
	return 0;
}

static int
store_member_rekey1(struct store *s, const char *from, const char *to)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rv = 0;

	for (i = 0; rv != -1 && i < nitems(store_member_moves); i++) {
		if ((st = store_prepare(s, store_member_moves[i])) ==
		    NULL)
			return -1;
		sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		rv = store_run_once(s, st, "member rekey");
	}
	return rv;
}

int
store_member_rekey(struct store *s, const char *from, const char *to)
{
	int	outer, rv;

	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	rv = store_member_rekey1(s, from, to);
	return store_atomic_end(s, rv, outer);
}

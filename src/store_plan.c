/*
 * store_plan: what a pass need not redo.  The cases whose deadlines
 * need planning again (plan_dirty, kept by the schema's triggers on
 * cases and case_member), and per configuration part the keyed
 * fingerprint of what was last applied to the open cases, so that a
 * pass with nothing new reads no case, whatever the database holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

int
store_plan_dirty(struct store *s, int64_t **ids, size_t *n)
{
	sqlite3_stmt	*st;

	*ids = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT case_id FROM plan_dirty ORDER BY "
	    "case_id")) == NULL)
		return -1;
	return store_collect_ids(s, st, ids, n, "cases to plan");
}

int
store_plan_done(struct store *s, int64_t case_id)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "DELETE FROM plan_dirty WHERE case_id = "
	    "?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	return store_run_once(s, st, "case planned") == -1 ? -1 : 0;
}

int
store_plan_all_open(struct store *s)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "INSERT OR IGNORE INTO plan_dirty SELECT "
	    "id FROM cases WHERE status <> 'closed' AND purged IS NULL")) ==
	    NULL)
		return -1;
	return store_run_once(s, st, "plan open cases") == -1 ? -1 : 0;
}

int
store_applied_get(struct store *s, const char *part, char *fp, size_t size)
{
	sqlite3_stmt	*st;
	int		 rc;

	*fp = '\0';
	if ((st = store_prepare(s, "SELECT fp FROM applied WHERE part = ?1")) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, part, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(fp, size, "%s", (const char *)sqlite3_column_text(st,
		    0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_error(s, "applied configuration");
		return -1;
	}
	return rc == SQLITE_ROW;
}

int
store_applied_set(struct store *s, const char *part, const char *fp)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "INSERT INTO applied (part, fp) VALUES "
	    "(?1, ?2) ON CONFLICT (part) DO UPDATE SET fp = excluded.fp")) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, part, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, fp, -1, SQLITE_STATIC);
	return store_run_once(s, st, "applied configuration set") == -1 ?
	    -1 : 0;
}

int
store_applied_parts(struct store *s, const char *prefix, char ***parts,
    size_t *n)
{
	sqlite3_stmt	*st;
	const char	*p;
	int		 rc;

	*parts = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT part FROM applied ORDER BY "
	    "part")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p = (const char *)sqlite3_column_text(st, 0);
		if (strncmp(p, prefix, strlen(prefix)) != 0)
			continue;
		*parts = xreallocarray(*parts, *n + 1, sizeof(**parts));
		(*parts)[(*n)++] = xstrdup(p);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "applied parts");
		return -1;
	}
	return 0;
}

int
store_applied_del(struct store *s, const char *part)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "DELETE FROM applied WHERE part = ?1")) ==
	    NULL)
		return -1;
	sqlite3_bind_text(st, 1, part, -1, SQLITE_STATIC);
	return store_run_once(s, st, "applied configuration del") == -1 ?
	    -1 : 0;
}

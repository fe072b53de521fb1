/*
 * store_pattern: the blind index of reported persons (pattern.h): one row
 * per case and keyed hash of an identifying part, never the part.  A
 * purge drops a case's rows (a trigger of the schema), so a purged case
 * matches nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

_Static_assert(CRYPTO_HASHBYTES == 32, "store.h says 32");

int
store_pattern_set(struct store *s, int64_t case_id,
    const unsigned char (*hashes)[CRYPTO_HASHBYTES], size_t n)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 outer, rv = 0;

	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	if ((st = store_prepare(s, "DELETE FROM pattern WHERE case_id = "
	    "?1")) == NULL)
		return store_atomic_end(s, -1, outer);
	sqlite3_bind_int64(st, 1, case_id);
	if (store_run_once(s, st, "pattern entries") == -1)
		rv = -1;
	for (i = 0; rv == 0 && i < n; i++) {
		if ((st = store_prepare(s, "INSERT OR IGNORE INTO pattern "
		    "(case_id, key) VALUES (?1, ?2)")) == NULL) {
			rv = -1;
			break;
		}
		sqlite3_bind_int64(st, 1, case_id);
		sqlite3_bind_blob(st, 2, hashes[i], CRYPTO_HASHBYTES,
		    SQLITE_STATIC);
		if (store_run_once(s, st, "pattern entry") == -1)
			rv = -1;
	}
	return store_atomic_end(s, rv, outer);
}

int
store_pattern_matches(struct store *s, int64_t case_id, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt	*st;

	*ids = NULL;
	*n = 0;
	/*
	 * The cases linked through shared keys, also those that share none
	 * with case_id but one with a case that does: the address one
	 * report gave and the name another gave are the same person's.
	 */
	if ((st = store_prepare(s, "WITH RECURSIVE linked(case_id) AS ("
	    "SELECT ?1 UNION SELECT o.case_id FROM linked JOIN pattern AS p "
	    "ON p.case_id = linked.case_id JOIN pattern AS o ON o.key = "
	    "p.key) SELECT case_id FROM linked WHERE case_id <> ?1 ORDER BY "
	    "case_id")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	return store_collect_ids(s, st, ids, n, "pattern matches");
}

int
store_pattern_edges(struct store *s, int64_t **a, int64_t **b, size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*a = *b = NULL;
	*n = 0;
	if ((st = store_prepare(s, "SELECT p.case_id, (SELECT min(q.case_id) "
	    "FROM pattern AS q WHERE q.key = p.key) FROM pattern AS p")) ==
	    NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			*a = xreallocarray(*a, cap, sizeof(**a));
			*b = xreallocarray(*b, cap, sizeof(**b));
		}
		(*a)[*n] = sqlite3_column_int64(st, 0);
		(*b)[(*n)++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "pattern groups");
		free(*a);
		free(*b);
		*a = *b = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

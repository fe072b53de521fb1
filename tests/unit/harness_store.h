/*
 * harness_store: the set-up the store-backed unit tests share, a new key
 * and a new database in a test's temporary folder.  Include after
 * harness.h; the test links libconductd like every unit test.
 */
#ifndef HARNESS_STORE_H
#define HARNESS_STORE_H

#include <sqlite3.h>

#include "crypto.h"
#include "log.h"
#include "store.h"

/*
 * Creates dir/key and opens dir/db with it: the store, or NULL after a
 * counted failure.  *key is the loaded key (the caller frees it).
 */
static inline struct store *
harness_store(const char *dir, struct crypto_key **key)
{
	struct store	*s;
	char		 path[512], *err = NULL;

	snprintf(path, sizeof(path), "%s/key", dir);
	CHECK(crypto_key_create(path, &err) == 0);
	free(err);
	err = NULL;
	*key = crypto_key_load(path, &err);
	CHECK(*key != NULL);
	free(err);
	err = NULL;
	snprintf(path, sizeof(path), "%s/db", dir);
	s = store_open(path, *key, &err);
	CHECK(s != NULL);
	free(err);
	return s;
}

/*
 * A store test's start: the log to stderr (errors only) as name, the
 * crypto library, a new temporary folder dir (a mkdtemp template) and a
 * store in it.  NULL (after a counted failure, or with dir not made)
 * means the test can only end.
 */
static inline struct store *
harness_store_start(char *dir, const char *name, struct crypto_key **key)
{
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, name);
	crypto_init();
	*key = NULL;
	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return NULL;
	}
	return harness_store(dir, key);
}

/* Its end: closes the store, removes dir, the harness's exit status. */
static inline int
harness_store_finish(const char *dir, struct store *st,
    struct crypto_key *key)
{
	char	cmd[600];

	store_close(st);
	crypto_key_free(key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return harness_done();
}

/* Runs sql on dir/db from a connection of its own. */
static inline void
harness_db_exec(const char *dir, const char *sql)
{
	sqlite3	*db;
	char	 path[512];

	snprintf(path, sizeof(path), "%s/db", dir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

#endif

/*
 * store_pgp: OpenPGP in incoming mail (pgpmail.h), one row per message
 * that had any: its flags, the keyed hash of a good signature's key
 * (the fingerprint itself could name a reporter), and the sealed bytes
 * as they came when they were decrypted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "store.h"
#include "store_priv.h"

#define STORE_PGP_AD	"message-pgp"

static void
store_pgp_hash(struct store *s, const char *fpr,
    unsigned char h[CRYPTO_HASHBYTES])
{
	crypto_keyed_hash(s->key, "pgp-signer", fpr, strlen(fpr), h);
}

int
store_message_pgp_set(struct store *s, int64_t id, int flags,
    const char *signer, const void *orig, size_t origlen)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];
	void		*blob = NULL;
	size_t		 bloblen;
	int		 rv;

	if ((st = store_prepare(s, "INSERT OR REPLACE INTO message_pgp "
	    "(id, flags, signer, raw) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, flags);
	if (signer != NULL && signer[0] != '\0') {
		store_pgp_hash(s, signer, h);
		sqlite3_bind_blob(st, 3, h, sizeof(h), SQLITE_STATIC);
	}
	if (orig != NULL) {
		blob = crypto_seal(s->key, orig, origlen, STORE_PGP_AD,
		    &bloblen);
		sqlite3_bind_blob64(st, 4, blob, bloblen, SQLITE_STATIC);
	}
	rv = store_run_once(s, st, "message pgp") == -1 ? -1 : 0;
	free(blob);
	return rv;
}

int
store_message_pgp_flags(struct store *s, int64_t id, int *flags)
{
	sqlite3_stmt	*st;
	int64_t		 v = 0;
	int		 rc;

	*flags = 0;
	if ((st = store_prepare(s, "SELECT flags FROM message_pgp WHERE id = "
	    "?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = store_lookup_once(s, st, &v, "message pgp flags")) == -1)
		return -1;
	*flags = rc == 1 ? (int)v : 0;
	return 0;
}

int
store_message_pgp_mark(struct store *s, int64_t id, int flags)
{
	sqlite3_stmt	*st;

	if ((st = store_prepare(s, "INSERT INTO message_pgp (id, flags) "
	    "VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET flags = "
	    "flags | ?2")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, flags);
	return store_run_once(s, st, "message pgp mark") == -1 ? -1 : 0;
}

int
store_message_signed_by(struct store *s, int64_t id, const char *fpr)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];

	if ((st = store_prepare(s, "SELECT id FROM message_pgp WHERE id = ?1 "
	    "AND signer = ?2")) == NULL)
		return -1;
	store_pgp_hash(s, fpr, h);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_TRANSIENT);
	return store_lookup_once(s, st, NULL, "message pgp signer");
}

#define STORE_PGP_KEY_AD	"reporter-key"

int
store_case_set_reporter_key(struct store *s, int64_t case_id,
    const char *fpr)
{
	sqlite3_stmt	*st;
	void		*blob;
	size_t		 bloblen;
	int		 rv;

	if ((st = store_prepare(s, "UPDATE cases SET reporter_key = ?2 "
	    "WHERE id = ?1")) == NULL)
		return -1;
	blob = crypto_seal(s->key, fpr, strlen(fpr), STORE_PGP_KEY_AD,
	    &bloblen);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_blob64(st, 2, blob, bloblen, SQLITE_STATIC);
	rv = store_run_once(s, st, "case reporter key") == -1 ? -1 : 0;
	free(blob);
	return rv;
}

int
store_case_reporter_key(struct store *s, int64_t case_id, char *fpr,
    size_t size)
{
	sqlite3_stmt	*st;
	void		*v;
	size_t		 len;
	int		 rc, rv = 0;

	fpr[0] = '\0';
	if ((st = store_prepare(s, "SELECT reporter_key FROM cases WHERE "
	    "id = ?1 AND reporter_key IS NOT NULL")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (crypto_open(s->key, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), STORE_PGP_KEY_AD, &v,
		    &len) == 0) {
			snprintf(fpr, size, "%.*s", (int)len, (char *)v);
			free(v);
			rv = 1;
		} else
			rv = -1;
	} else if (rc != SQLITE_DONE) {
		store_error(s, "case reporter key");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

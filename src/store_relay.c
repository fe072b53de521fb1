/*
 * store_relay: the lookup behind relay.c.  Mail that reaches the alias
 * and names a case only by its In-Reply-To or References counts as a
 * member's when it answers mail the case sent to that very member, and
 * as the reported person's or the moderators' when it answers mail sent
 * to them; this file finds those.  Such mail is rare, so the statements
 * are prepared for each call and not cached.
 */
#include <stdint.h>
#include <string.h>

#include "crypto.h"
#include "store.h"
#include "store_priv.h"

int
store_outbox_sent_to_member(struct store *s, const char *message_id,
    int64_t case_id, const char *member)
{
	static const char sql[] =
	    "SELECT id FROM outbox WHERE msgid_hash = ?1 AND case_id = ?2 "
	    "AND member = ?3 LIMIT 1";
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	crypto_keyed_hash(s->key, "our-message-id", message_id,
	    strlen(message_id), h);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, case_id);
	sqlite3_bind_text(st, 3, member, -1, SQLITE_TRANSIENT);
	return store_lookup_once(s, st, NULL, "outbox sent to member");
}

int
store_outbox_id_by_msgid(struct store *s, const char *message_id,
    int64_t case_id, const char *kind, int64_t *id)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];

	if ((st = store_prepare(s, "SELECT id FROM outbox WHERE msgid_hash = "
	    "?1 AND case_id = ?2 AND kind = ?3 LIMIT 1")) == NULL)
		return -1;
	crypto_keyed_hash(s->key, "our-message-id", message_id,
	    strlen(message_id), h);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, case_id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_TRANSIENT);
	return store_lookup_once(s, st, id, "outbox by message-id and kind");
}

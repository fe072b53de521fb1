/*
 * store: the SQLite database that holds all of conductd's state, and the
 * only file that talks to SQLite.  It opens the database in WAL mode with
 * full syncs, migrates the schema through an ordered list of migrations
 * (PRAGMA user_version counts how many have run), and offers the few
 * queries the pipeline needs, all as cached prepared statements.
 *
 * Nothing a sender wrote is stored in the clear: raw mail is sealed with
 * crypto_seal, and the values used for deduplication (Message-ID, raw
 * bytes, the dedupe form of dedupe.c) are kept only as keyed hashes.
 * Log lines carry the SQLite error and row ids, never data.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "crypto.h"
#include "dedupe.h"
#include "log.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define STORE_STR1(x)	#x
#define STORE_STR(x)	STORE_STR1(x)

#define STORE_BUSY_TIMEOUT	30000	/* milliseconds */
/*
 * What a checkpoint leaves of the WAL file: SQLite truncates it to this
 * size when it starts over, so one big transaction does not keep a big
 * file on a small disk for good.
 */
#define STORE_WAL_LIMIT		1048576		/* bytes: 1 MB */
/*
 * The page cache, in KiB (a negative cache_size).  SQLite's 2,000 KiB
 * filled with the dirty pages of each 1 MB message and stayed full; a
 * fetched message's pages are written once and not read again in the
 * pass, and the kernel's page cache serves what is read back.
 */
#define STORE_CACHE_KIB		512
#define STORE_AD_MESSAGE	"message"

/*
 * The associated data of a sealed message binds it to its row's UID, so
 * sealed content moved to another row fails authentication.
 */
static void
store_message_ad(char *ad, size_t size, uint32_t uidvalidity, uint32_t uid)
{
	snprintf(ad, size, STORE_AD_MESSAGE ":%" PRIu32 ":%" PRIu32,
	    uidvalidity, uid);
}

/*
 * Migration i takes the schema from version i to i + 1; each runs in its
 * own transaction.  To change the schema, append one entry and raise
 * STORE_SCHEMA_VERSION in store.h.  Never edit an entry once released.
 */
static const char *const store_migrations[] = {
	/* 1: mailboxes and fetched messages. */
	"CREATE TABLE mailbox ("
	"	name		TEXT PRIMARY KEY,"
	"	uidvalidity	INTEGER NOT NULL,"
	"	last_uid	INTEGER NOT NULL"
	");"
	"CREATE TABLE message ("
	"	id		INTEGER PRIMARY KEY,"
	"	uidvalidity	INTEGER NOT NULL,"
	"	uid		INTEGER NOT NULL,"
	"	msgid_hash	BLOB,"			/* keyed; NULL: none */
	"	content_hash	BLOB NOT NULL,"		/* keyed, of raw */
	"	received	INTEGER NOT NULL,"
	"	size		INTEGER NOT NULL,"	/* on the server */
	"	stored_size	INTEGER NOT NULL,"	/* plain bytes in raw */
	"	truncated	INTEGER NOT NULL DEFAULT 0,"
	"	dup_of		INTEGER REFERENCES message(id),"
	"	state		TEXT NOT NULL DEFAULT 'stored',"
	"	warnings	TEXT NOT NULL DEFAULT '',"
	"	raw		BLOB,"			/* sealed; NULL: dup */
	"	UNIQUE (uidvalidity, uid)"
	");"
	"CREATE INDEX message_msgid_hash ON message(msgid_hash);"
	"CREATE INDEX message_content_hash ON message(content_hash);",

	/* 2: cases, their messages, and the outbox. */
	"CREATE TABLE cases ("
	"	id		INTEGER PRIMARY KEY,"
	"	code_name	TEXT NOT NULL UNIQUE,"
	"	status		TEXT NOT NULL DEFAULT 'new',"
	"	received	INTEGER NOT NULL,"
	"	urgent		INTEGER NOT NULL DEFAULT 0,"
	"	repeat_sender	INTEGER NOT NULL DEFAULT 0,"
	"	reporter_hash	BLOB,"			/* keyed; NULL: none */
	"	reporter	BLOB,"			/* sealed address */
	"	fields		BLOB,"			/* sealed report data */
	"	report_message	INTEGER REFERENCES message(id),"
	"	ack_outbox	INTEGER,"
	"	ack_note	TEXT NOT NULL DEFAULT '',"
	"	ack_sent	INTEGER"
	");"
	"CREATE INDEX cases_reporter_hash ON cases(reporter_hash);"
	"ALTER TABLE message ADD COLUMN kind TEXT;"	/* NULL: not handled */
	"ALTER TABLE message ADD COLUMN case_id INTEGER REFERENCES cases(id);"
	"CREATE INDEX message_case ON message(case_id);"
	"CREATE INDEX message_kind ON message(kind);"
	"CREATE TABLE outbox ("
	"	id		INTEGER PRIMARY KEY,"
	"	case_id		INTEGER REFERENCES cases(id),"
	"	kind		TEXT NOT NULL,"
	"	rcpt_hash	BLOB NOT NULL,"		/* keyed */
	"	envelope	BLOB NOT NULL,"		/* sealed from, to */
	"	data		BLOB NOT NULL,"		/* sealed message */
	"	msgid_hash	BLOB,"			/* keyed, our id */
	"	state		TEXT NOT NULL DEFAULT 'queued',"
	"	created		INTEGER NOT NULL,"
	"	attempts	INTEGER NOT NULL DEFAULT 0,"
	"	next_attempt	INTEGER NOT NULL,"
	"	sent_at		INTEGER,"
	"	last_code	INTEGER NOT NULL DEFAULT 0,"
	"	last_error	TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX outbox_due ON outbox(state, next_attempt);"
	"CREATE INDEX outbox_msgid ON outbox(msgid_hash);"
	"CREATE INDEX outbox_rcpt ON outbox(kind, rcpt_hash, created);",

	/* 3: the committee: members per case, case sheet fields, votes. */
	"CREATE TABLE case_member ("
	"	case_id		INTEGER NOT NULL REFERENCES cases(id),"
	"	member		TEXT NOT NULL,"		/* keyed hash of name */
	"	state		TEXT NOT NULL,"
	"	reason		TEXT NOT NULL DEFAULT '',"
	"	since		INTEGER NOT NULL,"
	"	PRIMARY KEY (case_id, member)"
	");"
	"ALTER TABLE cases ADD COLUMN reported BLOB;"		/* sealed */
	"ALTER TABLE cases ADD COLUMN triage INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN safety TEXT NOT NULL DEFAULT 'unknown';"
	"ALTER TABLE cases ADD COLUMN repeat_risk TEXT NOT NULL "
	"    DEFAULT 'unknown';"
	"ALTER TABLE cases ADD COLUMN actions BLOB;"		/* sealed */
	"ALTER TABLE cases ADD COLUMN resolution BLOB;"		/* sealed */
	"ALTER TABLE cases ADD COLUMN followup_at INTEGER;"
	"ALTER TABLE cases ADD COLUMN backups_asked INTEGER NOT NULL "
	"    DEFAULT 0;"
	"CREATE TABLE proposal ("
	"	id		INTEGER PRIMARY KEY,"
	"	case_id		INTEGER NOT NULL REFERENCES cases(id),"
	"	text		BLOB NOT NULL,"			/* sealed */
	"	state		TEXT NOT NULL DEFAULT 'open',"
	"	opened		INTEGER NOT NULL"
	");"
	"CREATE TABLE vote ("
	"	proposal_id	INTEGER NOT NULL REFERENCES proposal(id),"
	"	member		TEXT NOT NULL,"
	"	vote		TEXT NOT NULL,"
	"	PRIMARY KEY (proposal_id, member)"
	");"
	"ALTER TABLE outbox ADD COLUMN member TEXT;",	/* keyed hash */

	/* 4: deadlines, one row each; case 0 is the committee's own. */
	"CREATE TABLE deadline ("
	"	id		INTEGER PRIMARY KEY,"
	"	case_id		INTEGER NOT NULL DEFAULT 0,"
	"	kind		TEXT NOT NULL,"
	"	member		TEXT NOT NULL DEFAULT '',"
	"	due		INTEGER NOT NULL,"
	"	base		INTEGER NOT NULL DEFAULT 0,"
	"	done		INTEGER NOT NULL DEFAULT 0,"
	"	UNIQUE (case_id, kind, member, due)"
	");"
	"CREATE INDEX deadline_due ON deadline(done, due);"
	"CREATE INDEX outbox_case ON outbox(case_id);",

	/*
	 * 5: purging closed cases (store_admin.c): when a case's and an
	 * outgoing mail's content was dropped, and whether the case had a
	 * resolution then (the transparency counts keep it).
	 */
	"ALTER TABLE cases ADD COLUMN purged INTEGER;"
	"ALTER TABLE cases ADD COLUMN purged_resolution INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN purged INTEGER;",

	/*
	 * 6: the keyed hash of a message's dedupe form (dedupe.c: trace
	 * headers left out, unfolded, LF line ends).  Rows stored before
	 * have NULL here and are matched by their raw content_hash.
	 */
	"ALTER TABLE message ADD COLUMN form_hash BLOB;"
	"CREATE INDEX message_form_hash ON message(form_hash);",

	/*
	 * 7: where a message lies once moved: the processed folder, its
	 * UIDVALIDITY and the message's UID there (from UIDPLUS COPYUID;
	 * NULL when the server did not say).
	 */
	"ALTER TABLE message ADD COLUMN moved_folder TEXT;"
	"ALTER TABLE message ADD COLUMN moved_uidvalidity INTEGER;"
	"ALTER TABLE message ADD COLUMN moved_uid INTEGER;",

	/*
	 * 8: a message is keyed by its mailbox too: servers such as Cyrus
	 * give several folders one UIDVALIDITY, and a UID seen in one
	 * folder made the same UID of another "already recorded" (moved,
	 * never stored) once mailbox was changed.  SQLite cannot drop a
	 * table's UNIQUE, so the table is rebuilt (store_migrate turns
	 * foreign keys off around it); ids stay, and so every reference to
	 * a row.  A row gets the name of the only mailbox known, else that
	 * of the only one with its UIDVALIDITY, else '': a mailbox no
	 * lookup names, so such a row is matched by content alone (a copy
	 * is still caught, a new message is never taken for it).  The
	 * rebuild names the 19 columns of schema 7 and refuses to run
	 * over any other table, rather than lose a column.
	 */
	"CREATE TEMP TABLE message_mbox_guard (n INTEGER, CONSTRAINT "
	"    message_has_the_19_columns_of_schema_7 CHECK (n = 19));"
	"INSERT INTO message_mbox_guard SELECT count(*) FROM "
	"    pragma_table_info('message');"
	"DROP TABLE message_mbox_guard;"
	"CREATE TABLE message_mbox ("
	"	id		INTEGER PRIMARY KEY,"
	"	mailbox		TEXT NOT NULL DEFAULT '',"
	"	uidvalidity	INTEGER NOT NULL,"
	"	uid		INTEGER NOT NULL,"
	"	msgid_hash	BLOB,"
	"	content_hash	BLOB NOT NULL,"
	"	received	INTEGER NOT NULL,"
	"	size		INTEGER NOT NULL,"
	"	stored_size	INTEGER NOT NULL,"
	"	truncated	INTEGER NOT NULL DEFAULT 0,"
	"	dup_of		INTEGER REFERENCES message(id),"
	"	state		TEXT NOT NULL DEFAULT 'stored',"
	"	warnings	TEXT NOT NULL DEFAULT '',"
	"	raw		BLOB,"
	"	kind		TEXT,"
	"	case_id		INTEGER REFERENCES cases(id),"
	"	form_hash	BLOB,"
	"	moved_folder	TEXT,"
	"	moved_uidvalidity INTEGER,"
	"	moved_uid	INTEGER,"
	"	UNIQUE (mailbox, uidvalidity, uid)"
	");"
	"INSERT INTO message_mbox (id, mailbox, uidvalidity, uid, msgid_hash, "
	"    content_hash, received, size, stored_size, truncated, dup_of, "
	"    state, warnings, raw, kind, case_id, form_hash, moved_folder, "
	"    moved_uidvalidity, moved_uid) "
	"SELECT id, coalesce("
	"    (SELECT CASE WHEN count(*) = 1 THEN min(name) END FROM mailbox), "
	"    (SELECT CASE WHEN count(*) = 1 THEN min(name) END FROM mailbox "
	"    AS b WHERE b.uidvalidity = message.uidvalidity), ''), "
	"    uidvalidity, uid, msgid_hash, content_hash, received, size, "
	"    stored_size, truncated, dup_of, state, warnings, raw, kind, "
	"    case_id, form_hash, moved_folder, moved_uidvalidity, moved_uid "
	"FROM message;"
	"DROP TABLE message;"
	"ALTER TABLE message_mbox RENAME TO message;"
	"CREATE INDEX message_msgid_hash ON message(msgid_hash);"
	"CREATE INDEX message_content_hash ON message(content_hash);"
	"CREATE INDEX message_case ON message(case_id);"
	"CREATE INDEX message_kind ON message(kind);"
	"CREATE INDEX message_form_hash ON message(form_hash);",

	/*
	 * 9: quarantine (store_held.c).  A message or deadline that failed
	 * counts its tries and waits until held_next_try; once held it has
	 * a reason (never content) and the time it was set aside.  A held
	 * outbox row is in state 'held' with the reason in last_error.
	 * held_alarmed: the leads were told (one alarm per hold).
	 */
	"ALTER TABLE message ADD COLUMN held_reason TEXT;"
	"ALTER TABLE message ADD COLUMN held_at INTEGER;"
	"ALTER TABLE message ADD COLUMN held_tries INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE message ADD COLUMN held_next_try INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE message ADD COLUMN held_alarmed INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE deadline ADD COLUMN held_reason TEXT;"
	"ALTER TABLE deadline ADD COLUMN held_at INTEGER;"
	"ALTER TABLE deadline ADD COLUMN held_tries INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE deadline ADD COLUMN held_next_try INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE deadline ADD COLUMN held_alarmed INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN held_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN held_tries INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN held_alarmed INTEGER NOT NULL "
	"    DEFAULT 0;"
	"CREATE INDEX message_held ON message(held_alarmed) "
	"    WHERE held_reason IS NOT NULL;"
	"CREATE INDEX deadline_held ON deadline(held_alarmed) "
	"    WHERE held_reason IS NOT NULL;",

	/*
	 * 10: bounded resends and heard failures (store_send.c): sends of
	 * a row begun and not yet confirmed, when the last one began, and
	 * whether the leads were alarmed of its permanent failure (rows
	 * failed before this version are not alarmed again).
	 */
	"ALTER TABLE outbox ADD COLUMN send_unconfirmed INTEGER NOT NULL "
	"    DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN send_started_at INTEGER;"
	"ALTER TABLE outbox ADD COLUMN fail_alarmed INTEGER NOT NULL "
	"    DEFAULT 0;"
	"UPDATE outbox SET fail_alarmed = 1 WHERE state = 'failed';",

	/*
	 * 11: UIDs the IMAP server could not serve whole (store_imap.c):
	 * fetch tries across reconnects and restarts; held_at once set
	 * aside, released when conductctl retry asked for another try;
	 * held_alarmed as for the quarantine's items (store_held.c).
	 */
	"CREATE TABLE imap_held ("
	"	id		INTEGER PRIMARY KEY,"
	"	mailbox		TEXT NOT NULL,"
	"	uidvalidity	INTEGER NOT NULL,"
	"	uid		INTEGER NOT NULL,"
	"	tries		INTEGER NOT NULL DEFAULT 0,"
	"	reason		TEXT,"
	"	held_at		INTEGER,"
	"	released	INTEGER NOT NULL DEFAULT 0,"
	"	held_alarmed	INTEGER NOT NULL DEFAULT 0,"
	"	UNIQUE (mailbox, uidvalidity, uid)"
	");",

	/*
	 * 12: a member's identity across configuration edits
	 * (store_member.c): keyed tokens of every address a member key
	 * was ever configured with, so a renamed [member] section keeps
	 * its states.  Rows are never deleted.
	 */
	"CREATE TABLE recusal_member_addr ("
	"	member		TEXT NOT NULL,"		/* keyed hash of name */
	"	addr		TEXT NOT NULL,"		/* keyed hash */
	"	PRIMARY KEY (member, addr)"
	");"
	"CREATE INDEX recusal_member_addr_addr ON recusal_member_addr(addr);",

	/*
	 * 13: the server copy of a message (store_server.c): its
	 * Message-ID sealed, to find it again once the folder's
	 * UIDVALIDITY changed; when it was expunged (or found gone), the
	 * locator then dropped; and whether a purge (or content dropped,
	 * store_message_drop_content) asked for it to go at once.  The
	 * partial indexes keep the pass's question ("which copies are
	 * due?") to the copies still on the server.
	 */
	"ALTER TABLE message ADD COLUMN server_msgid BLOB;"
	"ALTER TABLE message ADD COLUMN server_gone INTEGER;"
	"ALTER TABLE message ADD COLUMN server_purge INTEGER NOT NULL "
	"    DEFAULT 0;"
	"CREATE INDEX message_server_age ON message(received) "
	"    WHERE server_gone IS NULL;"
	"CREATE INDEX message_server_purge ON message(id) "
	"    WHERE server_gone IS NULL AND server_purge = 1;"
	"CREATE INDEX message_dup_of ON message(dup_of) "
	"    WHERE dup_of IS NOT NULL;"
	/*
	 * ... and when a member key was last configured with an address
	 * (a generation counted by committee_rekey), so that a renamed
	 * section takes the states of the key that address had last, not
	 * of any it ever had (store_member.c).
	 */
	"ALTER TABLE recusal_member_addr ADD COLUMN seen INTEGER NOT NULL "
	"    DEFAULT 0;",

	/*
	 * 14: work a pass need not redo (store_plan.c).  plan_dirty
	 * holds the cases whose deadlines need planning again: the
	 * triggers add a case whenever its row or a member state of it
	 * changes, and the upgrade adds every case once.  applied keeps,
	 * per configuration part, a keyed fingerprint of what was last
	 * applied to the open cases (a member's names and addresses for
	 * recusal, the deadlines' settings), so that a start or reload
	 * re-applies only what changed.  cases_open keeps the walk over
	 * open cases to those.  The triggers test before they insert: a
	 * conflict clause in a trigger yields to the firing statement's
	 * (an upsert's ABORT).
	 */
	"CREATE TABLE plan_dirty (case_id INTEGER PRIMARY KEY);"
	"CREATE TRIGGER plan_case_insert AFTER INSERT ON cases BEGIN "
	"    INSERT INTO plan_dirty SELECT new.id WHERE NOT EXISTS "
	"    (SELECT 1 FROM plan_dirty WHERE case_id = new.id); END;"
	"CREATE TRIGGER plan_case_update AFTER UPDATE ON cases BEGIN "
	"    INSERT INTO plan_dirty SELECT new.id WHERE NOT EXISTS "
	"    (SELECT 1 FROM plan_dirty WHERE case_id = new.id); END;"
	"CREATE TRIGGER plan_member_insert AFTER INSERT ON case_member BEGIN "
	"    INSERT INTO plan_dirty SELECT new.case_id WHERE NOT EXISTS "
	"    (SELECT 1 FROM plan_dirty WHERE case_id = new.case_id); END;"
	"CREATE TRIGGER plan_member_update AFTER UPDATE ON case_member BEGIN "
	"    INSERT INTO plan_dirty SELECT new.case_id WHERE NOT EXISTS "
	"    (SELECT 1 FROM plan_dirty WHERE case_id = new.case_id); END;"
	"CREATE TRIGGER plan_member_delete AFTER DELETE ON case_member BEGIN "
	"    INSERT INTO plan_dirty SELECT old.case_id WHERE NOT EXISTS "
	"    (SELECT 1 FROM plan_dirty WHERE case_id = old.case_id); END;"
	"INSERT INTO plan_dirty SELECT id FROM cases;"
	"CREATE TABLE applied ("
	"	part		TEXT PRIMARY KEY,"	/* keyed for members */
	"	fp		TEXT NOT NULL"		/* keyed fingerprint */
	");"
	"CREATE INDEX cases_open ON cases(id) WHERE status <> 'closed' AND "
	"    purged IS NULL;"
	/*
	 * A flood's held acknowledgments (store_case_held_due): the held
	 * rows alone, and a sender's cases by time, so that the question
	 * costs the held cases, not every case of the sender.
	 */
	"DROP INDEX cases_reporter_hash;"
	"CREATE INDEX cases_reporter_received ON cases(reporter_hash, "
	"    received);"
	"CREATE INDEX cases_held ON cases(reporter_hash, received) WHERE "
	"    ack_note = 'held' AND ack_outbox IS NULL;"
	/* The next deadline's time, read off the index's first entry. */
	"CREATE INDEX deadline_pending ON deadline(max(due, held_next_try)) "
	"    WHERE done = 0 AND held_reason IS NULL;"
	/* The messages stored but not yet moved out of the mailbox. */
	"CREATE INDEX message_pending ON message(mailbox, uidvalidity, uid) "
	"    WHERE state = 'stored';",

	/*
	 * 15: the sealed mail in a table of its own (issue 13).  SQLite
	 * rewrites a row whole on every UPDATE, and walks a blob's
	 * overflow pages to reach the columns after it: each change of a
	 * message's state read and wrote its mail again, three copies of
	 * a big one in memory at once.  message.raw stays, as a marker:
	 * an empty blob while message_raw holds the bytes, NULL once they
	 * are dropped, and setting it NULL (a purge) drops them.
	 */
	"CREATE TABLE message_raw ("
	"	id		INTEGER PRIMARY KEY,"	/* message.id */
	"	raw		BLOB NOT NULL"		/* sealed */
	");"
	"INSERT INTO message_raw (id, raw) SELECT id, raw FROM message "
	"    WHERE raw IS NOT NULL;"
	"UPDATE message SET raw = X'' WHERE raw IS NOT NULL;"
	"CREATE TRIGGER message_raw_dropped AFTER UPDATE OF raw ON message "
	"    WHEN NEW.raw IS NULL BEGIN "
	"    DELETE FROM message_raw WHERE id = NEW.id; END;"
	"CREATE TRIGGER message_raw_deleted AFTER DELETE ON message BEGIN "
	"    DELETE FROM message_raw WHERE id = OLD.id; END;",

	/*
	 * 16: the language of the report (issue 14, lang.c), for the
	 * reporter's mail: an ISO 639-1 code, '' when the guess found
	 * none, NULL for a case opened before conductd guessed; and the
	 * guess's confidence, 0 to 100.
	 */
	"ALTER TABLE cases ADD COLUMN lang TEXT;"
	"ALTER TABLE cases ADD COLUMN lang_confidence INTEGER;",

	/*
	 * 17: the procedure's steps outside the committee (issue 15,
	 * outreach.c): the case's own moderators (sealed, NULL: the
	 * configured ones); the moderators' state (enum mod_state) and
	 * when they were asked and answered; when the reported person
	 * was first written to and last wrote back.
	 */
	"ALTER TABLE cases ADD COLUMN moderators BLOB;"
	"ALTER TABLE cases ADD COLUMN mod_state INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE cases ADD COLUMN mod_asked INTEGER;"
	"ALTER TABLE cases ADD COLUMN mod_answered INTEGER;"
	"ALTER TABLE cases ADD COLUMN reported_contacted INTEGER;"
	"ALTER TABLE cases ADD COLUMN reported_replied INTEGER;",

	/*
	 * 18: the blind index of reported persons (store_pattern.c,
	 * pattern.h): keyed hashes of the parts that identify someone,
	 * per case; the parts themselves are never stored.  A purge takes
	 * a case out of every pattern.
	 */
	"CREATE TABLE pattern ("
	"	case_id		INTEGER NOT NULL REFERENCES cases(id),"
	"	key		BLOB NOT NULL,"		/* keyed hash */
	"	PRIMARY KEY (case_id, key)"
	");"
	"CREATE INDEX pattern_key ON pattern(key);"
	"CREATE TRIGGER pattern_purged AFTER UPDATE OF purged ON cases "
	"    WHEN NEW.purged IS NOT NULL BEGIN "
	"    DELETE FROM pattern WHERE case_id = NEW.id; END;",

	/*
	 * 19: OpenPGP (issue 16, pgp.h): the fingerprint an outbox row is
	 * encrypted to when it is sent, NULL when it goes as it is.  Its
	 * data is then the protected form, never sent without encryption.
	 */
	"ALTER TABLE outbox ADD COLUMN pgp TEXT;",

	/*
	 * 20: OpenPGP in incoming mail (store_pgp.c, pgpmail.h): per
	 * message, what was found (PGPMAIL_* bits), the keyed hash of the
	 * key of a good signature, and the message as it came when it
	 * was decrypted (sealed; message_raw holds the opened form).  A
	 * purge drops the bytes with the message's own.  And the
	 * fingerprint of the key a reporter sent, sealed.
	 */
	"CREATE TABLE message_pgp ("
	"	id		INTEGER PRIMARY KEY,"	/* message.id */
	"	flags		INTEGER NOT NULL,"
	"	signer		BLOB,"			/* keyed hash */
	"	raw		BLOB"			/* sealed */
	");"
	"CREATE TRIGGER message_pgp_dropped AFTER UPDATE OF raw ON message "
	"    WHEN NEW.raw IS NULL BEGIN "
	"    UPDATE message_pgp SET raw = NULL WHERE id = NEW.id; END;"
	"CREATE TRIGGER message_pgp_deleted AFTER DELETE ON message BEGIN "
	"    DELETE FROM message_pgp WHERE id = OLD.id; END;"
	/* The reporter's own key, for their follow-ups (sealed). */
	"ALTER TABLE cases ADD COLUMN reporter_key BLOB;"
	"CREATE TRIGGER cases_reporter_key_purged AFTER UPDATE OF purged ON "
	"    cases WHEN NEW.purged IS NOT NULL BEGIN "
	"    UPDATE cases SET reporter_key = NULL WHERE id = NEW.id; END;",
};

_Static_assert(nitems(store_migrations) == STORE_SCHEMA_VERSION,
    "one migration per schema version");

const char *
store_migration_sql(int v)
{
	if (v < 0 || (size_t)v >= nitems(store_migrations))
		return NULL;
	return store_migrations[v];
}

enum store_stmt_id {
	STORE_BEGIN,
	STORE_COMMIT,
	STORE_ROLLBACK,
	STORE_SAVEPOINT,
	STORE_RELEASE,
	STORE_ROLLBACK_TO,
	STORE_USER_VERSION,
	STORE_MAILBOX_GET,
	STORE_MAILBOX_SET,
	STORE_MSG_BY_UID,
	STORE_MSG_ORIGINAL,
	STORE_MSG_INSERT,
	STORE_MSG_PENDING,
	STORE_MSG_SETSTATE,
	STORE_MSG_ONE,
	STORE_MSG_RAW_ADD,
	STORE_STMT_MAX
};

_Static_assert(STORE_STMT_MAX <= 16, "room in struct store for the cache");

/* The columns store_info_fill reads, in its order. */
#define STORE_INFO_COLUMNS						\
	"id, uidvalidity, uid, received, size, stored_size, "		\
	"truncated, dup_of, state, warnings, kind, case_id"
#define STORE_INFO_NCOLUMNS	12

static const char *const store_sql[STORE_STMT_MAX] = {
	[STORE_BEGIN] = "BEGIN IMMEDIATE",
	[STORE_COMMIT] = "COMMIT",
	[STORE_ROLLBACK] = "ROLLBACK",
	[STORE_SAVEPOINT] = "SAVEPOINT store_op",
	[STORE_RELEASE] = "RELEASE store_op",
	[STORE_ROLLBACK_TO] = "ROLLBACK TO store_op",
	[STORE_USER_VERSION] = "PRAGMA user_version",
	[STORE_MAILBOX_GET] =
	    "SELECT uidvalidity, last_uid FROM mailbox WHERE name = ?1",
	[STORE_MAILBOX_SET] =
	    "INSERT INTO mailbox (name, uidvalidity, last_uid) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
	    "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
	[STORE_MSG_BY_UID] =
	    "SELECT id FROM message WHERE mailbox = ?3 AND uidvalidity = ?1 "
	    "AND uid = ?2",
	[STORE_MSG_ORIGINAL] =
	    "SELECT id FROM message WHERE dup_of IS NULL AND "
	    "msgid_hash IS ?1 AND (form_hash = ?2 OR "
	    "(form_hash IS NULL AND content_hash = ?3)) ORDER BY id LIMIT 1",
	[STORE_MSG_INSERT] =
	    "INSERT INTO message (uidvalidity, uid, msgid_hash, content_hash, "
	    "received, size, stored_size, truncated, dup_of, state, warnings, "
	    "raw, form_hash, mailbox, server_msgid) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	/* state as a literal, so that the partial message_pending serves. */
	[STORE_MSG_PENDING] =
	    "SELECT uid FROM message WHERE mailbox = ?3 AND uidvalidity = ?1 "
	    "AND state = 'stored' AND ?2 = 'stored' ORDER BY uid",
	[STORE_MSG_SETSTATE] =
	    "UPDATE message SET state = ?1 WHERE mailbox = ?4 AND "
	    "uidvalidity = ?2 AND uid = ?3",
	[STORE_MSG_ONE] =
	    "SELECT " STORE_INFO_COLUMNS ", (SELECT length(r.raw) FROM "
	    "message_raw AS r WHERE r.id = message.id) FROM message "
	    "WHERE id = ?1",
	[STORE_MSG_RAW_ADD] =
	    "INSERT INTO message_raw (id, raw) VALUES (?1, zeroblob(?2))",
};

static const char *const store_states[] = {
	[STORE_MSG_STORED] = "stored",
	[STORE_MSG_PROCESSED] = "processed",
};

sqlite3_stmt *
store_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		return NULL;
	}
	return st;
}

sqlite3_stmt *
store_cached(struct store *s, sqlite3_stmt **slot, const char *sql)
{
	if (*slot == NULL && sqlite3_prepare_v3(s->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		/* A statement that cannot run is no item's fault. */
		if (s->fault == STORE_FAULT_OTHER)
			s->fault = STORE_FAULT_PREPARE;
		*slot = NULL;
	}
	return *slot;
}

/* How an SQLite error code reads as a fault of the database. */
static const struct {
	int		 code;	/* primary result code */
	enum store_fault fault;
} store_fault_codes[] = {
	{ SQLITE_FULL,		STORE_FAULT_FULL },
	{ SQLITE_IOERR,		STORE_FAULT_IO },
	{ SQLITE_READONLY,	STORE_FAULT_IO },
	{ SQLITE_CANTOPEN,	STORE_FAULT_IO },
	{ SQLITE_CORRUPT,	STORE_FAULT_IO },
	{ SQLITE_NOTADB,	STORE_FAULT_IO },
	{ SQLITE_NOMEM,		STORE_FAULT_IO },
	{ SQLITE_PROTOCOL,	STORE_FAULT_IO },
	{ SQLITE_PERM,		STORE_FAULT_IO },
	{ SQLITE_NOLFS,		STORE_FAULT_IO },
	{ SQLITE_BUSY,		STORE_FAULT_BUSY },
	{ SQLITE_LOCKED,	STORE_FAULT_BUSY },
};

static const char *const store_faults[] = {
	[STORE_FAULT_NONE] = "no fault",
	[STORE_FAULT_FULL] = "disk full",
	[STORE_FAULT_IO] = "I/O error",
	[STORE_FAULT_BUSY] = "locked by another process",
	[STORE_FAULT_PREPARE] = "a statement does not prepare",
	[STORE_FAULT_OTHER] = "database error",
};

static enum store_fault
store_fault_of(int code)
{
	size_t	i;

	for (i = 0; i < nitems(store_fault_codes); i++)
		if (store_fault_codes[i].code == (code & 0xff))
			return store_fault_codes[i].fault;
	return STORE_FAULT_OTHER;
}

const char *
store_strfault(enum store_fault f)
{
	if ((size_t)f >= nitems(store_faults))
		return "unknown";
	return store_faults[f];
}

enum store_fault
store_fault_take(struct store *s)
{
	enum store_fault	f = (enum store_fault)s->fault;

	s->fault = STORE_FAULT_NONE;
	s->said = 0;
	return f;
}

void
store_set_quiet(struct store *s, int quiet)
{
	s->quiet = quiet;
}

/*
 * Logs a failed call and remembers the first fault for the daemon.  A
 * quiet store (the daemon has said the database fails) logs at debug
 * level: a full disk is one warning, not two per retry.  So does every
 * failure after the database's own in one pass (until the daemon takes
 * the fault): the steps after a full disk fail with it, and how many of
 * them had work to do must not make more warnings.
 */
void
store_error(struct store *s, const char *what)
{
	enum store_fault	f;

	/* The first fault, but the database's own outranks a row's. */
	f = store_fault_of(sqlite3_extended_errcode(s->db));
	if (s->fault == STORE_FAULT_NONE || s->fault == STORE_FAULT_OTHER)
		s->fault = f;
	if (s->quiet || s->said)
		log_debug("store: %s: %s", what, sqlite3_errmsg(s->db));
	else
		log_warnx("store: %s: %s", what, sqlite3_errmsg(s->db));
	if (f != STORE_FAULT_OTHER && f != STORE_FAULT_NONE)
		s->said = 1;
}

/*
 * A queue step clears the fault before each item and asks after a failure
 * whether the database itself failed (the pass ends) or only the item
 * did (it is held): STORE_FAULT_OTHER is a row's own trouble.
 */
void
store_error_reset(struct store *s)
{
	s->fault = STORE_FAULT_NONE;
}

int
store_failing(const struct store *s)
{
	return s->fault != STORE_FAULT_NONE && s->fault != STORE_FAULT_OTHER;
}


int
store_run_once(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, what);
		return -1;
	}
	return sqlite3_changes(s->db);
}

/* Returns the cached statement, prepared on first use, or NULL. */
static sqlite3_stmt *
store_stmt(struct store *s, enum store_stmt_id id)
{
	return store_cached(s, &s->stmt[id], store_sql[id]);
}

/* Readies a cached statement for its next use (and drops bound data). */
void
store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Runs a statement that returns no rows. */
int
store_step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		store_error(s, what);
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
store_exec(struct store *s, enum store_stmt_id id)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, id)) == NULL)
		return -1;
	return store_step_done(s, st, store_sql[id]);
}

const char *
store_strstate(enum store_msg_state state)
{
	if ((size_t)state >= nitems(store_states))
		return "unknown";
	return store_states[state];
}

static int
store_parsestate(const char *text, enum store_msg_state *state)
{
	size_t	i;

	for (i = 0; i < nitems(store_states); i++) {
		if (text != NULL && strcmp(text, store_states[i]) == 0) {
			*state = (enum store_msg_state)i;
			return 0;
		}
	}
	return -1;
}

int
store_schema_version(struct store *s)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if ((st = store_stmt(s, STORE_USER_VERSION)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		store_error(s, "user_version");
	store_done(st);
	return v;
}

/* Counts a row of PRAGMA foreign_key_check. */
static int
store_fk_cb(void *arg, int n, char **v, char **names)
{
	(void)n;
	(void)v;
	(void)names;
	(*(int *)arg)++;
	return 0;
}

static int
store_migrate_one(struct store *s, int v, char **errstr)
{
	char	 sql[64];
	char	*err = NULL;
	int	 broken = 0;

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	if (sqlite3_exec(s->db, store_migrations[v], NULL, NULL, &err) !=
	    SQLITE_OK || sqlite3_exec(s->db, "PRAGMA foreign_key_check",
	    store_fk_cb, &broken, &err) != SQLITE_OK ||
	    sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(errstr, "migration to schema version %d: %s", v + 1,
		    err != NULL ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return -1;
	}
	if (broken > 0) {
		xasprintf(errstr, "migration to schema version %d: %d broken "
		    "reference(s)", v + 1, broken);
		return -1;
	}
	return 0;
}

/*
 * Migrations run with foreign keys off (a table rebuild drops and
 * renames a table others refer to); each checks them before it commits.
 * The pragma is a no-op inside a transaction, hence here.
 */
static int
store_foreign_keys(struct store *s, int on, char **errstr)
{
	if (sqlite3_exec(s->db, on ? "PRAGMA foreign_keys = ON" :
	    "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK) {
		xasprintf(errstr, "foreign keys: %s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static int
store_version_check(int v, char **errstr)
{
	if (v > STORE_SCHEMA_VERSION) {
		xasprintf(errstr, "database schema version %d is newer than "
		    "this conductd supports (%d)", v, STORE_SCHEMA_VERSION);
		return -1;
	}
	if (v < 0) {
		xasprintf(errstr, "bad database schema version %d", v);
		return -1;
	}
	return 0;
}

/*
 * Brings the schema to STORE_SCHEMA_VERSION, one migration per
 * transaction.  The version is read again inside each transaction, so
 * two processes opening the database at once do not both migrate.
 */
static int
store_migrate1(struct store *s, char **errstr)
{
	int	v;

	if ((v = store_schema_version(s)) == -1) {
		xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	if (store_version_check(v, errstr) == -1)
		return -1;
	while (v < STORE_SCHEMA_VERSION) {
		if (store_begin(s) == -1) {
			xasprintf(errstr, "begin: %s", sqlite3_errmsg(s->db));
			return -1;
		}
		if ((v = store_schema_version(s)) == -1) {
			xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
			store_rollback(s);
			return -1;
		}
		if (store_version_check(v, errstr) == -1 ||
		    (v < STORE_SCHEMA_VERSION &&
		    store_migrate_one(s, v, errstr) == -1)) {
			store_rollback(s);
			return -1;
		}
		if (store_commit(s) == -1) {
			xasprintf(errstr, "commit: %s", sqlite3_errmsg(s->db));
			return -1;
		}
		if (v < STORE_SCHEMA_VERSION)
			log_info("store: schema migrated to version %d", ++v);
	}
	return 0;
}

static int
store_migrate(struct store *s, char **errstr)
{
	int	v, rv;

	if ((v = store_schema_version(s)) == -1) {
		xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	if (v >= STORE_SCHEMA_VERSION)
		return store_version_check(v, errstr);
	if (store_foreign_keys(s, 0, errstr) == -1)
		return -1;
	/* On failure the store is closed: no need to turn them on. */
	if ((rv = store_migrate1(s, errstr)) == 0)
		rv = store_foreign_keys(s, 1, errstr);
	return rv;
}

/* Opens the connection and sets it up; called with umask 077. */
static int
store_connect(struct store *s, const char *path, char **errstr)
{
	sqlite3_stmt	*st = NULL;
	const char	*mode;
	int		 rc;

	/*
	 * One thread uses a connection (the send threads never touch the
	 * store), so SQLite's per-connection mutex and its memory
	 * statistics, taken on every call and allocation, only cost time
	 * (issue 13: 3 % of a pass).  The config call fails harmlessly once
	 * SQLite is initialized.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		xasprintf(errstr, "%s", s->db != NULL ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		return -1;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	/* The first statement creates the file (hence the umask). */
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode == NULL || (strcmp(mode, "wal") != 0 &&
	    strcmp(mode, "memory") != 0)) {
		xasprintf(errstr, "cannot use WAL journal mode");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	/* temp_store: sorts and VACUUM never write a temp file (/var/tmp). */
	if (sqlite3_exec(s->db, "PRAGMA synchronous = FULL; "
	    "PRAGMA temp_store = MEMORY; "
	    "PRAGMA foreign_keys = ON; "
	    "PRAGMA cache_size = -" STORE_STR(STORE_CACHE_KIB) "; "
	    "PRAGMA journal_size_limit = " STORE_STR(STORE_WAL_LIMIT), NULL,
	    NULL, NULL) != SQLITE_OK) {
		xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int
store_disk_free(const char *path, uint64_t *avail)
{
	struct statvfs	 sv;
	char		*copy;
	int		 rc;

	copy = xstrdup(path);
	rc = statvfs(dirname(copy), &sv);
	free(copy);
	if (rc == -1)
		return -1;
	*avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return 0;
}

/*
 * Whether the database holds messages stored before schema 6, without
 * a dedupe-form hash: a copy of one of them is found by the hash of its
 * raw bytes, so new messages then get that hash too.  Newer databases
 * store an empty content_hash and spare hashing every mail twice.
 */
static int
store_raw_hashes(struct store *s, char **errstr)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM message "
	    "WHERE form_hash IS NULL)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		xasprintf(errstr, "%s", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return -1;
	}
	s->raw_hashes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

struct store *
store_open(const char *path, const struct crypto_key *key, char **errstr)
{
	struct store	*s;
	char		*err = NULL;
	mode_t		 old;
	int		 rv;

	s = xcalloc(1, sizeof(*s));
	s->key = key;
	/* SQLite gives the -wal and -shm files the database's mode. */
	old = umask(077);
	rv = store_connect(s, path, &err);
	umask(old);
	if (rv == 0)
		rv = store_migrate(s, &err);
	if (rv == 0)
		rv = store_raw_hashes(s, &err);
	if (rv == -1) {
		xasprintf(errstr, "%s: %s", path, err);
		free(err);
		store_close(s);
		return NULL;
	}
	return s;
}

void
store_close(struct store *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < nitems(s->stmt); i++)
		sqlite3_finalize(s->stmt[i]);
	for (i = 0; i < nitems(s->xstmt); i++)
		sqlite3_finalize(s->xstmt[i]);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		store_error(s, "close");
	free(s);
}

/*
 * A PASSIVE checkpoint never waits; only when it copied every frame is
 * the WAL emptied (TRUNCATE), and then without waiting for readers: a
 * conductctl reading now keeps the WAL until the next pass.
 */
void
store_release_memory(struct store *s)
{
	sqlite3_db_release_memory(s->db);
}

int
store_checkpoint(struct store *s)
{
	int	nlog = 0, nckpt = 0, rc;

	if (!sqlite3_get_autocommit(s->db))
		return 1;
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	if (rc != SQLITE_OK) {
		store_error(s, "checkpoint");
		return -1;
	}
	if (nlog != nckpt)
		return 1;
	sqlite3_busy_timeout(s->db, 0);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &nlog, &nckpt);
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return 1;
	if (rc != SQLITE_OK) {
		store_error(s, "checkpoint");
		return -1;
	}
	return 0;
}

int
store_begin(struct store *s)
{
	return store_exec(s, STORE_BEGIN);
}

int
store_commit(struct store *s)
{
	return store_exec(s, STORE_COMMIT);
}

void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		store_exec(s, STORE_ROLLBACK);
}

int
store_item_begin(struct store *s)
{
	return store_exec(s, STORE_SAVEPOINT);
}

int
store_item_end(struct store *s, int undo)
{
	if (undo && store_exec(s, STORE_ROLLBACK_TO) == -1)
		return -1;
	return store_exec(s, STORE_RELEASE);
}

/*
 * A savepoint makes one store call atomic whether or not the caller has
 * a transaction open.  store_atomic_end releases it, or undoes it when
 * rv is -1; it returns the final result.
 */
int
store_atomic_begin(struct store *s, int *outer)
{
	*outer = sqlite3_get_autocommit(s->db);
	return store_exec(s, STORE_SAVEPOINT);
}

int
store_atomic_end(struct store *s, int rv, int outer)
{
	if (rv == -1)
		store_exec(s, STORE_ROLLBACK_TO);
	if (store_exec(s, STORE_RELEASE) == -1) {
		/* A failed commit of our own transaction leaves it open. */
		if (outer)
			store_rollback(s);
		rv = -1;
	}
	return rv;
}

int
store_mailbox_get(struct store *s, const char *mailbox,
    uint32_t *uidvalidity, uint32_t *last_uid)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	if ((st = store_stmt(s, STORE_MAILBOX_GET)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(st, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(st, 1);
		rv = 1;
	} else if (rc == SQLITE_DONE)
		rv = 0;
	else {
		store_error(s, "mailbox get");
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_mailbox_set(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t last_uid)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, STORE_MAILBOX_SET)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mailbox, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uidvalidity);
	sqlite3_bind_int64(st, 3, last_uid);
	return store_step_done(s, st, "mailbox set");
}

/* A message's mailbox as stored: NULL (unknown) is "". */
static const char *
store_mbox(const char *mailbox)
{
	return mailbox != NULL ? mailbox : "";
}

/* Looks up a row by one int64 parameter; 1 found (*id set), 0 not, -1. */
int
store_collect_ids(struct store *s, sqlite3_stmt *st, int64_t **ids,
    size_t *n, const char *what)
{
	size_t	cap = 0;
	int	rc;

	*ids = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_error(s, what);
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* One step of a one-column lookup: 1 (*id set unless NULL), 0, -1. */
static int
store_lookup_step(struct store *s, sqlite3_stmt *st, int64_t *id,
    const char *what)
{
	int	rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (id != NULL)
			*id = sqlite3_column_int64(st, 0);
		return 1;
	}
	if (rc == SQLITE_DONE)
		return 0;
	store_error(s, what);
	return -1;
}

int
store_lookup_id(struct store *s, sqlite3_stmt *st, int64_t *id,
    const char *what)
{
	int	rv = store_lookup_step(s, st, id, what);

	store_done(st);
	return rv;
}

int
store_lookup_once(struct store *s, sqlite3_stmt *st, int64_t *id,
    const char *what)
{
	int	rv = store_lookup_step(s, st, id, what);

	sqlite3_finalize(st);
	return rv;
}

static int
store_msg_by_uid(struct store *s, const struct store_msg_new *m,
    int64_t *id)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, STORE_MSG_BY_UID)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, m->uidvalidity);
	sqlite3_bind_int64(st, 2, m->uid);
	sqlite3_bind_text(st, 3, store_mbox(m->mailbox), -1, SQLITE_STATIC);
	return store_lookup_id(s, st, id, "message by uid");
}

struct store_msg_row {
	const unsigned char	*msgid_hash;	/* NULL: no Message-ID */
	const unsigned char	*content_hash;	/* of the raw bytes, or NULL */
	const unsigned char	*form_hash;	/* of the dedupe form */
	int64_t			 dup_of;	/* 0: an original */
	const void		*blob;		/* sealed raw, originals only */
	size_t			 bloblen;
	const void		*msgid;		/* sealed Message-ID, or NULL */
	size_t			 msgidlen;
};

/*
 * The stored original this message is a copy of, if any: the same
 * Message-ID (or none on both) and the same content ignoring trace
 * headers.  A reused Message-ID with other content is a new message.
 */
static int
store_msg_original(struct store *s, const struct store_msg_row *r,
    int64_t *id)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, STORE_MSG_ORIGINAL)) == NULL)
		return -1;
	if (r->msgid_hash != NULL)
		sqlite3_bind_blob(st, 1, r->msgid_hash, CRYPTO_HASHBYTES,
		    SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->form_hash, CRYPTO_HASHBYTES,
	    SQLITE_STATIC);
	if (r->content_hash != NULL)
		sqlite3_bind_blob(st, 3, r->content_hash, CRYPTO_HASHBYTES,
		    SQLITE_STATIC);
	return store_lookup_id(s, st, id, "message lookup");
}

/*
 * The sealed bytes, written into a zeroblob of their size: bound as a
 * value, SQLite would first copy them whole into the record it builds.
 */
static int
store_msg_raw_add(struct store *s, int64_t id, const struct store_msg_row *r)
{
	sqlite3_stmt	*st;
	sqlite3_blob	*b;
	int		 rc;

	if (r->bloblen > INT_MAX) {
		store_error(s, "message too large");
		return -1;
	}
	if ((st = store_stmt(s, STORE_MSG_RAW_ADD)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->bloblen);
	if (store_step_done(s, st, "message raw insert") == -1)
		return -1;
	if (sqlite3_blob_open(s->db, "main", "message_raw", "raw", id, 1,
	    &b) != SQLITE_OK) {
		store_error(s, "message raw open");
		return -1;
	}
	rc = sqlite3_blob_write(b, r->blob, (int)r->bloblen, 0);
	if (sqlite3_blob_close(b) != SQLITE_OK || rc != SQLITE_OK) {
		store_error(s, "message raw write");
		return -1;
	}
	return 0;
}

static int
store_msg_insert(struct store *s, const struct store_msg_new *m,
    const struct store_msg_row *r, int64_t *id)
{
	sqlite3_stmt	*st;

	if ((st = store_stmt(s, STORE_MSG_INSERT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, m->uidvalidity);
	sqlite3_bind_int64(st, 2, m->uid);
	if (r->msgid_hash != NULL)
		sqlite3_bind_blob(st, 3, r->msgid_hash, CRYPTO_HASHBYTES,
		    SQLITE_STATIC);
	if (r->content_hash != NULL)
		sqlite3_bind_blob(st, 4, r->content_hash, CRYPTO_HASHBYTES,
		    SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob(st, 4, 0);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)m->received);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)m->size);
	sqlite3_bind_int64(st, 7,
	    r->dup_of != 0 ? 0 : (sqlite3_int64)m->rawlen);
	sqlite3_bind_int(st, 8, m->truncated != 0);
	if (r->dup_of != 0)
		sqlite3_bind_int64(st, 9, r->dup_of);
	sqlite3_bind_text(st, 10, store_strstate(STORE_MSG_STORED), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 11, m->warnings != NULL ? m->warnings : "", -1,
	    SQLITE_STATIC);
	if (r->blob != NULL)
		sqlite3_bind_zeroblob(st, 12, 0);	/* message_raw has it */
	sqlite3_bind_blob(st, 13, r->form_hash, CRYPTO_HASHBYTES,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 14, store_mbox(m->mailbox), -1, SQLITE_STATIC);
	if (r->msgid != NULL)
		sqlite3_bind_blob64(st, 15, r->msgid, r->msgidlen,
		    SQLITE_STATIC);
	if (store_step_done(s, st, "message insert") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return r->blob != NULL ? store_msg_raw_add(s, *id, r) : 0;
}

/* The form's pieces (mostly a line each), hashed a few KB at a time. */
struct store_form {
	struct crypto_hasher	*h;
	size_t			 n;
	char			 buf[4096];
};

static void
store_form_put(void *arg, const char *p, size_t n)
{
	struct store_form	*f = arg;

	if (f->n + n > sizeof(f->buf)) {
		crypto_keyed_hash_add(f->h, f->buf, f->n);
		f->n = 0;
	}
	if (n > sizeof(f->buf))
		crypto_keyed_hash_add(f->h, p, n);
	else {
		memcpy(f->buf + f->n, p, n);
		f->n += n;
	}
}

/*
 * The keyed hash of the message's dedupe form (dedupe.c), hashed as it
 * is made: a big message's form is never held.
 */
static void
store_form_hash(struct store *s, const struct store_msg_new *m,
    unsigned char *fh)
{
	struct store_form	f;

	f.h = crypto_keyed_hash_begin(s->key, "dedupe-form");
	f.n = 0;
	dedupe_form_feed(m->raw, m->rawlen, store_form_put, &f);
	crypto_keyed_hash_add(f.h, f.buf, f.n);
	crypto_keyed_hash_end(f.h, fh);
	crypto_wipe(f.buf, sizeof(f.buf));
}

static int
store_message_add1(struct store *s, const struct store_msg_new *m,
    int64_t *id, int64_t *dup_of)
{
	struct store_msg_row	 r;
	unsigned char		 mh[CRYPTO_HASHBYTES], ch[CRYPTO_HASHBYTES];
	unsigned char		 fh[CRYPTO_HASHBYTES];
	char			 ad[64];
	void			*blob = NULL, *sealed_id = NULL;
	int			 rv;

	if ((rv = store_msg_by_uid(s, m, id)) != 0) {
		*dup_of = *id;
		return rv == 1 ? 0 : -1;
	}
	memset(&r, 0, sizeof(r));
	if (m->message_id != NULL && m->message_id[0] != '\0') {
		crypto_keyed_hash(s->key, "message-id", m->message_id,
		    strlen(m->message_id), mh);
		r.msgid_hash = mh;
		sealed_id = crypto_seal(s->key, m->message_id,
		    strlen(m->message_id), STORE_SERVER_MSGID_AD, &r.msgidlen);
		r.msgid = sealed_id;
	}
	/* Only rows from before schema 6 are matched by it. */
	if (s->raw_hashes) {
		crypto_keyed_hash(s->key, "content", m->raw, m->rawlen, ch);
		r.content_hash = ch;
	}
	store_form_hash(s, m, fh);
	r.form_hash = fh;
	if (store_msg_original(s, &r, &r.dup_of) == -1)
		return -1;
	if (r.dup_of == 0) {
		store_message_ad(ad, sizeof(ad), m->uidvalidity, m->uid);
		if (m->raw_buf == m->raw && crypto_seal_inplace(s->key,
		    m->raw_buf, m->rawlen, m->raw_cap, ad, &r.bloblen) == 0)
			r.blob = m->raw_buf;
		else {
			blob = crypto_seal(s->key, m->raw, m->rawlen, ad,
			    &r.bloblen);
			r.blob = blob;
		}
	}
	rv = store_msg_insert(s, m, &r, id);
	free(blob);
	free(sealed_id);
	*dup_of = r.dup_of;
	return rv;
}

int
store_message_add(struct store *s, const struct store_msg_new *m,
    int64_t *id, int64_t *dup_of)
{
	int	outer, rv;

	*id = *dup_of = 0;
	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	rv = store_message_add1(s, m, id, dup_of);
	return store_atomic_end(s, rv, outer);
}

int
store_message_pending(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t **uids, size_t *n)
{
	sqlite3_stmt	*st;
	uint32_t	*v = NULL;
	size_t		 len = 0, cap = 0;
	int		 rc;

	*uids = NULL;
	*n = 0;
	if ((st = store_stmt(s, STORE_MSG_PENDING)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, uidvalidity);
	sqlite3_bind_text(st, 2, store_strstate(STORE_MSG_STORED), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, store_mbox(mailbox), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[len++] = (uint32_t)sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		store_error(s, "message pending");
		store_done(st);
		free(v);
		return -1;
	}
	store_done(st);
	*uids = v;
	*n = len;
	return 0;
}

int
store_message_set_processed(struct store *s, const char *mailbox,
    uint32_t uidvalidity, const uint32_t *uids, size_t n)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 outer, rv = 0;

	if (store_atomic_begin(s, &outer) == -1)
		return -1;
	if ((st = store_stmt(s, STORE_MSG_SETSTATE)) == NULL)
		rv = -1;
	for (i = 0; rv == 0 && i < n; i++) {
		sqlite3_bind_text(st, 1, store_strstate(STORE_MSG_PROCESSED),
		    -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, uidvalidity);
		sqlite3_bind_int64(st, 3, uids[i]);
		sqlite3_bind_text(st, 4, store_mbox(mailbox), -1,
		    SQLITE_STATIC);
		rv = store_step_done(s, st, "message set processed");
	}
	return store_atomic_end(s, rv, outer);
}

/* Records one moved message (st: the UPDATE of store_message_set_moved). */
static int
store_message_moved_set1(struct store *s, sqlite3_stmt *st,
    const char *mailbox, uint32_t uidvalidity, const struct store_moved *mv)
{
	sqlite3_bind_text(st, 6, store_mbox(mailbox), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 1, uidvalidity);
	sqlite3_bind_int64(st, 2, mv->uid);
	sqlite3_bind_text(st, 3, mv->folder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, mv->dest_uidvalidity);
	sqlite3_bind_int64(st, 5, mv->dest_uid);
	return store_step_done(s, st, "message set moved");
}

int
store_message_set_moved(struct store *s, const char *mailbox,
    uint32_t uidvalidity, const struct store_moved *mv, size_t n)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 outer, rv = 0;

	if (n == 0)
		return 0;
	if (sqlite3_prepare_v2(s->db, "UPDATE message SET moved_folder = ?3, "
	    "moved_uidvalidity = ?4, moved_uid = ?5 WHERE mailbox = ?6 AND "
	    "uidvalidity = ?1 AND uid = ?2", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	if (store_atomic_begin(s, &outer) == -1) {
		sqlite3_finalize(st);
		return -1;
	}
	for (i = 0; rv == 0 && i < n; i++)
		if (mv[i].dest_uid != 0)
			rv = store_message_moved_set1(s, st, mailbox,
			    uidvalidity, &mv[i]);
	sqlite3_finalize(st);
	return store_atomic_end(s, rv, outer);
}

int
store_message_moved(struct store *s, int64_t id, char *folder, size_t size,
    uint32_t *dest_uidvalidity, uint32_t *dest_uid)
{
	sqlite3_stmt	*st;
	const char	*f;
	int		 rc, rv = 0;

	folder[0] = '\0';
	*dest_uidvalidity = *dest_uid = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT moved_folder, "
	    "moved_uidvalidity, moved_uid FROM message WHERE id = ?1 AND "
	    "moved_uid IS NOT NULL", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((f = (const char *)sqlite3_column_text(st, 0)) != NULL)
			snprintf(folder, size, "%s", f);
		*dest_uidvalidity = (uint32_t)sqlite3_column_int64(st, 1);
		*dest_uid = (uint32_t)sqlite3_column_int64(st, 2);
		rv = 1;
	} else if (rc != SQLITE_DONE) {
		store_error(s, "message moved");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

/* Fills info from the STORE_INFO_COLUMNS of the current row. */
static int
store_info_fill(sqlite3_stmt *st, struct store_msg_info *info)
{
	const char	*w;

	memset(info, 0, sizeof(*info));
	info->id = sqlite3_column_int64(st, 0);
	info->uidvalidity = (uint32_t)sqlite3_column_int64(st, 1);
	info->uid = (uint32_t)sqlite3_column_int64(st, 2);
	info->received = (time_t)sqlite3_column_int64(st, 3);
	info->size = (size_t)sqlite3_column_int64(st, 4);
	info->stored_size = (size_t)sqlite3_column_int64(st, 5);
	info->truncated = sqlite3_column_int(st, 6);
	info->dup_of = sqlite3_column_int64(st, 7);
	if (store_parsestate((const char *)sqlite3_column_text(st, 8),
	    &info->state) == -1) {
		log_warnx("store: message %" PRId64 ": unknown state",
		    info->id);
		return -1;
	}
	if ((w = (const char *)sqlite3_column_text(st, 9)) != NULL)
		snprintf(info->warnings, sizeof(info->warnings), "%s", w);
	if ((w = (const char *)sqlite3_column_text(st, 10)) != NULL)
		snprintf(info->kind, sizeof(info->kind), "%s", w);
	info->case_id = sqlite3_column_int64(st, 11);
	return 0;
}

int
store_message_foreach(struct store *s,
    int (*cb)(const struct store_msg_info *, void *), void *arg)
{
	struct store_msg_info	 info;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, rv = 0;

	/* Not cached: a callback may run another foreach. */
	if (sqlite3_prepare_v2(s->db, "SELECT " STORE_INFO_COLUMNS
	    " FROM message ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (store_info_fill(st, &info) == -1 ||
		    cb(&info, arg) == -1)
			rv = -1;
	}
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "message foreach");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

/*
 * Reads message_raw's bytes into one buffer and opens them there: read as
 * a column, SQLite would hand over a copy of its own, and crypto_open
 * would make a third.  0, -1 (the database), or -2 (fails to open).
 */
static int
store_raw_read(struct store *s, int64_t id, const char *ad, void **raw,
    size_t *len)
{
	sqlite3_blob	*b;
	char		*buf;
	int		 n, rc;

	if (sqlite3_blob_open(s->db, "main", "message_raw", "raw", id, 0,
	    &b) != SQLITE_OK) {
		store_error(s, "message raw open");
		return -1;
	}
	n = sqlite3_blob_bytes(b);
	buf = xmalloc((size_t)n + 1);
	rc = sqlite3_blob_read(b, buf, n, 0);
	if (sqlite3_blob_close(b) != SQLITE_OK || rc != SQLITE_OK) {
		store_error(s, "message raw read");
		free(buf);
		return -1;
	}
	if (crypto_open_inplace(s->key, buf, (size_t)n, ad, len) == -1) {
		free(buf);
		return -2;
	}
	*raw = buf;
	return 0;
}

int
store_message_raw(struct store *s, int64_t id, void **raw, size_t *len,
    struct store_msg_info *info)
{
	char			 ad[64];
	struct store_msg_info	 tmp;
	sqlite3_stmt		*st;
	int			 rc, rv;

	*raw = NULL;
	*len = 0;
	if (info == NULL)
		info = &tmp;
	if ((st = store_stmt(s, STORE_MSG_ONE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			store_error(s, "message raw");
		store_done(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	if (store_info_fill(st, info) == -1)
		rv = -1;
	else if (sqlite3_column_type(st, STORE_INFO_NCOLUMNS) == SQLITE_NULL)
		rv = 1;
	else
		rv = 0;
	store_done(st);
	if (rv != 0)
		return rv;
	store_message_ad(ad, sizeof(ad), info->uidvalidity, info->uid);
	if ((rv = store_raw_read(s, id, ad, raw, len)) == -2)
		log_warnx("store: message %" PRId64 ": sealed content "
		    "fails authentication", id);
	return rv < 0 ? -1 : 0;
}

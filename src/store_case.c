/*
 * store_case: persistence of cases, of how each fetched message was
 * handled, and of the outbox.  Addresses, report data and outgoing mail
 * are sealed; lookups on addresses and Message-IDs go through keyed
 * hashes, so the database holds no name, address or report text in the
 * clear.  The rules (what a case is, when mail is retried) live in
 * cases.c and outbox.c; this file only keeps their rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

enum store_case_stmt {
	SC_MSG_UNHANDLED,
	SC_MSG_SETKIND,
	SC_MSG_SETWARN,
	SC_MSG_SETTLE,
	SC_MSG_DROP,
	SC_CODE_TAKEN,
	SC_CASE_ADD,
	SC_CASE_GET,
	SC_CASE_BY_CODE,
	SC_CASE_REPORTER,
	SC_CASE_SENDER_RECENT,
	SC_CASE_HELD_DUE,
	SC_CASE_FIELDS,
	SC_CASE_SETACK,
	SC_CASE_ACKSENT,
	SC_OUT_ADD,
	SC_OUT_SINCE,
	SC_OUT_DUE,
	SC_OUT_GET,
	SC_OUT_UPDATE,
	SC_OUT_BY_MSGID,
	SC_OUT_NEXT,
	SC_OUT_KNOWN,
	SC_OUT_RETRY,
	SC_SET_STATUS,
	SC_SET_SAFETY,
	SC_SET_REPEAT,
	SC_SET_REPORTED,
	SC_SET_ACTIONS,
	SC_SET_RESOLUTION,
	SC_GET_REPORTED,
	SC_GET_ACTIONS,
	SC_GET_RESOLUTION,
	SC_SET_TRIAGE,
	SC_SET_BACKUPS,
	SC_SET_FOLLOWUP,
	SC_SET_LANG,
	SC_SET_MODERATORS,
	SC_GET_MODERATORS,
	SC_SET_MOD_STATE,
	SC_SET_MOD_ASKED,
	SC_SET_MOD_ANSWERED,
	SC_SET_CONTACTED,
	SC_SET_REPLIED,
	SC_MEMBER_GET,
	SC_MEMBER_SET,
	SC_PROP_OPEN,
	SC_PROP_CURRENT,
	SC_PROP_CLOSE,
	SC_VOTE_SET,
	SC_VOTE_GET,
	SC_DL_PLAN,
	SC_DL_DUE,
	SC_DL_DONE,
	SC_DL_NEXT,
	SC_MSG_CASE_BY_MSGID,
	SC_OUT_CASE_SINCE,
	SC_MEMBER_EACH,
	SC_MAX
};

#define SC_CASE_COLUMNS							\
	"id, code_name, status, received, urgent, repeat_sender, "	\
	"report_message, ack_outbox, ack_note, ack_sent, triage, "	\
	"safety, repeat_risk, followup_at, backups_asked, purged, lang, "	\
	"lang_confidence, mod_state, mod_asked, mod_answered, "		\
	"reported_contacted, reported_replied"
#define SC_OUT_COLUMNS							\
	"id, case_id, kind, state, attempts, created, next_attempt, "	\
	"sent_at, last_code, last_error, member, pgp"
#define SC_OUT_NCOLUMNS	12

static const char *const sc_sql[SC_MAX] = {
	[SC_MSG_UNHANDLED] =
	    "SELECT id FROM message WHERE kind IS NULL AND dup_of IS NULL "
	    "AND held_reason IS NULL AND held_next_try <= ?1 ORDER BY id",
	[SC_MSG_SETKIND] =
	    "UPDATE message SET kind = ?2, case_id = ?3 WHERE id = ?1",
	[SC_MSG_SETWARN] =
	    "UPDATE message SET warnings = ?2 WHERE id = ?1",
	[SC_MSG_SETTLE] =
	    "UPDATE message SET kind = 'copy', case_id = (SELECT case_id "
	    "FROM message AS o WHERE o.id = message.dup_of) "
	    "WHERE kind IS NULL AND dup_of IS NOT NULL AND (SELECT kind "
	    "FROM message AS o WHERE o.id = message.dup_of) IS NOT NULL",
	/*
	 * Content not to be kept is not to stay on the IMAP server either:
	 * its copy, and those of its duplicates, are expunged at once
	 * (store_server.c).
	 */
	[SC_MSG_DROP] =
	    "UPDATE message SET raw = NULL, stored_size = 0, server_purge = 1 "
	    "WHERE id = ?1 OR dup_of = ?1",
	[SC_CODE_TAKEN] = "SELECT id FROM cases WHERE code_name = ?1",
	[SC_CASE_ADD] =
	    "INSERT INTO cases (code_name, received, urgent, repeat_sender, "
	    "reporter_hash, reporter, fields, report_message, lang, "
	    "lang_confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[SC_CASE_GET] = "SELECT " SC_CASE_COLUMNS " FROM cases WHERE id = ?1",
	[SC_CASE_BY_CODE] =
	    "SELECT " SC_CASE_COLUMNS " FROM cases WHERE code_name = ?1",
	[SC_CASE_REPORTER] = "SELECT reporter FROM cases WHERE id = ?1",
	[SC_CASE_FIELDS] = "SELECT fields FROM cases WHERE id = ?1",
	[SC_CASE_SETACK] =
	    "UPDATE cases SET ack_outbox = ?2, ack_note = ?3 WHERE id = ?1",
	/*
	 * The cases one summary acknowledges are one sender's: the
	 * sender's index finds them, where ack_outbox alone (no index)
	 * read every case for each acknowledgment sent.
	 */
	[SC_CASE_ACKSENT] =
	    "UPDATE cases SET ack_sent = ?2 WHERE id = ?1 OR "
	    "(reporter_hash = (SELECT reporter_hash FROM cases WHERE id = ?1) "
	    "AND ack_outbox = (SELECT ack_outbox FROM cases WHERE id = ?1))",
	/*
	 * Counted up to ?3 only: in a flood of thousands from one sender
	 * each new case would otherwise count all the others again.
	 */
	[SC_CASE_SENDER_RECENT] =
	    "SELECT count(*) FROM (SELECT 1 FROM cases WHERE reporter_hash = "
	    "(SELECT reporter_hash FROM cases WHERE id = ?1) AND id != ?1 AND "
	    "received >= ?2 LIMIT ?3)",
	/*
	 * A sender's held acknowledgments are due when the burst that
	 * began within ?2 before one of them is ?2 old.  That burst's
	 * start only moves later with the held case, so the sender's
	 * first held case decides: one index seek per sender.
	 */
	[SC_CASE_HELD_DUE] =
	    "SELECT id, code_name, reporter_hash FROM cases WHERE ack_note = "
	    "'held' AND ack_outbox IS NULL AND reporter_hash IN (SELECT "
	    "g.reporter_hash FROM (SELECT reporter_hash, min(received) AS "
	    "first FROM cases WHERE ack_note = 'held' AND ack_outbox IS NULL "
	    "GROUP BY reporter_hash) AS g WHERE (SELECT min(o.received) FROM "
	    "cases AS o WHERE o.reporter_hash = g.reporter_hash AND "
	    "o.received > g.first - ?2) + ?2 <= ?1) ORDER BY reporter_hash, id",
	[SC_OUT_ADD] =
	    "INSERT INTO outbox (case_id, kind, rcpt_hash, envelope, data, "
	    "msgid_hash, created, next_attempt, member, pgp) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8, ?9)",
	[SC_OUT_SINCE] =
	    "SELECT id FROM outbox WHERE kind = ?1 AND rcpt_hash = ?2 AND "
	    "created >= ?3 LIMIT 1",
	[SC_OUT_DUE] =
	    "SELECT id, kind FROM outbox WHERE state = 'queued' AND "
	    "next_attempt <= ?1 ORDER BY id LIMIT ?2",
	[SC_OUT_GET] =
	    "SELECT " SC_OUT_COLUMNS ", envelope, data FROM outbox "
	    "WHERE id = ?1",
	[SC_OUT_UPDATE] =
	    "UPDATE outbox SET state = ?2, attempts = ?3, next_attempt = ?4, "
	    "sent_at = ?5, last_code = ?6, last_error = ?7 WHERE id = ?1",
	[SC_OUT_BY_MSGID] =
	    "SELECT case_id FROM outbox WHERE msgid_hash = ?1 AND "
	    "case_id IS NOT NULL LIMIT 1",
	[SC_OUT_NEXT] =
	    "SELECT min(next_attempt) FROM outbox WHERE state = 'queued'",
	[SC_OUT_RETRY] =
	    "UPDATE outbox SET next_attempt = ?1 WHERE state = 'queued' AND "
	    "last_code = 0 AND attempts > 0 AND next_attempt > ?1",
	[SC_OUT_KNOWN] = "SELECT id FROM outbox WHERE msgid_hash = ?1 LIMIT 1",
	[SC_SET_STATUS] = "UPDATE cases SET status = ?2 WHERE id = ?1",
	[SC_SET_SAFETY] = "UPDATE cases SET safety = ?2 WHERE id = ?1",
	[SC_SET_REPEAT] = "UPDATE cases SET repeat_risk = ?2 WHERE id = ?1",
	[SC_SET_REPORTED] = "UPDATE cases SET reported = ?2 WHERE id = ?1",
	[SC_SET_ACTIONS] = "UPDATE cases SET actions = ?2 WHERE id = ?1",
	[SC_SET_RESOLUTION] =
	    "UPDATE cases SET resolution = ?2 WHERE id = ?1",
	[SC_GET_REPORTED] = "SELECT reported FROM cases WHERE id = ?1",
	[SC_GET_ACTIONS] = "SELECT actions FROM cases WHERE id = ?1",
	[SC_GET_RESOLUTION] = "SELECT resolution FROM cases WHERE id = ?1",
	[SC_SET_TRIAGE] = "UPDATE cases SET triage = ?2 WHERE id = ?1",
	[SC_SET_BACKUPS] = "UPDATE cases SET backups_asked = ?2 WHERE id = ?1",
	[SC_SET_FOLLOWUP] = "UPDATE cases SET followup_at = ?2 WHERE id = ?1",
	[SC_SET_LANG] =
	    "UPDATE cases SET lang = ?2, lang_confidence = ?3 WHERE id = ?1",
	[SC_SET_MODERATORS] = "UPDATE cases SET moderators = ?2 WHERE id = ?1",
	[SC_GET_MODERATORS] = "SELECT moderators FROM cases WHERE id = ?1",
	[SC_SET_MOD_STATE] = "UPDATE cases SET mod_state = ?2 WHERE id = ?1",
	[SC_SET_MOD_ASKED] = "UPDATE cases SET mod_asked = ?2 WHERE id = ?1",
	[SC_SET_MOD_ANSWERED] =
	    "UPDATE cases SET mod_answered = ?2 WHERE id = ?1",
	[SC_SET_CONTACTED] =
	    "UPDATE cases SET reported_contacted = ?2 WHERE id = ?1",
	[SC_SET_REPLIED] =
	    "UPDATE cases SET reported_replied = ?2 WHERE id = ?1",
	[SC_MEMBER_GET] =
	    "SELECT state FROM case_member WHERE case_id = ?1 AND member = ?2",
	[SC_MEMBER_SET] =
	    "INSERT INTO case_member (case_id, member, state, reason, since) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (case_id, member) DO "
	    "UPDATE SET state = excluded.state, reason = excluded.reason, "
	    "since = excluded.since",
	[SC_PROP_OPEN] =
	    "INSERT INTO proposal (case_id, text, opened) VALUES (?1, ?2, ?3)",
	[SC_PROP_CURRENT] =
	    "SELECT id, text FROM proposal WHERE case_id = ?1 AND "
	    "state = 'open' ORDER BY id DESC LIMIT 1",
	[SC_PROP_CLOSE] = "UPDATE proposal SET state = ?2 WHERE id = ?1",
	[SC_VOTE_SET] =
	    "INSERT INTO vote (proposal_id, member, vote) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (proposal_id, member) DO UPDATE SET "
	    "vote = excluded.vote",
	[SC_VOTE_GET] =
	    "SELECT vote FROM vote WHERE proposal_id = ?1 AND member = ?2",
	[SC_DL_PLAN] =
	    "INSERT OR IGNORE INTO deadline (case_id, kind, member, due, base) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[SC_DL_DUE] =
	    "SELECT id, case_id, kind, member, due, base FROM deadline "
	    "WHERE done = 0 AND due <= ?1 AND held_reason IS NULL AND "
	    "held_next_try <= ?1 ORDER BY due, id LIMIT ?2",
	[SC_DL_DONE] = "UPDATE deadline SET done = 1 WHERE id = ?1",
	/* Named: the planner would rather scan deadline_due's done = 0. */
	[SC_DL_NEXT] =
	    "SELECT max(due, held_next_try) FROM deadline INDEXED BY "
	    "deadline_pending WHERE done = 0 AND held_reason IS NULL ORDER BY "
	    "max(due, held_next_try) LIMIT 1",
	[SC_MSG_CASE_BY_MSGID] =
	    "SELECT m.case_id FROM message m JOIN cases c ON c.id = m.case_id "
	    "WHERE m.msgid_hash = ?1 AND (c.reporter_hash = ?2 OR "
	    "c.purged IS NOT NULL) ORDER BY m.id LIMIT 1",
	[SC_OUT_CASE_SINCE] =
	    "SELECT id FROM outbox WHERE kind = ?1 AND rcpt_hash = ?2 AND "
	    "created >= ?3 AND case_id = ?4 LIMIT 1",
	[SC_MEMBER_EACH] = "SELECT member, state, since FROM case_member "
	    "WHERE case_id = ?1 ORDER BY member",
};

_Static_assert(SC_MAX <= STORE_XSTMT_MAX, "room for the statements");

static const char *const sc_outbox_states[] = {
	[STORE_OUTBOX_QUEUED] = "queued",
	[STORE_OUTBOX_SENT] = "sent",
	[STORE_OUTBOX_FAILED] = "failed",
	[STORE_OUTBOX_HELD] = "held",
};

static sqlite3_stmt *
sc_stmt(struct store *s, enum store_case_stmt id)
{
	return store_cached(s, &s->xstmt[id], sc_sql[id]);
}

/* Keyed hash of an address, case-folded: the same person, one hash. */
static void
sc_addr_hash(struct store *s, const char *addr, unsigned char *out)
{
	char	*lower, *p;

	lower = xstrdup(addr);
	for (p = lower; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	crypto_keyed_hash(s->key, "address", lower, strlen(lower), out);
	crypto_freestr(lower);
}

static void
sc_bind_text(sqlite3_stmt *st, int col, const char *text)
{
	sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
}

static void
sc_copy_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const char	*t;

	t = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", t != NULL ? t : "");
}

int
store_message_unhandled(struct store *s, time_t now, int64_t **ids,
    size_t *n)
{
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	*ids = NULL;
	*n = 0;
	if ((st = sc_stmt(s, SC_MSG_UNHANDLED)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			*ids = xreallocarray(*ids, cap, sizeof(**ids));
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	store_done(st);
	if (rc != SQLITE_DONE) {
		store_error(s, "unhandled messages");
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int
store_message_set_kind(struct store *s, int64_t id, const char *kind,
    int64_t case_id)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_MSG_SETKIND)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sc_bind_text(st, 2, kind);
	if (case_id != 0)
		sqlite3_bind_int64(st, 3, case_id);
	return store_step_done(s, st, "message kind");
}

int
store_message_set_warnings(struct store *s, int64_t id,
    const char *warnings)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_MSG_SETWARN)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sc_bind_text(st, 2, warnings);
	return store_step_done(s, st, "message warnings");
}

int
store_message_settle_copies(struct store *s)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_MSG_SETTLE)) == NULL)
		return -1;
	return store_step_done(s, st, "settle copies");
}

int
store_message_drop_content(struct store *s, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_MSG_DROP)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return store_step_done(s, st, "message drop");
}

int
store_case_code_taken(struct store *s, const char *code)
{
	sqlite3_stmt	*st;
	int64_t		 id;

	if ((st = sc_stmt(s, SC_CODE_TAKEN)) == NULL)
		return -1;
	sc_bind_text(st, 1, code);
	return store_lookup_id(s, st, &id, "code name");
}

int
store_case_add(struct store *s, const struct store_case_new *c, int64_t *id)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];
	void		*rep = NULL, *fields = NULL;
	size_t		 replen = 0, fieldslen = 0;
	int		 rv;

	if ((st = sc_stmt(s, SC_CASE_ADD)) == NULL)
		return -1;
	sc_bind_text(st, 1, c->code_name);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)c->received);
	sqlite3_bind_int(st, 3, c->urgent != 0);
	sqlite3_bind_int(st, 4, c->repeat_sender != 0);
	if (c->reporter != NULL && c->reporter[0] != '\0') {
		sc_addr_hash(s, c->reporter, h);
		sqlite3_bind_blob(st, 5, h, sizeof(h), SQLITE_STATIC);
		rep = crypto_seal(s->key, c->reporter, strlen(c->reporter),
		    "case-reporter", &replen);
		sqlite3_bind_blob(st, 6, rep, (int)replen, SQLITE_STATIC);
	}
	fields = crypto_seal(s->key, c->fields, c->fieldslen, "case-fields",
	    &fieldslen);
	sqlite3_bind_blob64(st, 7, fields, fieldslen, SQLITE_STATIC);
	if (c->report_message != 0)
		sqlite3_bind_int64(st, 8, c->report_message);
	if (c->lang != NULL) {
		sc_bind_text(st, 9, c->lang);
		sqlite3_bind_int(st, 10, c->lang_confidence);
	}
	rv = store_step_done(s, st, "case insert");
	free(rep);
	free(fields);
	if (rv == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	return rv;
}

static int
sc_case_row(struct store *s, sqlite3_stmt *st, struct store_case *c)
{
	int	rc;

	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			store_error(s, "case");
		store_done(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	s->cases_read++;
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	sc_copy_text(st, 1, c->code_name, sizeof(c->code_name));
	sc_copy_text(st, 2, c->status, sizeof(c->status));
	c->received = (time_t)sqlite3_column_int64(st, 3);
	c->urgent = sqlite3_column_int(st, 4);
	c->repeat_sender = sqlite3_column_int(st, 5);
	c->report_message = sqlite3_column_int64(st, 6);
	c->ack_outbox = sqlite3_column_int64(st, 7);
	sc_copy_text(st, 8, c->ack_note, sizeof(c->ack_note));
	c->ack_sent = (time_t)sqlite3_column_int64(st, 9);
	c->triage = sqlite3_column_int(st, 10);
	sc_copy_text(st, 11, c->safety, sizeof(c->safety));
	sc_copy_text(st, 12, c->repeat_risk, sizeof(c->repeat_risk));
	c->followup_at = (time_t)sqlite3_column_int64(st, 13);
	c->backups_asked = sqlite3_column_int(st, 14);
	c->purged = (time_t)sqlite3_column_int64(st, 15);
	sc_copy_text(st, 16, c->lang, sizeof(c->lang));
	c->lang_confidence = sqlite3_column_type(st, 17) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 17);
	c->mod_state = sqlite3_column_int(st, 18);
	c->mod_asked = (time_t)sqlite3_column_int64(st, 19);
	c->mod_answered = (time_t)sqlite3_column_int64(st, 20);
	c->reported_contacted = (time_t)sqlite3_column_int64(st, 21);
	c->reported_replied = (time_t)sqlite3_column_int64(st, 22);
	store_done(st);
	return 1;
}

int
store_case_get(struct store *s, int64_t id, struct store_case *c)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_CASE_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return sc_case_row(s, st, c);
}

int
store_case_by_code(struct store *s, const char *code, struct store_case *c)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_CASE_BY_CODE)) == NULL)
		return -1;
	sc_bind_text(st, 1, code);
	return sc_case_row(s, st, c);
}

/* The cases sql selects the ids of, in order, to cb. */
static int
sc_case_walk(struct store *s, const char *sql,
    int (*cb)(const struct store_case *, void *), void *arg)
{
	struct store_case	 c;
	sqlite3_stmt		*st;
	int64_t			*ids;
	size_t			 n, i;
	int			 rv = 0;

	/* Collect the ids first: a callback may use the store. */
	if ((st = store_prepare(s, sql)) == NULL ||
	    store_collect_ids(s, st, &ids, &n, "case foreach") == -1)
		return -1;
	for (i = 0; rv == 0 && i < n; i++)
		if (store_case_get(s, ids[i], &c) != 1 || cb(&c, arg) == -1)
			rv = -1;
	free(ids);
	return rv;
}

int
store_case_foreach(struct store *s,
    int (*cb)(const struct store_case *, void *), void *arg)
{
	return sc_case_walk(s, "SELECT id FROM cases ORDER BY id", cb, arg);
}

int
store_case_foreach_open(struct store *s,
    int (*cb)(const struct store_case *, void *), void *arg)
{
	/* The condition of the cases_open index, so that it serves. */
	return sc_case_walk(s, "SELECT id FROM cases WHERE status <> "
	    "'closed' AND purged IS NULL ORDER BY id", cb, arg);
}

uint64_t
store_cases_read(const struct store *s)
{
	return s->cases_read;
}

/* Decrypts the sealed column 0 of a one-row query on id. */
static int
sc_open_blob(struct store *s, enum store_case_stmt which, int64_t id,
    const char *ad, void **out, size_t *len)
{
	sqlite3_stmt	*st;
	int		 rc, rv = 0;

	*out = NULL;
	*len = 0;
	if ((st = sc_stmt(s, which)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
		    crypto_open(s->key, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0), ad, out, len) == -1) {
			log_warnx("store: case %" PRId64 ": sealed %s fails "
			    "authentication", id, ad);
			rv = -1;
		}
	} else if (rc != SQLITE_DONE) {
		store_error(s, ad);
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_case_reporter(struct store *s, int64_t id, char **addr)
{
	size_t	len;

	return sc_open_blob(s, SC_CASE_REPORTER, id, "case-reporter",
	    (void **)addr, &len);
}

int
store_case_fields(struct store *s, int64_t id, void **fields, size_t *len)
{
	return sc_open_blob(s, SC_CASE_FIELDS, id, "case-fields", fields, len);
}

int
store_case_set_ack(struct store *s, int64_t id, int64_t outbox_id,
    const char *note)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_CASE_SETACK)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (outbox_id != 0)
		sqlite3_bind_int64(st, 2, outbox_id);
	sc_bind_text(st, 3, note != NULL ? note : "");
	return store_step_done(s, st, "case ack");
}

int
store_case_sender_recent(struct store *s, int64_t id, time_t since,
    int64_t max, int64_t *count)
{
	sqlite3_stmt	*st;

	*count = 0;
	if ((st = sc_stmt(s, SC_CASE_SENDER_RECENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 3, max);
	return store_lookup_id(s, st, count, "sender recent") == -1 ? -1 : 0;
}

int
store_case_held_due(struct store *s, time_t now, time_t window,
    struct store_held **rows, size_t *n)
{
	sqlite3_stmt	*st;
	const void	*h;
	void		*last = NULL;
	int		 rc, group = -1, hlen, lastlen = 0;
	size_t		 cap = 0;
	int		 rv = 0;

	*rows = NULL;
	*n = 0;
	if ((st = sc_stmt(s, SC_CASE_HELD_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)window);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			*rows = xreallocarray(*rows, cap, sizeof(**rows));
		}
		h = sqlite3_column_blob(st, 2);
		hlen = sqlite3_column_bytes(st, 2);
		if (last == NULL || hlen != lastlen || memcmp(h, last, hlen))
			group++;
		(*rows)[*n].id = sqlite3_column_int64(st, 0);
		sc_copy_text(st, 1, (*rows)[*n].code_name,
		    sizeof((*rows)[*n].code_name));
		(*rows)[*n].group = group;
		(*n)++;
		/* The blob stays valid only until the next step: a copy. */
		free(last);
		last = hlen > 0 ? xmalloc(hlen) : NULL;
		if (last != NULL)
			memcpy(last, h, hlen);
		lastlen = hlen;
	}
	free(last);
	if (rc != SQLITE_DONE) {
		store_error(s, "held acks");
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_case_set_ack_sent(struct store *s, int64_t id, time_t when)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_CASE_ACKSENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)when);
	return store_step_done(s, st, "case ack sent");
}

const char *
store_outbox_strstate(enum store_outbox_state state)
{
	if ((size_t)state >= nitems(sc_outbox_states))
		return "unknown";
	return sc_outbox_states[state];
}

static int
sc_outbox_parsestate(const char *text, enum store_outbox_state *state)
{
	size_t	i;

	for (i = 0; i < nitems(sc_outbox_states); i++)
		if (text != NULL && strcmp(text, sc_outbox_states[i]) == 0) {
			*state = (enum store_outbox_state)i;
			return 0;
		}
	return -1;
}

int
store_outbox_add(struct store *s, const struct store_outbox_new *o,
    int64_t *id)
{
	sqlite3_stmt	*st;
	unsigned char	 rh[CRYPTO_HASHBYTES], mh[CRYPTO_HASHBYTES];
	char		*env;
	void		*envblob, *datablob;
	size_t		 envlen, envbloblen, databloblen;
	int		 rv;

	if ((st = sc_stmt(s, SC_OUT_ADD)) == NULL)
		return -1;
	envlen = strlen(o->mail_from) + 1 + strlen(o->rcpt);
	env = xmalloc(envlen + 1);
	snprintf(env, envlen + 1, "%s%c%s", o->mail_from, '\n', o->rcpt);
	envblob = crypto_seal(s->key, env, envlen, "outbox-envelope",
	    &envbloblen);
	crypto_freestr(env);
	datablob = crypto_seal(s->key, o->data, o->len, "outbox-data",
	    &databloblen);
	sc_addr_hash(s, o->rcpt, rh);
	if (o->case_id != 0)
		sqlite3_bind_int64(st, 1, o->case_id);
	sc_bind_text(st, 2, o->kind);
	sqlite3_bind_blob(st, 3, rh, sizeof(rh), SQLITE_STATIC);
	sqlite3_bind_blob64(st, 4, envblob, envbloblen, SQLITE_STATIC);
	sqlite3_bind_blob64(st, 5, datablob, databloblen, SQLITE_STATIC);
	if (o->message_id != NULL) {
		crypto_keyed_hash(s->key, "our-message-id", o->message_id,
		    strlen(o->message_id), mh);
		sqlite3_bind_blob(st, 6, mh, sizeof(mh), SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 7, (sqlite3_int64)o->now);
	if (o->member != NULL)
		sc_bind_text(st, 8, o->member);
	if (o->pgp != NULL)
		sc_bind_text(st, 9, o->pgp);
	rv = store_step_done(s, st, "outbox insert");
	free(envblob);
	free(datablob);
	if (rv == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	return rv;
}

int
store_outbox_sent_to_since(struct store *s, const char *kind,
    const char *rcpt, time_t since)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];
	int64_t		 id;

	if ((st = sc_stmt(s, SC_OUT_SINCE)) == NULL)
		return -1;
	sc_addr_hash(s, rcpt, h);
	sc_bind_text(st, 1, kind);
	sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)since);
	return store_lookup_id(s, st, &id, "outbox recipient");
}

int
store_outbox_case_sent_since(struct store *s, const char *kind,
    int64_t case_id, const char *rcpt, time_t since)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];
	int64_t		 id;

	if ((st = sc_stmt(s, SC_OUT_CASE_SINCE)) == NULL)
		return -1;
	sc_addr_hash(s, rcpt, h);
	sc_bind_text(st, 1, kind);
	sqlite3_bind_blob(st, 2, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)since);
	sqlite3_bind_int64(st, 4, case_id);
	return store_lookup_id(s, st, &id, "outbox recipient of a case");
}

int
store_outbox_due(struct store *s, time_t now, size_t max,
    struct store_outbox_due **due, size_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	*n = 0;
	*due = xcalloc(max, sizeof(**due));
	if ((st = sc_stmt(s, SC_OUT_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*due)[*n].id = sqlite3_column_int64(st, 0);
		sc_copy_text(st, 1, (*due)[*n].kind, sizeof((*due)[*n].kind));
		(*n)++;
	}
	store_done(st);
	if (*n < max && rc != SQLITE_DONE) {
		store_error(s, "outbox due");
		return -1;
	}
	return 0;
}

static int
sc_outbox_fill(sqlite3_stmt *st, struct store_outbox_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->case_id = sqlite3_column_int64(st, 1);
	sc_copy_text(st, 2, r->kind, sizeof(r->kind));
	if (sc_outbox_parsestate((const char *)sqlite3_column_text(st, 3),
	    &r->state) == -1) {
		log_warnx("store: outbox %" PRId64 ": unknown state", r->id);
		return -1;
	}
	r->attempts = sqlite3_column_int(st, 4);
	r->created = (time_t)sqlite3_column_int64(st, 5);
	r->next_attempt = (time_t)sqlite3_column_int64(st, 6);
	r->sent_at = (time_t)sqlite3_column_int64(st, 7);
	r->last_code = sqlite3_column_int(st, 8);
	sc_copy_text(st, 9, r->last_error, sizeof(r->last_error));
	sc_copy_text(st, 10, r->member, sizeof(r->member));
	sc_copy_text(st, 11, r->pgp, sizeof(r->pgp));
	return 0;
}

/* Splits the decrypted envelope "from\nrcpt" into two strings. */
static int
sc_outbox_envelope(struct store *s, sqlite3_stmt *st, int64_t id,
    char **from, char **rcpt)
{
	char	*env, *nl;
	size_t	 len;

	if (crypto_open(s->key, sqlite3_column_blob(st, SC_OUT_NCOLUMNS),
	    (size_t)sqlite3_column_bytes(st, SC_OUT_NCOLUMNS),
	    "outbox-envelope", (void **)&env, &len) == -1 ||
	    (nl = memchr(env, '\n', len)) == NULL) {
		log_warnx("store: outbox %" PRId64 ": sealed envelope fails "
		    "authentication", id);
		return -1;
	}
	*nl = '\0';
	*from = xstrdup(env);
	*rcpt = xstrdup(nl + 1);
	crypto_wipe(env, len);
	free(env);
	return 0;
}

int
store_outbox_get(struct store *s, int64_t id, struct store_outbox_row *r,
    char **from, char **rcpt, char **data, size_t *len)
{
	sqlite3_stmt	*st;
	int		 rc, rv = 1;

	if ((st = sc_stmt(s, SC_OUT_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			store_error(s, "outbox get");
		store_done(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (sc_outbox_fill(st, r) == -1)
		rv = -1;
	else if (from != NULL && sc_outbox_envelope(s, st, id, from, rcpt)
	    == -1)
		rv = -1;
	else if (data != NULL && crypto_open(s->key,
	    sqlite3_column_blob(st, SC_OUT_NCOLUMNS + 1),
	    (size_t)sqlite3_column_bytes(st, SC_OUT_NCOLUMNS + 1),
	    "outbox-data", (void **)data, len) == -1) {
		log_warnx("store: outbox %" PRId64 ": sealed message fails "
		    "authentication", id);
		if (from != NULL) {
			free(*from);
			free(*rcpt);
		}
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_outbox_update(struct store *s, const struct store_outbox_row *r)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_OUT_UPDATE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sc_bind_text(st, 2, store_outbox_strstate(r->state));
	sqlite3_bind_int(st, 3, r->attempts);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)r->next_attempt);
	if (r->sent_at != 0)
		sqlite3_bind_int64(st, 5, (sqlite3_int64)r->sent_at);
	sqlite3_bind_int(st, 6, r->last_code);
	sc_bind_text(st, 7, r->last_error);
	return store_step_done(s, st, "outbox update");
}

int
store_outbox_foreach(struct store *s, int64_t case_id,
    int (*cb)(const struct store_outbox_row *, void *), void *arg)
{
	struct store_outbox_row	 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, rv = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT " SC_OUT_COLUMNS " FROM outbox "
	    "WHERE ?1 = 0 OR case_id = ?1 ORDER BY id", -1, &st, NULL) !=
	    SQLITE_OK) {
		store_error(s, "prepare");
		return -1;
	}
	sqlite3_bind_int64(st, 1, case_id);
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sc_outbox_fill(st, &r) == -1 || cb(&r, arg) == -1)
			rv = -1;
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "outbox foreach");
		rv = -1;
	}
	sqlite3_finalize(st);
	return rv;
}

int
store_outbox_case_by_msgid(struct store *s, const char *message_id,
    int64_t *case_id)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];

	if ((st = sc_stmt(s, SC_OUT_BY_MSGID)) == NULL)
		return -1;
	crypto_keyed_hash(s->key, "our-message-id", message_id,
	    strlen(message_id), h);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	return store_lookup_id(s, st, case_id, "outbox by message-id");
}

int
store_message_case_by_msgid(struct store *s, const char *message_id,
    const char *sender, int64_t *case_id)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES], sh[CRYPTO_HASHBYTES];

	if ((st = sc_stmt(s, SC_MSG_CASE_BY_MSGID)) == NULL)
		return -1;
	crypto_keyed_hash(s->key, "message-id", message_id,
	    strlen(message_id), h);
	sc_addr_hash(s, sender, sh);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, sh, sizeof(sh), SQLITE_TRANSIENT);
	return store_lookup_id(s, st, case_id, "message by message-id");
}

int
store_outbox_next_attempt(struct store *s, time_t *when)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	if ((st = sc_stmt(s, SC_OUT_NEXT)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rv = sqlite3_column_type(st, 0) != SQLITE_NULL;
		*when = (time_t)sqlite3_column_int64(st, 0);
	} else {
		store_error(s, "outbox next");
		rv = -1;
	}
	store_done(st);
	return rv;
}

/* The statement that sets, and the one that reads, a case field. */
static const struct {
	enum store_case_stmt	set;
	enum store_case_stmt	get;	/* SC_MAX: not sealed */
	const char		*ad;
} sc_fields[] = {
	[STORE_CASE_STATUS] = { SC_SET_STATUS, SC_MAX, NULL },
	[STORE_CASE_SAFETY] = { SC_SET_SAFETY, SC_MAX, NULL },
	[STORE_CASE_REPEAT] = { SC_SET_REPEAT, SC_MAX, NULL },
	[STORE_CASE_REPORTED] = { SC_SET_REPORTED, SC_GET_REPORTED,
	    "case-reported" },
	[STORE_CASE_ACTIONS] = { SC_SET_ACTIONS, SC_GET_ACTIONS,
	    "case-actions" },
	[STORE_CASE_RESOLUTION] = { SC_SET_RESOLUTION, SC_GET_RESOLUTION,
	    "case-resolution" },
	[STORE_CASE_MODERATORS] = { SC_SET_MODERATORS, SC_GET_MODERATORS,
	    "case-moderators" },
};

int
store_case_set_text(struct store *s, int64_t id, enum store_case_field f,
    const char *value)
{
	sqlite3_stmt	*st;
	void		*blob = NULL;
	size_t		 len;
	int		 rv;

	if ((st = sc_stmt(s, sc_fields[f].set)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sc_fields[f].ad == NULL)
		sc_bind_text(st, 2, value);
	else {
		blob = crypto_seal(s->key, value, strlen(value),
		    sc_fields[f].ad, &len);
		sqlite3_bind_blob64(st, 2, blob, len, SQLITE_STATIC);
	}
	rv = store_step_done(s, st, "case field");
	free(blob);
	return rv;
}

int
store_case_get_sealed(struct store *s, int64_t id, enum store_case_field f,
    char **value)
{
	size_t	len;

	*value = NULL;
	if (sc_fields[f].ad == NULL)
		return -1;
	return sc_open_blob(s, sc_fields[f].get, id, sc_fields[f].ad,
	    (void **)value, &len);
}

int
store_case_set_number(struct store *s, int64_t id, enum store_case_number n,
    int64_t value)
{
	static const enum store_case_stmt which[] = {
		[STORE_CASE_TRIAGE] = SC_SET_TRIAGE,
		[STORE_CASE_BACKUPS_ASKED] = SC_SET_BACKUPS,
		[STORE_CASE_FOLLOWUP_AT] = SC_SET_FOLLOWUP,
		[STORE_CASE_MOD_STATE] = SC_SET_MOD_STATE,
		[STORE_CASE_MOD_ASKED] = SC_SET_MOD_ASKED,
		[STORE_CASE_MOD_ANSWERED] = SC_SET_MOD_ANSWERED,
		[STORE_CASE_REPORTED_CONTACTED] = SC_SET_CONTACTED,
		[STORE_CASE_REPORTED_REPLIED] = SC_SET_REPLIED,
	};
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, which[n])) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, value);
	return store_step_done(s, st, "case number");
}

int
store_case_set_lang(struct store *s, int64_t id, const char *lang,
    int confidence)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_SET_LANG)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sc_bind_text(st, 2, lang);
	sqlite3_bind_int(st, 3, confidence);
	return store_step_done(s, st, "case language");
}

int
store_member_get(struct store *s, int64_t case_id, const char *member,
    char *state, size_t size)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = sc_stmt(s, SC_MEMBER_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	sc_bind_text(st, 2, member);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sc_copy_text(st, 0, state, size);
	else if (rc != SQLITE_DONE)
		store_error(s, "member get");
	store_done(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_member_set(struct store *s, int64_t case_id, const char *member,
    const char *state, const char *reason, time_t since)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_MEMBER_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	sc_bind_text(st, 2, member);
	sc_bind_text(st, 3, state);
	sc_bind_text(st, 4, reason != NULL ? reason : "");
	sqlite3_bind_int64(st, 5, (sqlite3_int64)since);
	return store_step_done(s, st, "member set");
}

int
store_proposal_open(struct store *s, int64_t case_id, const char *text,
    time_t now, int64_t *id)
{
	sqlite3_stmt	*st;
	void		*blob;
	size_t		 len;
	int		 rv;

	if ((st = sc_stmt(s, SC_PROP_OPEN)) == NULL)
		return -1;
	blob = crypto_seal(s->key, text, strlen(text), "proposal", &len);
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_blob64(st, 2, blob, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	rv = store_step_done(s, st, "proposal open");
	free(blob);
	if (rv == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	return rv;
}

int
store_proposal_current(struct store *s, int64_t case_id, int64_t *id,
    char **text)
{
	sqlite3_stmt	*st;
	size_t		 len;
	int		 rc, rv = 0;

	*text = NULL;
	if ((st = sc_stmt(s, SC_PROP_CURRENT)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		rv = crypto_open(s->key, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), "proposal",
		    (void **)text, &len) == 0 ? 1 : -1;
	} else if (rc != SQLITE_DONE) {
		store_error(s, "proposal");
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_proposal_close(struct store *s, int64_t id, const char *state)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_PROP_CLOSE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sc_bind_text(st, 2, state);
	return store_step_done(s, st, "proposal close");
}

int
store_vote_set(struct store *s, int64_t proposal_id, const char *member,
    const char *vote)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_VOTE_SET)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, proposal_id);
	sc_bind_text(st, 2, member);
	sc_bind_text(st, 3, vote);
	return store_step_done(s, st, "vote");
}

int
store_vote_count(struct store *s, int64_t proposal_id,
    const char *const *members, size_t n, int *yes, int *no, int *abstain)
{
	sqlite3_stmt	*st;
	const char	*v;
	size_t		 i;
	int		 rc;

	*yes = *no = *abstain = 0;
	if ((st = sc_stmt(s, SC_VOTE_GET)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, proposal_id);
		sc_bind_text(st, 2, members[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW &&
		    (v = (const char *)sqlite3_column_text(st, 0)) != NULL) {
			if (strcmp(v, "yes") == 0)
				(*yes)++;
			else if (strcmp(v, "no") == 0)
				(*no)++;
			else
				(*abstain)++;
		} else if (rc != SQLITE_DONE) {
			store_error(s, "vote count");
			store_done(st);
			return -1;
		}
		store_done(st);
	}
	return 0;
}

int
store_member_foreach(struct store *s, int64_t case_id,
    int (*cb)(const char *, const char *, time_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE, rv = 0;

	/* Cached: the planner walks it for every case it plans. */
	if ((st = sc_stmt(s, SC_MEMBER_EACH)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	while (rv == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (time_t)sqlite3_column_int64(st, 2), arg) == -1)
			rv = -1;
	if (rv == 0 && rc != SQLITE_DONE) {
		store_error(s, "member foreach");
		rv = -1;
	}
	sqlite3_reset(st);
	return rv;
}

int
store_deadline_plan(struct store *s, int64_t case_id, const char *kind,
    const char *member, time_t due, time_t base)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_DL_PLAN)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, case_id);
	sc_bind_text(st, 2, kind);
	sc_bind_text(st, 3, member != NULL ? member : "");
	sqlite3_bind_int64(st, 4, (sqlite3_int64)due);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)base);
	return store_step_done(s, st, "deadline plan");
}

int
store_deadline_due(struct store *s, time_t now, size_t max,
    struct store_deadline **rows, size_t *n)
{
	sqlite3_stmt		*st;
	struct store_deadline	*d;
	int			 rc = SQLITE_DONE;

	*n = 0;
	*rows = xcalloc(max, sizeof(**rows));
	if ((st = sc_stmt(s, SC_DL_DUE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = &(*rows)[(*n)++];
		d->id = sqlite3_column_int64(st, 0);
		d->case_id = sqlite3_column_int64(st, 1);
		sc_copy_text(st, 2, d->kind, sizeof(d->kind));
		sc_copy_text(st, 3, d->member, sizeof(d->member));
		d->due = (time_t)sqlite3_column_int64(st, 4);
		d->base = (time_t)sqlite3_column_int64(st, 5);
	}
	store_done(st);
	if (*n < max && rc != SQLITE_DONE) {
		store_error(s, "deadlines due");
		return -1;
	}
	return 0;
}

int
store_deadline_done(struct store *s, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_DL_DONE)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return store_step_done(s, st, "deadline done");
}

int
store_deadline_next(struct store *s, time_t *when)
{
	sqlite3_stmt	*st;
	int		 rc, rv;

	if ((st = sc_stmt(s, SC_DL_NEXT)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rv = 1;
		*when = (time_t)sqlite3_column_int64(st, 0);
	} else if (rc == SQLITE_DONE)
		rv = 0;
	else {
		store_error(s, "deadline next");
		rv = -1;
	}
	store_done(st);
	return rv;
}

int
store_outbox_msgid_known(struct store *s, const char *message_id)
{
	sqlite3_stmt	*st;
	unsigned char	 h[CRYPTO_HASHBYTES];
	int64_t		 id;

	if ((st = sc_stmt(s, SC_OUT_KNOWN)) == NULL)
		return -1;
	crypto_keyed_hash(s->key, "our-message-id", message_id,
	    strlen(message_id), h);
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_TRANSIENT);
	return store_lookup_id(s, st, &id, "outbox message-id");
}

int
store_outbox_retry_unreachable(struct store *s, time_t now)
{
	sqlite3_stmt	*st;

	if ((st = sc_stmt(s, SC_OUT_RETRY)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
	if (store_step_done(s, st, "outbox retry") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

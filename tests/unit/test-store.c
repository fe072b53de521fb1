/*
 * test-store: schema creation and versions, the migration from schema 7
 * with rows (mailbox identity), mailbox bookkeeping, message
 * deduplication (by mailbox and UID, Message-ID and content, across a
 * UIDVALIDITY change and across folders sharing one; trace headers
 * ignored, reused Message-IDs new), states, transactions, the WAL
 * emptied by a checkpoint, and the promises about data at rest: no
 * clear text in the database or its WAL, and tampered blobs refused.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "buf.h"
#include "crypto.h"
#include "dedupe.h"
#include "store.h"
#include "store_priv.h"
#include "xmalloc.h"

static char	tmpdir[] = "/tmp/test-store.XXXXXX";

#define PHRASE	"The purple giraffe incident at the afterparty"
#define MSGID	"<8f2c1e.incident@mail.example.org>"
#define ADDRESS	"alice.reporter@example.org"

static const char raw_a[] =
    "From: Alice <" ADDRESS ">\r\n"
    "To: conduct@example.net\r\n"
    "Message-ID: " MSGID "\r\n"
    "Subject: Report\r\n"
    "\r\n"
    PHRASE ".\r\n";
/* The same message as delivered again, with an extra trace header. */
static const char raw_a2[] =
    "Received: from relay\r\n"
    "From: Alice <" ADDRESS ">\r\n"
    "To: conduct@example.net\r\n"
    "Message-ID: " MSGID "\r\n"
    "Subject: Report\r\n"
    "\r\n"
    PHRASE ".\r\n";
static const char raw_b[] =
    "From: bob@example.org\r\n"
    "Subject: no message-id here\r\n"
    "\r\n"
    "Body B\r\n";
static const char raw_c[] =
    "From: carol@example.org\r\n"
    "Subject: also without a message-id\r\n"
    "\r\n"
    "Body C\r\n";

/* Copies and non-copies of one report under a reused Message-ID. */
#define COPY_MSGID	"<reused.4711@mail.example.org>"
#define COPY_HEAD							\
    "From: Dana <dana@example.org>\r\n"					\
    "To: conduct@example.net\r\n"					\
    "Message-ID: " COPY_MSGID "\r\n"					\
    "Subject: Report about\r\n the workshop\r\n"
static const char copy_orig[] =
    "Received: from a.example.org by mx.example.net; Mon, 1 Jan 2026\r\n"
    "\tby hop one\r\n"
    "Return-Path: <dana@example.org>\r\n"
    COPY_HEAD
    "\r\n"
    "It happened at the workshop.\r\n";
/* Other Received lines, reordered, plus mail-store headers. */
static const char copy_hops[] =
    "Delivered-To: conduct@example.net\r\n"
    "Received: from b.example.org by mx2.example.net\r\n"
    "Received: from a.example.org by relay.example.net\r\n"
    "ARC-Seal: i=1; a=rsa-sha256; cv=none\r\n"
    COPY_HEAD
    "X-Spam-Status: No\r\n"
    "X-UID: 77\r\n"
    "Status: RO\r\n"
    "\r\n"
    "It happened at the workshop.\r\n";
/* The same mail with LF line ends, unfolded differently. */
static const char copy_lf[] =
    "Received: from c.example.org\n"
    "From: Dana <dana@example.org>\n"
    "To: conduct@example.net\n"
    "Message-ID: " COPY_MSGID "\n"
    "Subject: Report about\n the workshop\n"
    "\n"
    "It happened at the workshop.\n";
/* A reused Message-ID, other text: a new report. */
static const char copy_other[] =
    "Received: from a.example.org by mx.example.net; Mon, 1 Jan 2026\r\n"
    COPY_HEAD
    "\r\n"
    "A second, different incident.\r\n";

static char *
tmppath(const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", tmpdir, name);
	return p;
}

static void
rmtree(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		*p;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Temp tables, sorts and VACUUM stay in memory: no file in /var/tmp. */
static void
test_temp_store(struct store *s)
{
	sqlite3_stmt	*st;

	CHECK_INTEQ(sqlite3_prepare_v2(s->db, "PRAGMA temp_store", -1, &st,
	    NULL), SQLITE_OK);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_ROW);
	CHECK_INTEQ(sqlite3_column_int(st, 0), 2);	/* 2 = MEMORY */
	sqlite3_finalize(st);
	CHECK_INTEQ(sqlite3_exec(s->db, "VACUUM", NULL, NULL, NULL),
	    SQLITE_OK);
}

static struct store *
open_ok(const char *path, const struct crypto_key *key)
{
	struct store	*s;
	char		*err = NULL;

	s = store_open(path, key, &err);
	CHECK(s != NULL);
	if (s == NULL) {
		fprintf(stderr, "store_open: %s\n", err);
		exit(harness_done());
	}
	return s;
}

static int
add_in(struct store *s, const char *mailbox, uint32_t uidvalidity,
    uint32_t uid, const char *msgid, const char *raw, int64_t *id,
    int64_t *dup_of)
{
	struct store_msg_new	m;

	memset(&m, 0, sizeof(m));
	m.mailbox = mailbox;
	m.uidvalidity = uidvalidity;
	m.uid = uid;
	m.message_id = msgid;
	m.raw = raw;
	m.rawlen = strlen(raw);
	m.size = strlen(raw) + 1000;
	m.truncated = 1;
	m.received = 1700000000 + uid;
	m.warnings = "no-date,bad-charset";
	return store_message_add(s, &m, id, dup_of);
}

static int
add(struct store *s, uint32_t uidvalidity, uint32_t uid, const char *msgid,
    const char *raw, int64_t *id, int64_t *dup_of)
{
	return add_in(s, "INBOX", uidvalidity, uid, msgid, raw, id, dup_of);
}

static int
count_cb(const struct store_msg_info *info, void *arg)
{
	int	*c = arg;

	c[0]++;
	if (info->dup_of != 0)
		c[1]++;
	if (info->state == STORE_MSG_PROCESSED)
		c[2]++;
	if (info->id <= c[3])
		c[4]++;		/* out of id order */
	c[3] = (int)info->id;
	return 0;
}

static int
stop_cb(const struct store_msg_info *info, void *arg)
{
	(void)info;
	(*(int *)arg)++;
	return -1;
}

static int
count_rows(struct store *s)
{
	int	c[5] = { 0, 0, 0, 0, 0 };

	if (store_message_foreach(s, count_cb, c) == -1)
		return -1;
	return c[0];
}

static int
file_has(const char *path, const char *needle)
{
	char	*p;
	size_t	 len;
	int	 found;

	if ((p = harness_slurp(path, &len)) == NULL)
		return 0;
	found = memmem(p, len, needle, strlen(needle)) != NULL;
	free(p);
	return found;
}

static void
test_mailbox(struct store *s)
{
	uint32_t	uv = 1, last = 1;

	CHECK_INTEQ(store_mailbox_get(s, "INBOX", &uv, &last), 0);
	CHECK_INTEQ(store_mailbox_set(s, "INBOX", 7, 100), 0);
	CHECK_INTEQ(store_mailbox_get(s, "INBOX", &uv, &last), 1);
	CHECK_INTEQ(uv, 7);
	CHECK_INTEQ(last, 100);
	CHECK_INTEQ(store_mailbox_set(s, "INBOX", 4000000000U, 4000000001U),
	    0);
	CHECK_INTEQ(store_mailbox_get(s, "INBOX", &uv, &last), 1);
	CHECK_INTEQ(uv, 4000000000U);
	CHECK_INTEQ(last, 4000000001U);
	CHECK_INTEQ(store_mailbox_get(s, "Other", &uv, &last), 0);
	CHECK_INTEQ(store_mailbox_set(s, "INBOX", 7, 100), 0);
}

static void
check_raw(struct store *s, int64_t id, const char *want)
{
	struct store_msg_info	 info;
	void			*raw;
	size_t			 len;

	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, &info), 0);
	CHECK_INTEQ(len, strlen(want));
	CHECK(raw != NULL && memcmp(raw, want, len) == 0);
	CHECK_INTEQ(info.id, id);
	CHECK_INTEQ(info.dup_of, 0);
	CHECK_INTEQ(info.stored_size, strlen(want));
	CHECK_INTEQ(info.size, strlen(want) + 1000);
	CHECK_INTEQ(info.truncated, 1);
	CHECK_STREQ(info.warnings, "no-date,bad-charset");
	if (raw != NULL) {
		crypto_wipe(raw, len);
		free(raw);
	}
}

/* Returns the id of the first message, for the later tests. */
static int64_t
test_messages(struct store *s)
{
	struct store_msg_info	 info;
	int64_t			 a, b, id, dup;
	void			*raw;
	size_t			 len;
	int			 rows;

	CHECK_INTEQ(add(s, 1, 10, MSGID, raw_a, &a, &dup), 0);
	CHECK(a > 0);
	CHECK_INTEQ(dup, 0);
	check_raw(s, a, raw_a);
	CHECK_INTEQ(store_message_raw(s, a, &raw, &len, NULL), 0);
	CHECK(raw != NULL && ((char *)raw)[len] == '\0');
	free(raw);
	rows = count_rows(s);
	CHECK_INTEQ(rows, 1);

	/* The same UID again: nothing new, *dup_of is the row itself. */
	CHECK_INTEQ(add(s, 1, 10, MSGID, raw_a, &id, &dup), 0);
	CHECK_INTEQ(id, a);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(count_rows(s), 1);

	/* Same Message-ID under a new UID, other bytes: a duplicate. */
	CHECK_INTEQ(add(s, 1, 11, MSGID, raw_a2, &id, &dup), 0);
	CHECK(id != a);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, &info), 1);
	CHECK(raw == NULL);
	CHECK_INTEQ(info.dup_of, a);
	CHECK_INTEQ(info.stored_size, 0);
	CHECK_INTEQ(info.uid, 11);

	/* Same bytes, no Message-ID: a duplicate by content. */
	CHECK_INTEQ(add(s, 1, 12, NULL, raw_b, &b, &dup), 0);
	CHECK_INTEQ(dup, 0);
	check_raw(s, b, raw_b);
	CHECK_INTEQ(add(s, 1, 13, "", raw_b, &id, &dup), 0);
	CHECK_INTEQ(dup, b);
	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, NULL), 1);

	/* Other bytes, no Message-ID: new content (empty ids never match). */
	CHECK_INTEQ(add(s, 1, 14, "", raw_c, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	check_raw(s, id, raw_c);

	/* UIDVALIDITY changed: the same mail under new UIDs is all dups. */
	CHECK_INTEQ(add(s, 2, 1, MSGID, raw_a, &id, &dup), 0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(add(s, 2, 2, MSGID, raw_a2, &id, &dup), 0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(add(s, 2, 3, NULL, raw_b, &id, &dup), 0);
	CHECK_INTEQ(dup, b);
	CHECK_INTEQ(add(s, 2, 4, NULL, raw_b, &id, &dup), 0);
	CHECK_INTEQ(dup, b);

	/* Missing rows. */
	CHECK_INTEQ(store_message_raw(s, 9999, &raw, &len, &info), 1);
	CHECK(raw == NULL);
	CHECK_INTEQ(count_rows(s), 9);
	return a;
}

static void
dedupe_to_buf(void *arg, const char *p, size_t n)
{
	buf_add(arg, p, n);
}

/* add() with the raw in a buffer of cap bytes it may be sealed in. */
static int
add_buf(struct store *s, uint32_t uid, char *buf, size_t cap, int64_t *id,
    int64_t *dup_of)
{
	struct store_msg_new	m;

	memset(&m, 0, sizeof(m));
	m.mailbox = "INBOX";
	m.uidvalidity = 4242;
	m.uid = uid;
	m.raw = buf;
	m.rawlen = strlen(buf);
	m.raw_buf = buf;
	m.raw_cap = cap;
	m.size = strlen(buf) + 1000;
	m.truncated = 1;
	m.warnings = "no-date,bad-charset";
	return store_message_add(s, &m, id, dup_of);
}

/*
 * A raw whose buffer has room is sealed over itself (issue 13): the
 * buffer then holds none of it, and the stored message reads back
 * whole.  Without room, or as a copy, the buffer is left as it was.
 */
static void
test_seal_in_place(struct store *s)
{
	static const char	 text[] = "From: e@example.org\r\n"
	    "Subject: in place\r\n\r\nSealed where it was fetched.\r\n";
	char			*buf;
	size_t			 cap;
	int64_t			 id, dup;

	cap = sizeof(text) + CRYPTO_SEAL_OVERHEAD;
	buf = xmalloc(cap);
	memcpy(buf, text, sizeof(text));
	CHECK_INTEQ(add_buf(s, 1, buf, cap, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK(memmem(buf, cap, "Sealed where", 12) == NULL);
	check_raw(s, id, text);
	/* The same bytes again: a copy, not sealed, the buffer untouched. */
	memcpy(buf, text, sizeof(text));
	CHECK_INTEQ(add_buf(s, 2, buf, cap, &id, &dup), 0);
	CHECK(dup != 0);
	CHECK_STREQ(buf, text);
	free(buf);
	/* No room: sealed by copy. */
	buf = xstrdup("From: f@example.org\r\n\r\nNo room here.\r\n");
	CHECK_INTEQ(add_buf(s, 3, buf, strlen(buf) + 1, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK_STREQ(buf, "From: f@example.org\r\n\r\nNo room here.\r\n");
	check_raw(s, id, buf);
	free(buf);
}

/* The dedupe form: trace fields out, unfolded, LF line ends. */
static void
test_dedupe_form(void)
{
	struct buf	 fed;
	char		*f;
	size_t		 len;

	f = dedupe_form(copy_orig, strlen(copy_orig), &len);
	CHECK_STREQ(f, "From: Dana <dana@example.org>\n"
	    "To: conduct@example.net\n"
	    "Message-ID: " COPY_MSGID "\n"
	    "Subject: Report about the workshop\n"
	    "\n"
	    "It happened at the workshop.\n");
	CHECK_INTEQ(len, strlen(f));
	free(f);
	f = dedupe_form("X-Sieve: x\r\nSubject: s", 22, &len);
	CHECK_STREQ(f, "Subject: s\n\n");
	free(f);
	/* Fed a piece at a time, the form is the same bytes. */
	buf_init(&fed);
	dedupe_form_feed(copy_orig, strlen(copy_orig), dedupe_to_buf, &fed);
	f = dedupe_form(copy_orig, strlen(copy_orig), &len);
	CHECK_INTEQ((long long)fed.len, (long long)len);
	CHECK(fed.len == len && memcmp(fed.data, f, len) == 0);
	free(f);
	buf_free(&fed);
	CHECK(dedupe_trace_field("received", 8));
	CHECK(dedupe_trace_field("ARC-Message-Signature", 21));
	CHECK(dedupe_trace_field("X-Virus-Scanned", 15));
	CHECK(!dedupe_trace_field("Received-By-Human", 17));
	CHECK(!dedupe_trace_field("Subject", 7));
	CHECK(!dedupe_trace_field("ARC", 3));
}

/*
 * A Message-ID is a copy only with the same content, trace headers,
 * their order, folding and line ends aside; a reused one is new.
 */
static void
test_copies(struct store *s)
{
	int64_t	 a, id, dup;

	CHECK_INTEQ(add(s, 9, 1, COPY_MSGID, copy_orig, &a, &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK_INTEQ(add(s, 9, 2, COPY_MSGID, copy_hops, &id, &dup), 0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(add(s, 9, 3, COPY_MSGID, copy_lf, &id, &dup), 0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(add(s, 9, 4, COPY_MSGID, copy_other, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	check_raw(s, id, copy_other);
	/* A copy of the second one is a copy of it, not of the first. */
	CHECK_INTEQ(add(s, 9, 5, COPY_MSGID, copy_other, &a, &dup), 0);
	CHECK_INTEQ(dup, id);
	/* The same content without the Message-ID is not the same mail. */
	CHECK_INTEQ(add(s, 9, 6, NULL, copy_orig, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
}

/*
 * Rows stored before schema 6 have no form_hash: they are copies only
 * byte for byte, and a reused Message-ID is new there too.  Such rows
 * are found when the database opens: only then is every new message's
 * raw content hashed too (an empty content_hash otherwise).  Returns the
 * store, reopened.
 */
static void	query1(const char *, const char *, char *, size_t);

static struct store *
test_old_rows(struct store *s, const char *db, const struct crypto_key *key)
{
	static const char	 old[] = "Received: from x\r\n"
	    "Message-ID: <old@x>\r\nSubject: old\r\n\r\nold body\r\n";
	unsigned char		 ch[CRYPTO_HASHBYTES];
	sqlite3			*h;
	sqlite3_stmt		*st;
	int64_t			 a, id, dup;
	char			 sql[96], got[16];

	CHECK_INTEQ(add(s, 10, 1, "<old@x>", old, &a, &dup), 0);
	snprintf(sql, sizeof(sql), "SELECT length(content_hash) FROM message "
	    "WHERE id = %lld", (long long)a);
	query1(db, sql, got, sizeof(got));
	CHECK_STREQ(got, "0");
	crypto_keyed_hash(key, "content", old, strlen(old), ch);
	CHECK_INTEQ(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	CHECK_INTEQ(sqlite3_prepare_v2(h, "UPDATE message SET form_hash = "
	    "NULL, content_hash = ?2 WHERE id = ?1", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_blob(st, 2, ch, sizeof(ch), SQLITE_STATIC);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	CHECK_INTEQ(sqlite3_changes(h), 1);
	sqlite3_close(h);
	store_close(s);
	s = open_ok(db, key);
	CHECK_INTEQ(add(s, 10, 2, "<old@x>", old, &id, &dup), 0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(add(s, 10, 3, "<old@x>", old + 18, &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	snprintf(sql, sizeof(sql), "SELECT length(content_hash) FROM message "
	    "WHERE id = %lld", (long long)id);
	query1(db, sql, got, sizeof(got));
	CHECK_STREQ(got, "32");
	CHECK_INTEQ(add(s, 10, 4, "<old@x>", "Message-ID: <old@x>\r\n\r\nnew",
	    &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	return s;
}

/*
 * The WAL is emptied by store_checkpoint, and a reader of another
 * connection keeps it without making the checkpoint wait.
 */
static void
test_wal(struct store *s, const char *db)
{
	struct stat	 st;
	sqlite3		*h;
	char		*wal, body[4096];
	int64_t		 id, dup;
	uint32_t	 uid;

	xasprintf(&wal, "%s-wal", db);
	memset(body, 'w', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	for (uid = 1; uid <= 50; uid++) {
		body[uid] = 'x';	/* each one new content */
		CHECK_INTEQ(add(s, 77, uid, NULL, body, &id, &dup), 0);
	}
	CHECK(stat(wal, &st) == 0 && st.st_size > 100 * 1024);
	CHECK_INTEQ(store_checkpoint(s), 0);
	CHECK(stat(wal, &st) == 0 && st.st_size == 0);

	CHECK_INTEQ(add(s, 77, 51, NULL, "one more", &id, &dup), 0);
	CHECK_INTEQ(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	CHECK_INTEQ(sqlite3_exec(h, "BEGIN; SELECT count(*) FROM message",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INTEQ(add(s, 77, 52, NULL, "and another", &id, &dup), 0);
	CHECK_INTEQ(store_checkpoint(s), 1);
	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(h);
	CHECK_INTEQ(store_checkpoint(s), 0);
	CHECK(stat(wal, &st) == 0 && st.st_size == 0);
	CHECK_INTEQ(store_fault_take(s), STORE_FAULT_NONE);
	CHECK_STREQ(store_strfault(STORE_FAULT_FULL), "disk full");
	free(wal);
}

/*
 * Two folders with one UIDVALIDITY (Cyrus does that): the same UID in
 * each is two messages, each with its own pending list and state.
 */
static void
test_mailboxes(struct store *s)
{
	uint32_t	*uids;
	size_t		 n;
	int64_t		 a, b, id, dup;

	CHECK_INTEQ(add_in(s, "Reports", 88, 1, NULL, "report one", &a,
	    &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK_INTEQ(add_in(s, "Alias", 88, 1, NULL, "report two", &b, &dup),
	    0);
	CHECK_INTEQ(dup, 0);
	CHECK(a != b);
	check_raw(s, b, "report two");
	CHECK_INTEQ(add_in(s, "Reports", 88, 1, NULL, "report one", &id,
	    &dup), 0);
	CHECK_INTEQ(id, a);
	CHECK_INTEQ(dup, a);
	/* The same mail in both folders is still one original. */
	CHECK_INTEQ(add_in(s, "Alias", 88, 2, NULL, "report one", &id, &dup),
	    0);
	CHECK_INTEQ(dup, a);
	CHECK_INTEQ(store_message_pending(s, "Alias", 88, &uids, &n), 0);
	CHECK_INTEQ(n, 2);
	free(uids);
	CHECK_INTEQ(store_message_set_processed(s, "Reports", 88,
	    (const uint32_t[]){ 1, 2 }, 2), 0);
	CHECK_INTEQ(store_message_pending(s, "Reports", 88, &uids, &n), 0);
	CHECK_INTEQ(n, 0);
	CHECK_INTEQ(store_message_pending(s, "Alias", 88, &uids, &n), 0);
	CHECK_INTEQ(n, 2);
	CHECK(n != 2 || (uids[0] == 1 && uids[1] == 2));
	free(uids);
	CHECK_INTEQ(store_message_set_processed(s, "Alias", 88,
	    (const uint32_t[]){ 1, 2 }, 2), 0);
}

/* The content of row id opens and is want. */
static void
check_open(struct store *s, int64_t id, const char *want)
{
	void	*raw;
	size_t	 len;

	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, NULL), 0);
	CHECK_INTEQ(len, strlen(want));
	CHECK(raw != NULL && len == strlen(want) &&
	    memcmp(raw, want, len) == 0);
	free(raw);
}

/* A database at schema version, made by the migrations of this store. */
static sqlite3 *
make_at(const char *path, int version)
{
	sqlite3	*h;
	char	 sql[64];
	int	 v;

	unlink(path);
	CHECK_INTEQ(sqlite3_open(path, &h), SQLITE_OK);
	for (v = 0; v < version; v++)
		CHECK_INTEQ(sqlite3_exec(h, store_migration_sql(v), NULL,
		    NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	CHECK_INTEQ(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	return h;
}

/* A database at schema 7. */
static sqlite3 *
make_v7(const char *path)
{
	return make_at(path, 7);
}

/* A schema-7 message row, sealed as schema 7 sealed them. */
static void
v7_message(sqlite3 *h, const struct crypto_key *key, int64_t id,
    uint32_t uv, uint32_t uid, const char *raw, int64_t dup_of)
{
	sqlite3_stmt	*st;
	unsigned char	 hash[CRYPTO_HASHBYTES];
	char		 ad[64];
	void		*blob = NULL;
	size_t		 len = 0;

	memset(hash, (int)id, sizeof(hash));
	if (raw != NULL) {
		snprintf(ad, sizeof(ad), "message:%u:%u", uv, uid);
		blob = crypto_seal(key, raw, strlen(raw), ad, &len);
	}
	CHECK_INTEQ(sqlite3_prepare_v2(h, "INSERT INTO message (id, "
	    "uidvalidity, uid, content_hash, received, size, stored_size, "
	    "dup_of, raw, state, moved_folder, moved_uid) VALUES (?1, ?2, ?3, "
	    "?4, 1700000000, 10, 10, ?5, ?6, 'processed', 'Processed', ?3)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, uv);
	sqlite3_bind_int64(st, 3, uid);
	sqlite3_bind_blob(st, 4, hash, sizeof(hash), SQLITE_TRANSIENT);
	if (dup_of != 0)
		sqlite3_bind_int64(st, 5, dup_of);
	if (blob != NULL)
		sqlite3_bind_blob(st, 6, blob, (int)len, SQLITE_TRANSIENT);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	free(blob);
}

/* One text or integer value of a query, as text ("" when none). */
static void
query1(const char *db, const char *sql, char *out, size_t size)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	const char	*v;

	out[0] = '\0';
	CHECK_INTEQ(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	CHECK_INTEQ(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (v = (const char *)sqlite3_column_text(st, 0)) != NULL)
		snprintf(out, size, "%s", v);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

/*
 * Schema 7 to 8 with rows: every row, id, reference and sealed blob is
 * kept; rows get their mailbox (the only one known), and the UID is
 * unique per mailbox from then on.
 */
static void
test_migrate_v7(const struct crypto_key *key)
{
	struct store	*s;
	sqlite3		*h;
	char		*db, got[2048];
	int64_t		 id, dup;

	db = tmppath("v7.db");
	h = make_v7(db);
	CHECK_INTEQ(sqlite3_exec(h,
	    "INSERT INTO mailbox VALUES ('Reports', 5, 12);"
	    "INSERT INTO cases (id, code_name, received, report_message) "
	    "VALUES (3, 'amber-otter', 1700000000, 10);", NULL, NULL, NULL),
	    SQLITE_OK);
	v7_message(h, key, 10, 5, 11, "the old report", 0);
	v7_message(h, key, 11, 5, 12, NULL, 10);
	CHECK_INTEQ(sqlite3_exec(h, "UPDATE message SET case_id = 3, kind = "
	    "'report' WHERE id = 10", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);

	s = open_ok(db, key);
	CHECK_INTEQ(store_schema_version(s), STORE_SCHEMA_VERSION);
	query1(db, "SELECT group_concat(id || ':' || mailbox || ':' || "
	    "uidvalidity || ':' || uid || ':' || state || ':' || "
	    "coalesce(dup_of, '-') || ':' || coalesce(case_id, '-') || ':' || "
	    "coalesce(kind, '-') || ':' || moved_folder || ':' || moved_uid, "
	    "' ') FROM message ORDER BY id", got, sizeof(got));
	CHECK_STREQ(got, "10:Reports:5:11:processed:-:3:report:Processed:11 "
	    "11:Reports:5:12:processed:10:-:-:Processed:12");
	query1(db, "SELECT report_message FROM cases WHERE id = 3", got,
	    sizeof(got));
	CHECK_STREQ(got, "10");
	query1(db, "SELECT count(*) FROM pragma_foreign_key_check", got,
	    sizeof(got));
	CHECK_STREQ(got, "0");
	query1(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM "
	    "sqlite_master WHERE tbl_name = 'message' AND type = 'index' AND "
	    "name NOT LIKE 'sqlite_%' ORDER BY name)", got, sizeof(got));
	CHECK_STREQ(got, "message_case message_content_hash message_dup_of "
	    "message_form_hash message_held message_kind message_msgid_hash "
	    "message_pending message_server_age message_server_purge");
	query1(db, "SELECT sql FROM sqlite_master WHERE name = 'cases'", got,
	    sizeof(got));
	CHECK_STRSTR(got, "REFERENCES message(id)");
	check_open(s, 10, "the old report");
	/* Known in its own mailbox; the same UID elsewhere is new. */
	CHECK_INTEQ(add_in(s, "Reports", 5, 11, NULL, "the old report", &id,
	    &dup), 0);
	CHECK_INTEQ(id, 10);
	CHECK_INTEQ(dup, 10);
	CHECK_INTEQ(add_in(s, "Alias", 5, 11, NULL, "a new report", &id,
	    &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK(id > 11);
	check_raw(s, id, "a new report");
	store_close(s);
	free(db);
}

/* Opens a case with the language guess (lang NULL: none). */
static int64_t
lang_case(struct store *s, const char *code, const char *lang, int conf)
{
	struct store_case_new	c;
	int64_t			id = 0;

	memset(&c, 0, sizeof(c));
	c.code_name = code;
	c.received = 1700000000;
	c.fields = "";
	c.lang = lang;
	c.lang_confidence = conf;
	CHECK_INTEQ(store_case_add(s, &c, &id), 0);
	return id;
}

/*
 * Schema 15 to 16: a case from before has no language guess (-1); the
 * guess of a new case, and its later change, round-trip.
 */
static void
test_lang(const struct crypto_key *key)
{
	struct store		*s;
	struct store_case	 sc;
	sqlite3			*h;
	char			*db;
	int64_t			 ko, none, empty;

	db = tmppath("v15.db");
	h = make_at(db, 15);
	CHECK_INTEQ(sqlite3_exec(h, "INSERT INTO cases (id, code_name, "
	    "received) VALUES (3, 'amber-otter', 1700000000);", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	s = open_ok(db, key);
	CHECK_INTEQ(store_schema_version(s), STORE_SCHEMA_VERSION);
	CHECK_INTEQ(store_case_get(s, 3, &sc), 1);
	CHECK_STREQ(sc.code_name, "amber-otter");
	CHECK_STREQ(sc.lang, "");
	CHECK_INTEQ(sc.lang_confidence, -1);
	ko = lang_case(s, "lang-ko", "ko", 92);
	none = lang_case(s, "lang-none", NULL, 0);
	empty = lang_case(s, "lang-empty", "", 0);
	CHECK_INTEQ(store_case_get(s, ko, &sc), 1);
	CHECK_STREQ(sc.lang, "ko");
	CHECK_INTEQ(sc.lang_confidence, 92);
	/* The statement's bindings do not carry over to the next case. */
	CHECK_INTEQ(store_case_get(s, none, &sc), 1);
	CHECK_STREQ(sc.lang, "");
	CHECK_INTEQ(sc.lang_confidence, -1);
	CHECK_INTEQ(store_case_get(s, empty, &sc), 1);
	CHECK_STREQ(sc.lang, "");
	CHECK_INTEQ(sc.lang_confidence, 0);
	CHECK_INTEQ(store_case_set_lang(s, ko, "en", 41), 0);
	CHECK_INTEQ(store_case_set_lang(s, 3, "ja", 88), 0);
	store_close(s);
	s = open_ok(db, key);
	CHECK_INTEQ(store_case_get(s, ko, &sc), 1);
	CHECK_STREQ(sc.lang, "en");
	CHECK_INTEQ(sc.lang_confidence, 41);
	CHECK_INTEQ(store_case_by_code(s, "amber-otter", &sc), 1);
	CHECK_STREQ(sc.lang, "ja");
	CHECK_INTEQ(sc.lang_confidence, 88);
	store_close(s);
	free(db);
}

/*
 * With several mailboxes a row takes the only one with its UIDVALIDITY;
 * where several share it the row's folder is unknown: '', matched by no
 * mailbox, so a new message there is never taken for it.
 */
static void
test_migrate_v7_shared(const struct crypto_key *key)
{
	struct store	*s;
	sqlite3		*h;
	char		*db, got[2048];
	int64_t		 id, dup;

	db = tmppath("v7b.db");
	h = make_v7(db);
	CHECK_INTEQ(sqlite3_exec(h,
	    "INSERT INTO mailbox VALUES ('INBOX', 5, 3);"
	    "INSERT INTO mailbox VALUES ('Reports', 5, 9);"
	    "INSERT INTO mailbox VALUES ('Old', 9, 4);", NULL, NULL, NULL),
	    SQLITE_OK);
	v7_message(h, key, 1, 5, 2, "shared uidvalidity", 0);
	v7_message(h, key, 2, 9, 4, "only in Old", 0);
	sqlite3_close(h);
	s = open_ok(db, key);
	query1(db, "SELECT group_concat(id || '=' || mailbox, ' ') FROM "
	    "message ORDER BY id", got, sizeof(got));
	CHECK_STREQ(got, "1= 2=Old");
	check_open(s, 1, "shared uidvalidity");
	check_open(s, 2, "only in Old");
	CHECK_INTEQ(add_in(s, "INBOX", 5, 2, NULL, "new in INBOX", &id, &dup),
	    0);
	CHECK_INTEQ(dup, 0);
	CHECK(id > 2);
	/* A copy of the unplaced row is still caught by its content. */
	CHECK_INTEQ(add_in(s, "Reports", 5, 2, NULL, "shared uidvalidity",
	    &id, &dup), 0);
	CHECK(dup == 0 || dup == 1);
	store_close(s);
	free(db);
}

/* A message table with a column schema 7 lacks is not rebuilt. */
static void
test_migrate_v7_guard(const struct crypto_key *key)
{
	struct store	*s;
	sqlite3		*h;
	char		*db, *err = NULL, got[64];

	db = tmppath("v7c.db");
	h = make_v7(db);
	CHECK_INTEQ(sqlite3_exec(h, "ALTER TABLE message ADD COLUMN extra "
	    "TEXT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	s = store_open(db, key, &err);
	CHECK(s == NULL);
	CHECK_STRSTR(err, "message_has_the_19_columns_of_schema_7");
	store_close(s);
	free(err);
	query1(db, "PRAGMA user_version", got, sizeof(got));
	CHECK_STREQ(got, "7");
	free(db);
}

static void
check_pending(struct store *s, uint32_t uidvalidity, const uint32_t *want,
    size_t nwant)
{
	uint32_t	*uids;
	size_t		 n;

	CHECK_INTEQ(store_message_pending(s, "INBOX", uidvalidity, &uids, &n),
	    0);
	CHECK_INTEQ(n, nwant);
	CHECK(n != nwant || n == 0 ||
	    memcmp(uids, want, n * sizeof(*uids)) == 0);
	free(uids);
}

static void
test_states(struct store *s)
{
	static const uint32_t	 all1[] = { 10, 11, 12, 13, 14 };
	static const uint32_t	 left1[] = { 11, 13 };
	static const uint32_t	 done1[] = { 10, 12, 14, 999 };
	static const uint32_t	 all2[] = { 1, 2, 3, 4 };
	int			 c[5] = { 0, 0, 0, 0, 0 }, stops = 0;

	CHECK_STREQ(store_strstate(STORE_MSG_STORED), "stored");
	CHECK_STREQ(store_strstate(STORE_MSG_PROCESSED), "processed");
	check_pending(s, 1, all1, 5);
	check_pending(s, 2, all2, 4);
	check_pending(s, 3, NULL, 0);
	CHECK_INTEQ(store_message_set_processed(s, "INBOX", 1, done1, 4), 0);
	CHECK_INTEQ(store_message_set_processed(s, "INBOX", 1, NULL,
	    0), 0);
	check_pending(s, 1, left1, 2);
	check_pending(s, 2, all2, 4);

	CHECK_INTEQ(store_message_foreach(s, count_cb, c), 0);
	CHECK_INTEQ(c[0], 9);	/* rows */
	CHECK_INTEQ(c[1], 6);	/* duplicates */
	CHECK_INTEQ(c[2], 3);	/* processed */
	CHECK_INTEQ(c[4], 0);	/* out of order */
	CHECK_INTEQ(store_message_foreach(s, stop_cb, &stops), -1);
	CHECK_INTEQ(stops, 1);
}

static void
test_transactions(struct store *s)
{
	int64_t	id, dup;
	int	rows;

	rows = count_rows(s);
	CHECK_INTEQ(store_begin(s), 0);
	CHECK_INTEQ(add(s, 5, 1, "<rolled@back>", "rolled back", &id, &dup),
	    0);
	CHECK_INTEQ(store_mailbox_set(s, "Rolled", 1, 1), 0);
	CHECK_INTEQ(count_rows(s), rows + 1);
	store_rollback(s);
	CHECK_INTEQ(count_rows(s), rows);
	store_rollback(s);	/* none open: harmless */

	CHECK_INTEQ(store_begin(s), 0);
	CHECK_INTEQ(add(s, 5, 1, "<kept@here>", "kept", &id, &dup), 0);
	CHECK_INTEQ(dup, 0);
	CHECK_INTEQ(store_commit(s), 0);
	CHECK_INTEQ(count_rows(s), rows + 1);
}

/* Nothing from a message may appear in the files, WAL included. */
static void
test_no_cleartext(const char *db)
{
	static const char *const secrets[] = {
		PHRASE, "purple giraffe", MSGID, "8f2c1e.incident", ADDRESS,
		"alice.reporter", "Body B", "carol@example.org",
	};
	char	*wal;
	size_t	 i;
	int	 found;

	xasprintf(&wal, "%s-wal", db);
	/* The scan does see the files: the mailbox name is in clear. */
	CHECK(file_has(db, "INBOX") || file_has(wal, "INBOX"));
	CHECK(file_has(db, "no-date,bad-charset") ||
	    file_has(wal, "no-date,bad-charset"));
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		found = file_has(db, secrets[i]) || file_has(wal, secrets[i]);
		CHECK(!found);
		if (found)
			fprintf(stderr, "  found \"%s\"\n", secrets[i]);
	}
	free(wal);
}

static void
test_modes(const char *db)
{
	const char	*suffix[] = { "", "-wal", "-shm" };
	struct stat	 st;
	char		*p;
	size_t		 i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		xasprintf(&p, "%s%s", db, suffix[i]);
		CHECK_INTEQ(stat(p, &st), 0);
		CHECK_INTEQ(st.st_mode & 077, 0);
		free(p);
	}
}

/* Changes the sealed blob of row id through a second connection. */
static void
tamper(const char *db, int64_t id, int truncate)
{
	sqlite3		*h;
	sqlite3_stmt	*st;
	unsigned char	*blob = NULL;
	int		 len = 0;

	CHECK_INTEQ(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	CHECK_INTEQ(sqlite3_prepare_v2(h,
	    "SELECT raw FROM message_raw WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_ROW);
	len = sqlite3_column_bytes(st, 0);
	CHECK(len > 41);
	blob = xmemdup(sqlite3_column_blob(st, 0), (size_t)len);
	sqlite3_finalize(st);

	if (truncate)
		len -= 1;
	else
		blob[len / 2] ^= 0x04;
	CHECK_INTEQ(sqlite3_prepare_v2(h,
	    "UPDATE message_raw SET raw = ?1 WHERE id = ?2", -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_blob(st, 1, blob, len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	CHECK_INTEQ(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
	free(blob);
}

static void
test_tamper(struct store *s, const char *db)
{
	int64_t	 id, dup;
	void	*raw;
	size_t	 len;

	CHECK_INTEQ(add(s, 6, 1, "<t1@x>", "tamper me", &id, &dup), 0);
	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, NULL), 0);
	free(raw);
	tamper(db, id, 0);
	raw = (void *)1;
	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, NULL), -1);
	CHECK(raw == NULL);

	CHECK_INTEQ(add(s, 6, 2, "<t2@x>", "truncate me", &id, &dup), 0);
	tamper(db, id, 1);
	CHECK_INTEQ(store_message_raw(s, id, &raw, &len, NULL), -1);
}

static void
test_refused(const struct crypto_key *key)
{
	sqlite3	*h;
	FILE	*f;
	char	*path, *err = NULL;

	path = tmppath("future.db");
	CHECK_INTEQ(sqlite3_open(path, &h), SQLITE_OK);
	CHECK_INTEQ(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	CHECK(store_open(path, key, &err) == NULL);
	CHECK_STRSTR(err, "newer");
	CHECK_STRSTR(err, "99");
	CHECK_STRSTR(err, path);
	free(err);
	free(path);

	path = tmppath("garbage.db");
	f = fopen(path, "w");
	fputs("this is not an SQLite database, not even close to one....\n"
	    "this is not an SQLite database, not even close to one....\n",
	    f);
	fclose(f);
	err = NULL;
	CHECK(store_open(path, key, &err) == NULL);
	CHECK_STRSTR(err, path);
	free(err);
	free(path);

	path = tmppath("no/such/dir.db");
	err = NULL;
	CHECK(store_open(path, key, &err) == NULL);
	CHECK_STRSTR(err, path);
	free(err);
	free(path);
}

/*
 * Failed fetches of one UID count across a reopen (a restart); the third
 * holds it, held UIDs are listed per mailbox and UIDVALIDITY, a release
 * lets it be tried again, and a fetch that worked forgets it.
 */
static void
test_imap_held(const char *db, const struct crypto_key *key)
{
	struct store_imap_held	*v;
	struct store		*s;
	uint32_t		*uids;
	size_t			 n;
	int			 tries;

	s = open_ok(db, key);
	CHECK_INTEQ(store_imap_tries(s, "INBOX", 9, 5, &tries), 0);
	CHECK_INTEQ(tries, 0);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "fetch failed",
	    3, &tries), 0);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "fetch failed",
	    3, &tries), 0);
	CHECK_INTEQ(tries, 2);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 6, "other", 3,
	    &tries), 0);
	store_close(s);

	s = open_ok(db, key);
	CHECK_INTEQ(store_imap_tries(s, "INBOX", 9, 5, &tries), 0);
	CHECK_INTEQ(tries, 2);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "timed out", 3,
	    &tries), 1);
	CHECK_INTEQ(tries, 3);
	/* Once held, another failure does not hold it again. */
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "timed out", 3,
	    &tries), 0);
	CHECK_INTEQ(store_imap_held_uids(s, "INBOX", 9, &uids, &n), 0);
	CHECK_INTEQ(n, 1);
	if (n == 1)
		CHECK_INTEQ(uids[0], 5);
	free(uids);
	CHECK_INTEQ(store_imap_held_uids(s, "Other", 9, &uids, &n), 0);
	CHECK_INTEQ(n, 0);
	free(uids);
	CHECK_INTEQ(store_imap_held_uids(s, "INBOX", 10, &uids, &n), 0);
	CHECK_INTEQ(n, 0);
	free(uids);

	CHECK_INTEQ(store_imap_held_list(s, &v, &n), 0);
	CHECK_INTEQ(n, 1);
	if (n == 1) {
		CHECK_STREQ(v[0].mailbox, "INBOX");
		CHECK_INTEQ(v[0].uidvalidity, 9);
		CHECK_INTEQ(v[0].uid, 5);
		CHECK_STREQ(v[0].reason, "timed out");
		CHECK(v[0].held_at > 0);
		CHECK_INTEQ(store_imap_held_release(s, v[0].id), 1);
		CHECK_INTEQ(store_imap_held_release(s, v[0].id), 0);
	}
	store_imap_held_free(v, n);
	CHECK_INTEQ(store_imap_held_uids(s, "INBOX", 9, &uids, &n), 0);
	CHECK_INTEQ(n, 0);
	free(uids);
	CHECK_INTEQ(store_imap_tries(s, "INBOX", 9, 5, &tries), 0);
	CHECK_INTEQ(tries, 0);
	/* Released, it has its tries anew. */
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "again", 3,
	    &tries), 0);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "again", 3,
	    &tries), 0);
	CHECK_INTEQ(store_imap_fetch_failed(s, "INBOX", 9, 5, "again", 3,
	    &tries), 1);
	CHECK_INTEQ(store_imap_held_release(s, 999999), 0);
	CHECK_INTEQ(store_imap_fetched(s, "INBOX", 9, 5), 0);
	CHECK_INTEQ(store_imap_tries(s, "INBOX", 9, 5, &tries), 0);
	CHECK_INTEQ(tries, 0);
	CHECK_INTEQ(store_imap_held_list(s, &v, &n), 0);
	CHECK_INTEQ(n, 0);
	store_imap_held_free(v, n);
	store_close(s);
}

/*
 * Server copies (store_server.c): none is due before it is moved; once
 * moved, one is due when stored at or before the cutoff, with the place
 * the server gave and the Message-ID opened; a copy without COPYUID has
 * no folder; one recorded gone is never due again and loses its
 * Message-ID; cutoff -1 (keep) makes none due by age.
 */
static void
test_server_copies(const struct crypto_key *key)
{
	struct store_server_copy	*v;
	struct store_moved		 mv;
	struct store			*s;
	uint32_t			 uids[2] = { 1, 2 };
	int64_t				 id1, id2, dup, due, kept;
	size_t				 n;
	char				*db;

	db = tmppath("server.db");
	s = open_ok(db, key);
	CHECK_INTEQ(add(s, 5, 1, "one@x.test", "Subject: one\r\n\r\n1",
	    &id1, &dup), 0);
	CHECK_INTEQ(add(s, 5, 2, NULL, "Subject: two\r\n\r\n2", &id2,
	    &dup), 0);
	CHECK_INTEQ(store_server_due(s, 1800000000, 10, &v, &n), 0);
	CHECK_INTEQ(n, 0);
	store_server_copies_free(v, n);
	mv.uid = 1;
	mv.folder = "Processed";
	mv.dest_uidvalidity = 77;
	mv.dest_uid = 41;
	CHECK_INTEQ(store_message_set_moved(s, "INBOX", 5, &mv, 1), 0);
	CHECK_INTEQ(store_message_set_processed(s, "INBOX", 5, uids, 2), 0);
	/* Stored at 1700000001 and 1700000002. */
	CHECK_INTEQ(store_server_due(s, 1700000001, 10, &v, &n), 0);
	CHECK_INTEQ(n, 1);
	if (n == 1) {
		CHECK_INTEQ(v[0].id, id1);
		CHECK_STREQ(v[0].folder, "Processed");
		CHECK_INTEQ(v[0].uidvalidity, 77);
		CHECK_INTEQ(v[0].uid, 41);
		CHECK_STREQ(v[0].msgid, "one@x.test");
		CHECK_INTEQ(v[0].purged, 0);
	}
	store_server_copies_free(v, n);
	CHECK_INTEQ(store_server_due(s, -1, 10, &v, &n), 0);
	CHECK_INTEQ(n, 0);
	store_server_copies_free(v, n);
	CHECK_INTEQ(store_server_waiting(s, 1700000001, &due, &kept), 0);
	CHECK_INTEQ(due, 1);
	CHECK_INTEQ(kept, 1);
	CHECK_INTEQ(store_server_gone(s, &id1, 1, 1700000100), 0);
	CHECK_INTEQ(store_server_due(s, 1800000000, 10, &v, &n), 0);
	CHECK_INTEQ(n, 1);
	if (n == 1) {
		CHECK_INTEQ(v[0].id, id2);
		CHECK(v[0].folder == NULL);
		CHECK_INTEQ(v[0].uid, 0);
		CHECK(v[0].msgid == NULL);
	}
	store_server_copies_free(v, n);
	CHECK_INTEQ(store_server_waiting(s, 1800000000, &due, &kept), 0);
	CHECK_INTEQ(due, 1);
	CHECK_INTEQ(kept, 0);
	store_close(s);
	free(db);
}

int
main(void)
{
	struct crypto_key	*key;
	struct store		*s;
	uint32_t		 uv, last;
	int64_t			 a;
	char			*keypath, *db, *err = NULL;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	keypath = tmppath("key");
	db = tmppath("conductd.db");
	if (crypto_key_create(keypath, &err) == -1 ||
	    (key = crypto_key_load(keypath, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}

	s = open_ok(db, key);
	CHECK_INTEQ(store_schema_version(s), STORE_SCHEMA_VERSION);
	test_modes(db);
	test_temp_store(s);
	test_mailbox(s);
	a = test_messages(s);
	test_states(s);
	test_transactions(s);
	test_no_cleartext(db);
	store_close(s);
	test_no_cleartext(db);

	/* Reopen: same version, data kept. */
	s = open_ok(db, key);
	CHECK_INTEQ(store_schema_version(s), STORE_SCHEMA_VERSION);
	CHECK_INTEQ(store_mailbox_get(s, "INBOX", &uv, &last), 1);
	CHECK_INTEQ(uv, 7);
	CHECK_INTEQ(last, 100);
	CHECK_INTEQ(count_rows(s), 10);
	check_raw(s, a, raw_a);
	test_tamper(s, db);
	test_dedupe_form();
	test_copies(s);
	s = test_old_rows(s, db, key);
	test_wal(s, db);
	test_mailboxes(s);
	test_seal_in_place(s);
	store_close(s);
	test_migrate_v7(key);
	test_migrate_v7_shared(key);
	test_migrate_v7_guard(key);
	test_lang(key);

	test_imap_held(db, key);
	test_server_copies(key);
	test_refused(key);
	crypto_key_free(key);
	free(keypath);
	free(db);
	rmtree(tmpdir);
	return harness_done();
}

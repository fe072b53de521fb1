/*
 * test-store_admin: purging closed cases (which cases qualify by status
 * and last activity, what goes, what stays, what the readers see after,
 * a second run) and the anonymous counts, on a database built through
 * the store API.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "crypto.h"
#include "store.h"
#include "xmalloc.h"

#define DAY	86400
#define T0	1790000000	/* 2026-09-21 */

static char	tmpdir[] = "/tmp/test-store_admin.XXXXXX";

/* One case: a report message, a sealed resolution, mail, a proposal. */
static int64_t
add_case(struct store *s, const char *code, uint32_t uid, time_t when,
    int urgent, const char *status)
{
	struct store_msg_new	 m;
	struct store_case_new	 c;
	struct store_outbox_new	 o;
	char			 raw[128];
	int64_t			 msg, dup, id, out, prop;

	snprintf(raw, sizeof(raw), "From: r%u@example.org\r\n\r\n"
	    "secret words %u\r\n", uid, uid);
	memset(&m, 0, sizeof(m));
	m.uidvalidity = 1;
	m.uid = uid;
	m.raw = raw;
	m.rawlen = m.size = strlen(raw);
	m.received = when;
	CHECK_INTEQ(store_message_add(s, &m, &msg, &dup), 0);
	memset(&c, 0, sizeof(c));
	c.code_name = code;
	c.received = when;
	c.urgent = urgent;
	c.report_message = msg;
	c.reporter = "r@example.org";
	c.fields = "location\0hall\0";
	c.fieldslen = 14;
	CHECK_INTEQ(store_case_add(s, &c, &id), 0);
	CHECK_INTEQ(store_message_set_kind(s, msg, "report", id), 0);
	CHECK_INTEQ(store_case_set_text(s, id, STORE_CASE_STATUS, status), 0);
	if (urgent)
		CHECK_INTEQ(store_case_set_text(s, id, STORE_CASE_RESOLUTION,
		    "a warning"), 0);
	memset(&o, 0, sizeof(o));
	o.case_id = id;
	o.kind = "ack";
	o.mail_from = "conduct@example.net";
	o.rcpt = "r@example.org";
	o.data = "Subject: ack\r\n\r\nthanks\r\n";
	o.len = strlen(o.data);
	o.message_id = code;
	o.now = when + DAY;
	CHECK_INTEQ(store_outbox_add(s, &o, &out), 0);
	CHECK_INTEQ(store_proposal_open(s, id, "close it", when, &prop), 0);
	CHECK_INTEQ(store_vote_set(s, prop, "m1", "yes"), 0);
	return id;
}

struct counts {
	char	text[256];
};

static int
count_cb(const char *key, int64_t n, void *arg)
{
	struct counts	*c = arg;
	size_t		 len = strlen(c->text);

	snprintf(c->text + len, sizeof(c->text) - len, "%s=%lld ", key,
	    (long long)n);
	return 0;
}

static const char *
counts(struct store *s, time_t since, enum store_count_by by,
    struct counts *c)
{
	c->text[0] = '\0';
	CHECK_INTEQ(store_case_count(s, since, by, count_cb, c), 0);
	return c->text;
}

static void
test_counts(struct store *s)
{
	struct counts	c;

	CHECK_STREQ(counts(s, 0, STORE_COUNT_ALL, &c), "cases=3 ");
	CHECK_STREQ(counts(s, T0 + 1, STORE_COUNT_ALL, &c), "cases=2 ");
	CHECK_STREQ(counts(s, 0, STORE_COUNT_MONTH, &c),
	    "2026-09=1 2026-11=1 2027-01=1 ");
	CHECK_STREQ(counts(s, 0, STORE_COUNT_STATUS, &c),
	    "closed=2 new=1 ");
	CHECK_STREQ(counts(s, 0, STORE_COUNT_URGENT, &c), "no=1 yes=2 ");
	CHECK_STREQ(counts(s, 0, STORE_COUNT_RESOLUTION, &c),
	    "with=2 without=1 ");
	CHECK_STREQ(counts(s, 0, STORE_COUNT_REPEAT, &c), "unknown=3 ");
}

/* Ids of the cases purge would take: "1 2 ". */
static const char *
candidates(struct store *s, time_t before, char *buf, size_t size)
{
	int64_t	*ids;
	size_t	 n, i;

	buf[0] = '\0';
	CHECK_INTEQ(store_purge_candidates(s, "closed", before, &ids, &n), 0);
	for (i = 0; i < n; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "%lld ",
		    (long long)ids[i]);
	free(ids);
	return buf;
}

static void
test_purge(struct store *s, int64_t a, int64_t b)
{
	struct store_purged	 p;
	struct store_outbox_row	 r;
	char			 buf[64], *from, *rcpt, *data, *text;
	void			*raw, *fields;
	size_t			 len;
	time_t			 when;
	int64_t			 prop;

	/* Last activity of a is its ack, a day after receipt. */
	CHECK_STREQ(candidates(s, T0 + DAY, buf, sizeof(buf)), "");
	CHECK_STREQ(candidates(s, T0 + DAY + 1, buf, sizeof(buf)), "1 ");
	CHECK_STREQ(candidates(s, T0 + 200 * DAY, buf, sizeof(buf)), "1 3 ");

	CHECK_INTEQ(store_case_purged(s, a, &when), 0);
	CHECK_INTEQ(store_begin(s), 0);
	CHECK_INTEQ(store_case_purge(s, a, T0 + 300 * DAY, &p), 0);
	CHECK_INTEQ(store_commit(s), 0);
	CHECK_INTEQ(p.messages, 1);
	CHECK_INTEQ(p.outbox, 1);
	CHECK_INTEQ(p.proposals, 1);
	CHECK_INTEQ(store_case_purged(s, a, &when), 1);
	CHECK_INTEQ(when, T0 + 300 * DAY);
	CHECK_INTEQ(store_case_purged(s, b, &when), 0);

	/* What readers see now: no content, and no errors. */
	CHECK_INTEQ(store_message_raw(s, 1, &raw, &len, NULL), 1);
	CHECK_INTEQ(store_case_fields(s, a, &fields, &len), 0);
	CHECK(fields == NULL);
	CHECK_INTEQ(store_case_reporter(s, a, &text), 0);
	CHECK(text == NULL);
	CHECK_INTEQ(store_case_get_sealed(s, a, STORE_CASE_RESOLUTION, &text),
	    0);
	CHECK(text == NULL);
	CHECK_INTEQ(store_proposal_current(s, a, &prop, &text), 0);
	CHECK_INTEQ(store_outbox_get(s, 1, &r, &from, &rcpt, &data, &len), 1);
	CHECK_STREQ(from, "");
	CHECK_STREQ(rcpt, "");
	CHECK_INTEQ(len, 0);
	free(from);
	free(rcpt);
	free(data);
	CHECK_INTEQ(store_outbox_msgid_known(s, "alpha-one"), 1);
	CHECK_INTEQ(store_outbox_sent_to_since(s, "ack", "r@example.org", 0),
	    1);	/* b's and c's acks still match */
	/* b is untouched. */
	CHECK_INTEQ(store_message_raw(s, 2, &raw, &len, NULL), 0);
	crypto_wipe(raw, len);
	free(raw);

	/* Skipped the second time; the counts stay. */
	CHECK_STREQ(candidates(s, T0 + 200 * DAY, buf, sizeof(buf)), "3 ");
	test_counts(s);
	CHECK_INTEQ(store_compact(s), 0);
}

int
main(void)
{
	struct crypto_key	*key;
	struct store		*s;
	int64_t			 a, b;
	char			*keypath, *db, *err = NULL;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	xasprintf(&keypath, "%s/key", tmpdir);
	xasprintf(&db, "%s/conductd.db", tmpdir);
	if (crypto_key_create(keypath, &err) == -1 ||
	    (key = crypto_key_load(keypath, &err)) == NULL ||
	    (s = store_open(db, key, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	a = add_case(s, "alpha-one", 1, T0, 1, "closed");
	b = add_case(s, "beta-two", 2, T0 + 60 * DAY, 0, "new");
	add_case(s, "gamma-three", 3, T0 + 120 * DAY, 1, "closed");
	test_counts(s);
	test_purge(s, a, b);
	store_close(s);

	crypto_key_free(key);
	unlink(keypath);
	unlink(db);
	free(keypath);
	xasprintf(&keypath, "%s-wal", db);
	unlink(keypath);
	free(keypath);
	xasprintf(&keypath, "%s-shm", db);
	unlink(keypath);
	free(keypath);
	free(db);
	rmdir(tmpdir);
	return harness_done();
}

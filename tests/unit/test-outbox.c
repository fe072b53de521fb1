/*
 * test-outbox: the outbox state machine with a scripted sender: sent,
 * deferred with exponential backoff (on a moved clock), refused for good,
 * an unreachable server ending the pass, the acknowledgment's time
 * recorded on its case, rows whose sealed content is damaged held while
 * the rows behind them go out; bounded resends (sends begun and not
 * confirmed, held at 3) and addresses scrubbed from the server's replies;
 * the first class alone between intake batches, and how long the daemon
 * may wait (not at all while due rows go out; no busy loop while the
 * server is unreachable); several connections at once, each row sent
 * once, acknowledgments started before case mail.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "harness_store.h"
#include "crypto.h"
#include "log.h"
#include "outbox.h"
#include "pgp.h"
#include "scrub.h"
#include "store.h"

static char	dir[] = "/tmp/test-outbox.XXXXXX";
static int	calls;
static int	server_down;
static int	hang_calls;	/* sends to hangup@ */
static char	last_data[256];
static char	sent_order[512];	/* the data of each call, in order */

/* The recipient's local part says what the fake server answers. */
static enum smtp_status
fake_send(const char *from, const char *rcpt, const char *data, size_t len,
    int *code, char **errstr, int *unsure, void *arg)
{
	(void)arg;
	calls++;
	*unsure = 0;
	snprintf(last_data, sizeof(last_data), "%.*s", (int)len, data);
	if (strlen(sent_order) + len + 2 < sizeof(sent_order)) {
		strncat(sent_order, data, len);
		strcat(sent_order, " ");
	}
	CHECK_STREQ(from, "conduct@example.test");
	*errstr = NULL;
	if (server_down) {
		*code = 0;
		*errstr = strdup("connection refused");
		return SMTP_TEMPFAIL;
	}
	if (strncmp(rcpt, "ok", 2) == 0) {
		*code = 250;
		return SMTP_OK;
	}
	if (strncmp(rcpt, "temp", 4) == 0) {
		*code = 451;
		*errstr = strdup("451 try later");
		return SMTP_TEMPFAIL;
	}
	if (strncmp(rcpt, "perm", 4) == 0) {
		*code = 550;
		*errstr = strdup("550 no such user");
		return SMTP_PERMFAIL;
	}
	if (strncmp(rcpt, "addr", 4) == 0) {
		*code = 550;
		*errstr = strdup("5.1.1 <addr@example.test>: Recipient address "
		    "rejected: User unknown (addr@example.test)");
		return SMTP_PERMFAIL;
	}
	if (strncmp(rcpt, "hangup", 6) == 0) {
		/* The data went out, then the connection was lost. */
		hang_calls++;
		*code = 354;
		*unsure = 1;
		*errstr = strdup("connection lost after the data");
		return SMTP_TEMPFAIL;
	}
	*code = 421;
	*errstr = strdup("421 unexpected recipient");
	return SMTP_TEMPFAIL;
}

static void
set_clock(long long t)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%lld", t);
	setenv("CONDUCTD_CLOCK", buf, 1);
}

static int64_t
queue_case(struct store *s, int64_t case_id, const char *kind,
    const char *rcpt, const char *data, time_t now)
{
	struct store_outbox_new	o;
	int64_t			id = 0;

	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.kind = kind;
	o.mail_from = "conduct@example.test";
	o.rcpt = rcpt;
	o.data = data;
	o.len = strlen(data);
	o.message_id = "cd.test@example.test";
	o.now = now;
	CHECK(store_outbox_add(s, &o, &id) == 0);
	return id;
}

static int64_t
queue(struct store *s, int64_t case_id, const char *rcpt, const char *data,
    time_t now)
{
	return queue_case(s, case_id, "ack", rcpt, data, now);
}

static int64_t
queue_kind(struct store *s, const char *kind, const char *rcpt,
    const char *data, time_t now)
{
	return queue_case(s, 0, kind, rcpt, data, now);
}

static struct store_outbox_row
row(struct store *s, int64_t id)
{
	struct store_outbox_row	r;

	memset(&r, 0, sizeof(r));
	CHECK(store_outbox_get(s, id, &r, NULL, NULL, NULL, NULL) == 1);
	return r;
}

static void
test_backoff(void)
{
	CHECK_INTEQ(outbox_backoff(1), 60);
	CHECK_INTEQ(outbox_backoff(2), 120);
	CHECK_INTEQ(outbox_backoff(3), 240);
	CHECK_INTEQ(outbox_backoff(7), 3600);
	CHECK_INTEQ(outbox_backoff(50), 3600);
}

static void
test_states(struct store *s)
{
	struct store_case_new	 cn;
	struct store_case	 c;
	struct outbox_result	 res;
	int64_t			 case_id, ok, temp, perm;
	const time_t		 t0 = 1790000000;

	set_clock(t0);
	memset(&cn, 0, sizeof(cn));
	cn.code_name = "amber-heron";
	cn.received = t0;
	cn.fields = "";
	CHECK(store_case_add(s, &cn, &case_id) == 0);
	ok = queue(s, case_id, "ok@example.test", "the ack", t0);
	temp = queue(s, 0, "temp@example.test", "deferred", t0);
	perm = queue(s, 0, "perm@example.test", "refused", t0);
	CHECK_INTEQ(outbox_next_due(s), 0);

	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(calls, 3);
	CHECK_INTEQ(res.sent, 1);
	CHECK_INTEQ(res.deferred, 1);
	CHECK_INTEQ(res.failed, 1);
	CHECK_INTEQ(row(s, ok).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(row(s, ok).sent_at, t0);
	CHECK_INTEQ(row(s, temp).state, STORE_OUTBOX_QUEUED);
	CHECK_INTEQ(row(s, temp).attempts, 1);
	CHECK_INTEQ(row(s, temp).next_attempt, t0 + 60);
	CHECK_INTEQ(row(s, temp).last_code, 451);
	CHECK_INTEQ(row(s, perm).state, STORE_OUTBOX_FAILED);
	CHECK_INTEQ(row(s, perm).last_code, 550);
	CHECK_STRSTR(row(s, perm).last_error, "no such user");
	CHECK(store_case_get(s, case_id, &c) == 1);
	CHECK_INTEQ(c.ack_sent, t0);
	CHECK_INTEQ(outbox_next_due(s), 60);

	/* Not due yet: nothing is sent again. */
	calls = 0;
	set_clock(t0 + 59);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(calls, 0);

	/* Due: the second failure doubles the wait. */
	set_clock(t0 + 60);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(calls, 1);
	CHECK_STREQ(last_data, "deferred");
	CHECK_INTEQ(row(s, temp).attempts, 2);
	CHECK_INTEQ(row(s, temp).next_attempt, t0 + 60 + 120);
	CHECK_INTEQ(row(s, ok).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(row(s, perm).state, STORE_OUTBOX_FAILED);
}

static void
test_unreachable(struct store *s)
{
	struct outbox_result	res;
	int64_t			a, b;
	const time_t		t1 = 1800000000;

	set_clock(t1);
	a = queue(s, 0, "ok-a@example.test", "during the outage a", t1);
	b = queue(s, 0, "ok-b@example.test", "during the outage b", t1);
	server_down = 1;
	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	/* The first due row (the deferred one) finds the server down and
	 * the pass ends there: nothing else is tried, nothing is lost. */
	CHECK_INTEQ(calls, 1);
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_QUEUED);
	CHECK_INTEQ(row(s, a).attempts, 0);
	CHECK_INTEQ(row(s, b).attempts, 0);

	server_down = 0;
	set_clock(t1 + 3600);
	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(calls, 3);
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(row(s, b).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(res.sent, 2);
	CHECK_INTEQ(res.deferred, 1);
}

/*
 * Urgent alerts, acknowledgments and alarms go before the mail that can
 * wait, whatever order they were queued in; oldest first within a class;
 * and one run sends far more than one batch of rows.
 */
static void
test_order(struct store *s)
{
	struct outbox_result	res;
	const time_t		t2 = 1800100000;
	char			data[32];
	int			i;

	set_clock(t2);
	queue_kind(s, "digest", "ok-1@example.test", "digest", t2);
	queue_kind(s, "conflict-check", "ok-2@example.test", "check1", t2);
	queue_kind(s, "relay", "ok-3@example.test", "relay", t2);
	queue_kind(s, "conflict-reminder", "ok-4@example.test", "remind", t2);
	queue_kind(s, "ack", "ok-5@example.test", "ack1", t2);
	queue_kind(s, "conflict-check", "ok-6@example.test", "check2", t2);
	queue_kind(s, "urgent", "ok-7@example.test", "urgent", t2);
	queue_kind(s, "alarm", "ok-8@example.test", "alarm", t2);
	queue_kind(s, "ack", "ok-9@example.test", "ack2", t2);
	sent_order[0] = '\0';
	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	/* "deferred" is the oldest ack, from test_states, due again. */
	CHECK_STREQ(sent_order, "deferred ack1 urgent alarm ack2 relay "
	    "digest check1 remind check2 ");
	CHECK_INTEQ(res.sent, 9);

	/* 450 rows: more than the 200 a run used to stop at. */
	for (i = 0; i < 450; i++) {
		snprintf(data, sizeof(data), "bulk%d", i);
		queue_kind(s, "conflict-check", "ok-bulk@example.test", data,
		    t2);
	}
	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(calls, 450);
	CHECK_INTEQ(res.sent, 450);
	/* Only the deferred row is left, waiting for its backoff. */
	CHECK(outbox_next_due(s) > 0);
}

/* Overwrites a sealed column of outbox row id with zero bytes. */
static void
damage(int64_t id, const char *column)
{
	sqlite3	*db;
	char	 path[512], sql[256];

	snprintf(path, sizeof(path), "%s/db", dir);
	snprintf(sql, sizeof(sql), "UPDATE outbox SET %s = zeroblob(length("
	    "%s)) WHERE id = %lld", column, column, (long long)id);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

static void
test_damaged(struct store *s)
{
	struct store_held_item	*items;
	struct outbox_result	 res;
	const time_t		 t3 = 1800200000;
	int64_t			 a, b, c;
	size_t			 n;

	set_clock(t3);
	a = queue_kind(s, "ack", "ok-a@example.test", "damaged-data", t3);
	b = queue_kind(s, "alarm", "ok-b@example.test", "damaged-env", t3);
	c = queue_kind(s, "ack", "ok-c@example.test", "behind", t3);
	damage(a, "data");
	damage(b, "envelope");
	sent_order[0] = '\0';
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK(strstr(sent_order, "behind") != NULL);
	CHECK(strstr(sent_order, "damaged") == NULL);
	CHECK_INTEQ(row(s, c).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_HELD);
	CHECK_INTEQ(row(s, b).state, STORE_OUTBOX_HELD);
	CHECK_STREQ(row(s, a).last_error, "sealed mail does not open");
	CHECK(store_held_list(s, 0, 1, &items, &n) == 0);
	CHECK_INTEQ(n, 2);
	if (n == 2) {
		CHECK_INTEQ(items[0].kind, STORE_HELD_OUTBOX);
		CHECK_INTEQ(items[0].id, a);
		CHECK_INTEQ(items[0].since, t3);
		CHECK_STREQ(items[1].what, "alarm");
	}
	free(items);
	/* Held rows are not due: never tried again on their own. */
	set_clock(t3 + 86400);
	sent_order[0] = '\0';
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK(strstr(sent_order, "damaged") == NULL);
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_HELD);
}

/*
 * A row to be encrypted (issue 16) that cannot be, without a keyring
 * or with one that lacks the member's key: held with the reason, never
 * sent in the clear; the row behind it goes.
 */
static void
test_not_encrypted(struct store *s)
{
	struct store_outbox_new	 o;
	struct outbox_result	 res;
	struct pgp		*pgp;
	const time_t		 t = 1800300000;
	char			 home[512], *err = NULL;
	int64_t			 a, b, c;

	set_clock(t);
	memset(&o, 0, sizeof(o));
	o.kind = "relay";
	o.mail_from = "conduct@example.test";
	o.rcpt = "ok-m1@example.test";
	o.data = "Subject: [CoC x]\r\n\r\nSubject: secret-form\r\n\r\nx";
	o.len = strlen(o.data);
	o.pgp = "0123456789ABCDEF0123456789ABCDEF01234567";
	o.now = t;
	CHECK(store_outbox_add(s, &o, &a) == 0);
	b = queue_kind(s, "relay", "ok-b@example.test", "clear-behind", t);
	sent_order[0] = '\0';
	outbox_set_pgp(NULL, NULL);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK(strstr(sent_order, "secret-form") == NULL);
	CHECK(strstr(sent_order, "clear-behind") != NULL);
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_HELD);
	CHECK_STRSTR(row(s, a).last_error, "not encrypted");
	CHECK_STREQ(row(s, a).pgp, o.pgp);
	CHECK_INTEQ(row(s, b).state, STORE_OUTBOX_SENT);

	snprintf(home, sizeof(home), "%s/gnupg", dir);
	if ((pgp = pgp_open(home, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		CHECK(0);
		return;
	}
	CHECK(store_outbox_add(s, &o, &c) == 0);
	outbox_set_pgp(pgp, NULL);
	sent_order[0] = '\0';
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK(strstr(sent_order, "secret-form") == NULL);
	CHECK_INTEQ(row(s, c).state, STORE_OUTBOX_HELD);
	CHECK_STRSTR(row(s, c).last_error, "not in the keyring");
	outbox_set_pgp(NULL, NULL);
	pgp_close(pgp);
}

static void
test_scrub(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "5.1.1 <x@example.test>: Recipient address rejected: User "
		    "unknown", "5.1.1 <address>: Recipient address rejected: "
		    "User unknown" },
		{ "mail for bob.smith+coc@lists.example.org refused",
		    "mail for <address> refused" },
		{ "<a@b> and <c@d>", "<address> and <address>" },
		{ "(\"odd name\"@example.test)", "(<address>)" },
		{ "user@[127.0.0.1]: bad", "<address>: bad" },
		{ "no address here: 4.2.0 later", "no address here: 4.2.0 "
		    "later" },
		{ "", "" },
	};
	size_t	i;
	char	*out;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = scrub_addresses(t[i].in);
		CHECK_STREQ(out, t[i].out);
		free(out);
	}
}

/* What a server's refusal leaves in the row: its text, no address. */
static void
test_refusal_scrubbed(struct store *s)
{
	struct outbox_result	res;
	int64_t			id;
	const time_t		t3 = 1800200000;

	set_clock(t3);
	id = queue_kind(s, "conflict-check", "addr@example.test", "refused",
	    t3);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(row(s, id).state, STORE_OUTBOX_FAILED);
	CHECK_INTEQ(row(s, id).last_code, 550);
	CHECK_STREQ(row(s, id).last_error, "5.1.1 <address>: Recipient "
	    "address rejected: User unknown (<address>)");
	CHECK_INTEQ(store_outbox_send_unconfirmed(s, id), 0);
}

/*
 * Refused rows wait for their alarm, oldest first, until marked; rows
 * sent, queued or held do not.
 */
static void
test_fail_unalarmed(struct store *s)
{
	int64_t	*ids = NULL;
	size_t	 n = 0, i, before;

	CHECK(store_outbox_fail_unalarmed(s, 100, &ids, &n) == 0);
	before = n;
	CHECK(n >= 2);	/* perm@ (test_states) and addr@ (refusal test) */
	for (i = 0; i < n; i++) {
		CHECK_INTEQ(row(s, ids[i]).state, STORE_OUTBOX_FAILED);
		if (i > 0)
			CHECK(ids[i - 1] < ids[i]);
	}
	CHECK(store_outbox_set_fail_alarmed(s, ids[0]) == 0);
	free(ids);
	CHECK(store_outbox_fail_unalarmed(s, 100, &ids, &n) == 0);
	CHECK_INTEQ(n, before - 1);
	for (i = 0; i < n; i++)
		CHECK(store_outbox_set_fail_alarmed(s, ids[i]) == 0);
	free(ids);
	CHECK(store_outbox_fail_unalarmed(s, 100, &ids, &n) == 0);
	CHECK_INTEQ(n, 0);
	free(ids);
}

/*
 * Sends begun and not confirmed: a crash after the send (simulated by
 * recording the send as begun with nothing after it) and a server that
 * hangs up after the data both count; at 3 the row is held and not sent
 * again, and the rows behind it go on.  A sure outcome (accepted,
 * refused, a 4xx, the server unreachable) resets the count.
 */
static void
test_bounded(struct store *s)
{
	struct outbox_result	res;
	int64_t			crash, hang, temp, after, *ids = NULL;
	time_t			t4 = 1800300000;
	size_t			n = 0;
	int			i;

	set_clock(t4);
	crash = queue(s, 0, "ok-crash@example.test", "crash loop", t4);
	/* Three runs that died right after the send. */
	for (i = 1; i <= 3; i++) {
		CHECK(store_outbox_send_begin(s, crash, t4) == 0);
		CHECK_INTEQ(store_outbox_send_unconfirmed(s, crash), i);
	}
	after = queue_kind(s, "conflict-check", "ok-after@example.test",
	    "behind it", t4);
	sent_order[0] = '\0';
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_STRSTR(sent_order, "behind it ");
	CHECK(strstr(sent_order, "crash loop") == NULL);
	CHECK_INTEQ(res.held, 1);
	CHECK_INTEQ(row(s, crash).state, STORE_OUTBOX_HELD);
	CHECK_STREQ(row(s, crash).last_error, "3 sends not confirmed");
	CHECK_STREQ(store_outbox_strstate(STORE_OUTBOX_HELD), "held");
	CHECK_INTEQ(row(s, after).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(store_outbox_send_unconfirmed(s, after), 0);
	/* Held is for good: later runs do not send it. */
	sent_order[0] = '\0';
	set_clock(t4 + 86400);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK(strstr(sent_order, "crash loop") == NULL);

	/* A server that takes the data and hangs up: held after 3. */
	set_clock(t4 = 1800400000);
	hang = queue(s, 0, "hangup@example.test", "hang", t4);
	for (i = 1; i <= 3; i++) {
		hang_calls = 0;
		CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
		CHECK_INTEQ(hang_calls, 1);
		CHECK_INTEQ(store_outbox_send_unconfirmed(s, hang), i);
		CHECK_INTEQ(row(s, hang).state, STORE_OUTBOX_QUEUED);
		set_clock(row(s, hang).next_attempt);
	}
	hang_calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(hang_calls, 0);
	CHECK_INTEQ(row(s, hang).state, STORE_OUTBOX_HELD);

	/* Sure temporary failures are retried for as long as it takes. */
	set_clock(t4 = 1800500000);
	temp = queue(s, 0, "temp-b@example.test", "later", t4);
	for (i = 1; i <= 5; i++) {
		CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
		CHECK_INTEQ(store_outbox_send_unconfirmed(s, temp), 0);
		CHECK_INTEQ(row(s, temp).attempts, i);
		set_clock(row(s, temp).next_attempt);
	}
	CHECK_INTEQ(row(s, temp).state, STORE_OUTBOX_QUEUED);
	/* Held rows are alarmed by their own scan, not as refusals. */
	CHECK(store_outbox_fail_unalarmed(s, 100, &ids, &n) == 0);
	CHECK_INTEQ(n, 0);
	free(ids);
}

/*
 * outbox_run_first sends urgent alerts, acknowledgments and alarms only,
 * in their order; the rest goes with the next full run.
 */
static void
test_first(struct store *s)
{
	struct outbox_result	res;
	const time_t		t5 = 1800600000;

	set_clock(t5);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);	/* leftovers */
	queue_kind(s, "digest", "ok-1@example.test", "f-digest", t5);
	queue_kind(s, "relay", "ok-2@example.test", "f-relay", t5);
	queue_kind(s, "ack", "ok-3@example.test", "f-ack", t5);
	queue_kind(s, "conflict-check", "ok-4@example.test", "f-check", t5);
	queue_kind(s, "alarm", "ok-5@example.test", "f-alarm", t5);
	sent_order[0] = '\0';
	CHECK(outbox_run_first(s, fake_send, NULL, &res) == 0);
	CHECK_STREQ(sent_order, "f-ack f-alarm ");
	CHECK_INTEQ(res.sent, 2);
	CHECK_INTEQ(outbox_next_due(s), 0);
	sent_order[0] = '\0';
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_STREQ(sent_order, "f-relay f-digest f-check ");
	CHECK_INTEQ(res.sent, 3);
}

/*
 * How long the daemon may wait: not at all while due rows go out, one
 * second at most when due rows saw no progress, and while the server is
 * unreachable until the row that found it so is due again (the rows
 * behind it, due too, do not make the daemon try every second).
 */
static void
test_wait(struct store *s)
{
	struct outbox_result	none, res;
	const time_t		t6 = 1800700000;
	int64_t			a, b;
	long			w;

	memset(&none, 0, sizeof(none));
	set_clock(t6);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);	/* leftovers */
	w = outbox_wait(s, &res);
	CHECK(w != 0);
	CHECK_INTEQ(w, outbox_next_due(s));

	a = queue_kind(s, "ack", "ok-w1@example.test", "w1", t6);
	b = queue_kind(s, "ack", "ok-w2@example.test", "w2", t6);
	CHECK_INTEQ(outbox_wait(s, &none), 1);
	res = none;
	res.sent = 1;
	CHECK_INTEQ(outbox_wait(s, &res), 0);

	server_down = 1;
	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	server_down = 0;
	CHECK_INTEQ(calls, 1);
	CHECK_INTEQ(res.unreachable, 1);
	CHECK_INTEQ(res.retry_at, t6 + 60);
	CHECK_INTEQ(outbox_next_due(s), 0);	/* b, never tried */
	CHECK_INTEQ(outbox_wait(s, &res), 60);
	set_clock(t6 + 20);
	CHECK_INTEQ(outbox_wait(s, &res), 40);

	calls = 0;
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);
	CHECK_INTEQ(res.unreachable, 0);
	CHECK_INTEQ(res.sent, 2);	/* b, then a made due again */
	CHECK_INTEQ(row(s, a).state, STORE_OUTBOX_SENT);
	CHECK_INTEQ(row(s, b).state, STORE_OUTBOX_SENT);
	CHECK(outbox_wait(s, &res) != 0);
}

/*
 * Several connections: a thread-safe fake that counts each message's
 * sends and the connections in flight.  The first send waits (5 s at
 * most) until a second is in flight, so two connections surely overlap.
 */
#define CONNS_N		40
static pthread_mutex_t	conns_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	conns_cv = PTHREAD_COND_INITIALIZER;
static int		conns_sends[CONNS_N];
static int		conns_started[CONNS_N + 1];	/* start order */
static int		conns_nstarted, conns_inflight, conns_max;
static int		conns_used[4];
static int		conns_refuse = 1;	/* temp@ gets 451 */

static enum smtp_status
conns_send(const char *from, const char *rcpt, const char *data, size_t len,
    int *code, char **errstr, int *unsure, void *arg)
{
	struct timespec	until;
	int		i = atoi(data), first;

	(void)from;
	(void)len;
	*unsure = 0;
	*errstr = NULL;
	pthread_mutex_lock(&conns_mtx);
	conns_used[*(int *)arg]++;
	conns_sends[i]++;
	conns_started[conns_nstarted++] = i;
	first = conns_nstarted == 1;
	if (++conns_inflight > conns_max)
		conns_max = conns_inflight;
	pthread_cond_broadcast(&conns_cv);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	while (first && conns_inflight < 2 &&
	    pthread_cond_timedwait(&conns_cv, &conns_mtx, &until) == 0)
		;
	conns_inflight--;
	pthread_mutex_unlock(&conns_mtx);
	if (conns_refuse && strncmp(rcpt, "temp", 4) == 0) {
		*code = 451;
		*errstr = strdup("451 try later");
		return SMTP_TEMPFAIL;
	}
	*code = 250;
	return SMTP_OK;
}

static void
test_conns(struct store *s)
{
	struct outbox_result	 res;
	struct outbox_conns	 c;
	void			*args[4];
	int			 ids[4] = { 0, 1, 2, 3 };
	int64_t			 id[CONNS_N];
	char			 data[16];
	int			 i, once = 0, used = 0, order_ok = 1;
	const time_t		 t0 = 1796000000;

	set_clock(t0);
	CHECK(outbox_run(s, fake_send, NULL, &res) == 0);	/* leftovers */
	/* Rows 0-9 are case mail queued first, 10-39 acknowledgments. */
	for (i = 0; i < CONNS_N; i++) {
		snprintf(data, sizeof(data), "%d", i);
		id[i] = queue_case(s, 0, i < 10 ? "report" : "ack",
		    i == 20 ? "temp@example.test" : "ok@example.test", data,
		    t0);
	}
	for (i = 0; i < 4; i++)
		args[i] = &ids[i];
	c.send = conns_send;
	c.args = args;
	c.n = 4;
	CHECK(outbox_run_conns(s, &c, 0, &res) == 0);
	CHECK_INTEQ(res.sent, CONNS_N - 1);
	CHECK_INTEQ(res.deferred, 1);
	for (i = 0; i < CONNS_N; i++) {
		once += conns_sends[i] == 1;
		/*
		 * The 30 acknowledgments are handed out before any case
		 * mail, but the threads begin what they were handed in
		 * their own order: up to 3 acknowledgments still starting on
		 * the other connections may begin after a case row.
		 */
		if (i < 30 - 3 && conns_started[i] < 10)
			order_ok = 0;
		if (i != 20)
			CHECK_INTEQ(row(s, id[i]).state, STORE_OUTBOX_SENT);
	}
	CHECK_INTEQ(once, CONNS_N);
	CHECK(order_ok);	/* every acknowledgment started first */
	CHECK_INTEQ(row(s, id[20]).state, STORE_OUTBOX_QUEUED);
	CHECK_INTEQ(store_outbox_send_unconfirmed(s, id[20]), 0);
	for (i = 0; i < 4; i++)
		used += conns_used[i] > 0;
	CHECK(used >= 2);
	CHECK(conns_max >= 2 && conns_max <= 4);

	/* Its retry, after the backoff, goes once; nothing else goes. */
	set_clock(t0 + 61);
	conns_refuse = 0;
	CHECK(outbox_run_conns(s, &c, 0, &res) == 0);
	CHECK_INTEQ(res.sent, 1);
	CHECK_INTEQ(conns_sends[20], 2);
	CHECK_INTEQ(conns_nstarted, CONNS_N + 1);
	CHECK_INTEQ(row(s, id[20]).state, STORE_OUTBOX_SENT);
}

int
main(void)
{
	struct crypto_key	*key;
	struct store		*s;
	char			 path[512];

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-outbox");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	s = harness_store(dir, &key);
	if (s == NULL)
		return harness_done();

	test_backoff();
	test_states(s);
	test_unreachable(s);
	test_order(s);
	test_damaged(s);
	test_not_encrypted(s);
	test_scrub();
	test_refusal_scrubbed(s);
	test_fail_unalarmed(s);
	test_bounded(s);
	test_first(s);
	test_wait(s);
	test_conns(s);

	store_close(s);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}

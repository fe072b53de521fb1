/*
 * test-cases: reporter addresses (MAC tokens), and cases_run over a store
 * of synthetic messages: a report opens a case with an acknowledgment in
 * the outbox; automatic mail opens nothing; a reply to the reporter
 * address or to our Message-ID joins the case; a second report from the
 * same sender within 24 h is a case without a second acknowledgment; a
 * report without a usable sender is a case without one; a no-reply
 * sender is a case without one unless a Reply-To gives a person; an
 * empty message is recorded, never a case.  Quarantine: a message whose
 * sealed bytes are damaged is held at once, one whose handling fails is
 * tried again with backoff and held after the last try, and the messages
 * behind either get their cases in the same run.  The report's language
 * is kept with its case, and the reporter's later mail switches it when
 * it is confidently in another; the acknowledgment and the flood's
 * summary are in it, or in it and the committee's when it is unsure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "harness_store.h"
#include "cases.h"
#include "codename.h"
#include "config.h"
#include "crypto.h"
#include "held.h"
#include "lang.h"
#include "log.h"
#include "mime.h"
#include "noreply.h"
#include "report.h"
#include "store.h"
#include "store_priv.h"	/* the connection, to make the database fail */

static char		 dir[] = "/tmp/test-cases.XXXXXX";
static struct store	*st;
static uint32_t		 next_uid = 1;

static void
add_message(const char *raw)
{
	struct store_msg_new	m;
	int64_t			id, dup;
	char			msgid[128];
	const char		*p;

	memset(&m, 0, sizeof(m));
	/* The Message-ID, as intake passes it: without <>. */
	if ((p = strstr(raw, "Message-ID: <")) != NULL &&
	    sscanf(p, "Message-ID: <%127[^>]>", msgid) == 1)
		m.message_id = msgid;
	m.uidvalidity = 1;
	m.uid = next_uid++;
	m.raw = raw;
	m.rawlen = strlen(raw);
	m.size = m.rawlen;
	m.received = 1790000000;
	m.warnings = "";
	CHECK(store_message_add(st, &m, &id, &dup) == 0);
}

static int
count_cb(const struct store_case *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static int
ncases(void)
{
	int	n = 0;

	store_case_foreach(st, count_cb, &n);
	return n;
}

static int
outbox_cb(const struct store_outbox_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int
noutbox(void)
{
	int	n = 0;

	store_outbox_foreach(st, 0, outbox_cb, &n);
	return n;
}

static void
test_addresses(struct cases *c)
{
	char	addr[256], code[CODENAME_MAX], bad[256];
	size_t	len;

	cases_reporter_address(c, "amber-heron", addr, sizeof(addr));
	CHECK_STRSTR(addr, "conduct+amber-heron-");
	CHECK_STRSTR(addr, "@example.test");
	CHECK(cases_parse_address(c, addr, code, sizeof(code)) == 1);
	CHECK_STREQ(code, "amber-heron");
	snprintf(bad, sizeof(bad), "%s", addr);
	len = strlen("conduct+amber-heron-");
	bad[len] = bad[len] == '0' ? '1' : '0';		/* one token digit */
	CHECK(cases_parse_address(c, bad, code, sizeof(code)) == 0);
	CHECK(cases_parse_address(c, "conduct@example.test", code,
	    sizeof(code)) == 0);
	CHECK(cases_parse_address(c, "conduct+amber-heron@example.test", code,
	    sizeof(code)) == 0);
	snprintf(bad, sizeof(bad), "%s", addr);
	memcpy(strchr(bad, '@'), "@example.org", 13);
	CHECK(cases_parse_address(c, bad, code, sizeof(code)) == 0);
	snprintf(bad, sizeof(bad), "other%s", strchr(addr, '+'));
	CHECK(cases_parse_address(c, bad, code, sizeof(code)) == 0);
	/* A numbered name (past some 90,000 cases) travels the same way. */
	cases_reporter_address(c, "amber-heron-17", addr, sizeof(addr));
	CHECK_STRSTR(addr, "conduct+amber-heron-17-");
	CHECK(cases_parse_address(c, addr, code, sizeof(code)) == 1);
	CHECK_STREQ(code, "amber-heron-17");
	CHECK(cases_parse_address(c, "conduct+amber-heron-17@example.test",
	    code, sizeof(code)) == 0);
}

static int
last_id_cb(const struct store_msg_info *i, void *arg)
{
	*(int64_t *)arg = i->id;
	return 0;
}

static int
last_kind_cb(const struct store_msg_info *i, void *arg)
{
	snprintf(arg, 16, "%s", i->kind);
	return 0;
}

/* The kind the newest message was recorded as. */
static const char *
last_kind(void)
{
	static char	kind[16];

	kind[0] = '\0';
	store_message_foreach(st, last_kind_cb, kind);
	return kind;
}

static void
test_noreply_table(void)
{
	static const char *const yes[] = {
	    "noreply@example.test", "no-reply@example.test",
	    "No_Reply@example.test", "DoNotReply@example.test",
	    "do-not-reply@example.test", "do_not_reply@example.test",
	    "dont-reply@example.test", "no.reply@example.test",
	    "noreply-forms@example.test", "forms-noreply@example.test",
	    "forms.no-reply.eu@example.test", "noreply+x7@example.test",
	    "no-response@example.test", "do-not-respond@example.test" };
	static const char *const no[] = {
	    "robin@example.test", "noreen@example.test",
	    "reply@example.test", "snoreply@example.test",
	    "noreplying@example.test", "kim+noreply@example.test",
	    "noreply", "", "no@reply.example.test" };
	size_t	i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		CHECK_INTEQ(noreply_address(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		CHECK_INTEQ(noreply_address(no[i]), 0);
	CHECK_INTEQ(noreply_address(NULL), 0);
}

static int
empty(const char *raw)
{
	struct mime_msg	*m;
	int		 rv;

	m = mime_parse(raw, strlen(raw), 0);
	rv = noreply_empty(m);
	mime_msg_free(m);
	return rv;
}

static void
test_empty(void)
{
	CHECK_INTEQ(empty("From: a@example.test\r\n\r\n"), 1);
	CHECK_INTEQ(empty("From: a@example.test\r\nSubject:  \r\n\r\n"
	    " \r\n\t\r\n\r\n"), 1);
	CHECK_INTEQ(empty("From: a@example.test\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n\r\n"
	    "<html><body><p>&nbsp;</p><br></body></html>\r\n"), 1);
	CHECK_INTEQ(empty("From: a@example.test\r\nSubject: help\r\n\r\n"),
	    0);
	CHECK_INTEQ(empty("From: a@example.test\r\n\r\nx\r\n"), 0);
	CHECK_INTEQ(empty("From: a@example.test\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\n\r\n--b\r\n"
	    "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=a.png\r\n\r\n"
	    "iVBORw0KGgo=\r\n--b--\r\n"), 0);
}

static void
test_fields(void)
{
	static const char f[] = "location\0the bar\0when\0Saturday\0";
	char	*v;

	v = report_lookup(f, sizeof(f) - 1, "when");
	CHECK_STREQ(v, "Saturday");
	free(v);
	CHECK(report_lookup(f, sizeof(f) - 1, "witnesses") == NULL);
	CHECK(report_lookup(f, 5, "location") == NULL);	/* cut */
}

/* Adds n different reports from one sender. */
static void
add_flood(const char *from, int n)
{
	char	raw[256];
	int	i;

	for (i = 0; i < n; i++) {
		snprintf(raw, sizeof(raw), "From: %s\r\n"
		    "To: conduct@example.test\r\nSubject: again %d\r\n\r\n"
		    "Thing number %d happened.\r\n", from, i, i);
		add_message(raw);
	}
}

/* Past ack_flood cases an hour, acks wait for one summary. */
static void
test_flood(struct cases *c, struct config *conf)
{
	struct store_case	sc;
	int64_t			summary;
	int			base = ncases(), out = noutbox();

	conf->ack_flood = 2;
	setenv("CONDUCTD_CLOCK", "1790000100", 1);
	add_flood("flood@example.test", 4);
	CHECK_INTEQ(cases_run(c), 4);
	CHECK_INTEQ(ncases(), base + 4);
	CHECK_INTEQ(noutbox(), out + 2);
	CHECK(store_case_get(st, base + 3, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "held");
	CHECK(sc.ack_outbox == 0);

	/* Not before the hour is over. */
	setenv("CONDUCTD_CLOCK", "1790003500", 1);
	CHECK_INTEQ(cases_run(c), 0);
	CHECK_INTEQ(noutbox(), out + 2);

	/* Then one summary for both held cases. */
	setenv("CONDUCTD_CLOCK", "1790003700", 1);
	CHECK_INTEQ(cases_run(c), 0);
	CHECK_INTEQ(noutbox(), out + 3);
	CHECK(store_case_get(st, base + 3, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "");
	summary = sc.ack_outbox;
	CHECK(summary != 0);
	CHECK(store_case_get(st, base + 4, &sc) == 1);
	CHECK(sc.ack_outbox == summary);
	CHECK(store_case_get(st, base + 2, &sc) == 1);
	CHECK(sc.ack_outbox != summary);

	/* Sent: ack_sent on every case the summary covers. */
	CHECK(store_case_set_ack_sent(st, base + 3, 1790003800) == 0);
	CHECK(store_case_get(st, base + 4, &sc) == 1);
	CHECK(sc.ack_sent == 1790003800);
	CHECK(store_case_get(st, base + 2, &sc) == 1);
	CHECK(sc.ack_sent == 0);
	CHECK_INTEQ(cases_run(c), 0);
	CHECK_INTEQ(noutbox(), out + 3);

	/* A no-reply sender's flood: never held, so never summarised. */
	base = ncases();
	add_flood("noreply@example.test", 3);
	CHECK_INTEQ(cases_run(c), 3);
	CHECK(store_case_get(st, base + 3, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "no-reply");
	CHECK(sc.lang_confidence >= 0);
	setenv("CONDUCTD_CLOCK", "1790007400", 1);
	CHECK_INTEQ(cases_run(c), 0);
	CHECK_INTEQ(noutbox(), out + 3);
	unsetenv("CONDUCTD_CLOCK");
	conf->ack_flood = 0;
}

static void
test_run(struct cases *c)
{
	struct store_case	 sc;
	char			 addr[256], raw[1024];

	add_message("From: Robin <robin@example.test>\r\n"
	    "To: conduct@example.test\r\nSubject: report\r\n"
	    "Message-ID: <r1@example.test>\r\n\r\n"
	    "Location: the bar\r\nOngoing: yes, he is still here\r\n");
	add_message("From: robot@example.test\r\n"
	    "Auto-Submitted: auto-replied\r\nSubject: away\r\n\r\naway\r\n");
	add_message("From: list@example.test\r\nList-Id: <l.example.test>\r\n"
	    "Subject: digest\r\n\r\nnews\r\n");
	CHECK_INTEQ(cases_run(c), 3);
	CHECK_INTEQ(ncases(), 1);
	CHECK_INTEQ(noutbox(), 1);
	CHECK(store_case_get(st, 1, &sc) == 1);
	CHECK(sc.urgent);
	CHECK_STREQ(sc.status, "new");
	CHECK(sc.ack_outbox != 0);
	CHECK(codename_valid(sc.code_name));

	/* A reply to the reporter address joins the case. */
	cases_reporter_address(c, sc.code_name, addr, sizeof(addr));
	snprintf(raw, sizeof(raw), "From: robin@example.test\r\nTo: <%s>\r\n"
	    "Subject: more\r\n\r\nmore details\r\n", addr);
	add_message(raw);
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 1);
	CHECK_INTEQ(noutbox(), 1);

	/* The same sender again: a case, and its own ack. */
	add_message("From: ROBIN@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: another\r\nMessage-ID: <r2@example.test>\r\n\r\n"
	    "Something else happened.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 2);
	CHECK_INTEQ(noutbox(), 2);
	CHECK(store_case_get(st, 2, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "");
	CHECK(sc.ack_outbox != 0);
	CHECK(sc.repeat_sender);

	/* No usable sender: a case, no ack. */
	add_message("Subject: anonymous\r\n\r\nno sender at all\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 3);
	CHECK(store_case_get(st, 3, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "no-sender");

	/* A header injection attempt in the subject still gets a case. */
	add_message("From: kim@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: =?utf-8?Q?hi=0D=0ABcc:_evil@example.test?=\r\n\r\n"
	    "text\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 4);
	CHECK_INTEQ(noutbox(), 3);

	/*
	 * The reporter's follow-up to the alias naming the reporter's own
	 * report (In-Reply-To, or later in References) joins that case.
	 */
	add_message("From: Robin <robin@example.test>\r\n"
	    "To: conduct@example.test\r\nSubject: Re: report\r\n"
	    "In-Reply-To: <r1@example.test>\r\n\r\nand one more\r\n");
	add_message("From: robin@example.test\r\n"
	    "To: conduct@example.test\r\nSubject: Re: another\r\n"
	    "References: <nowhere@example.test> <r2@example.test>\r\n\r\n"
	    "still more\r\n");
	CHECK_INTEQ(cases_run(c), 2);
	CHECK_INTEQ(ncases(), 4);
	CHECK_INTEQ(noutbox(), 3);

	/* Anyone else naming the report opens a case of their own. */
	add_message("From: pat@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: Re: report\r\nIn-Reply-To: <r1@example.test>\r\n"
	    "References: <r1@example.test>\r\n\r\nI saw it too\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 5);
	CHECK_INTEQ(noutbox(), 4);

	/* A no-reply sender: a case, no ack, and the case says why. */
	add_message("From: Forms <noreply-forms@example.test>\r\n"
	    "To: conduct@example.test\r\nSubject: form report\r\n\r\n"
	    "Someone filled in the form.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 6);
	CHECK_INTEQ(noutbox(), 4);
	CHECK(store_case_get(st, 6, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "no-reply");
	CHECK(sc.ack_outbox == 0);

	/* A no-reply From with a person's Reply-To: acknowledged. */
	add_message("From: do-not-reply@example.test\r\n"
	    "Reply-To: Sam <sam@example.test>\r\n"
	    "To: conduct@example.test\r\nSubject: via form\r\n\r\n"
	    "It happened again.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 7);
	CHECK_INTEQ(noutbox(), 5);
	CHECK(store_case_get(st, 7, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "");
	CHECK(sc.ack_outbox != 0);

	/* A no-reply Reply-To too: no ack. */
	add_message("From: noreply@example.test\r\n"
	    "Reply-To: DoNotReply@example.test\r\n"
	    "To: conduct@example.test\r\nSubject: via form\r\n\r\n"
	    "Third.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 8);
	CHECK_INTEQ(noutbox(), 5);
	CHECK(store_case_get(st, 8, &sc) == 1);
	CHECK_STREQ(sc.ack_note, "no-reply");

	/* An empty message: recorded, never a case, never answered. */
	add_message("From: lee@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: \r\n\r\n  \r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), 8);
	CHECK_INTEQ(noutbox(), 5);
	CHECK_STREQ(last_kind(), "empty");

	/* Nothing is handled twice. */
	CHECK_INTEQ(cases_run(c), 0);
}

static int64_t
last_message(void)
{
	int64_t	id = 0;

	store_message_foreach(st, last_id_cb, &id);
	return id;
}

/* The held items; checks there are n, returns the first (or zeros). */
static struct store_held_item
held_first(size_t want)
{
	struct store_held_item	*items, it;
	size_t			 n;

	memset(&it, 0, sizeof(it));
	CHECK(store_held_list(st, 0, 0, &items, &n) == 0);
	CHECK_INTEQ(n, want);
	if (n > 0)
		it = items[0];
	free(items);
	return it;
}

static void
test_quarantine(struct cases *c)
{
	struct store_held_item	 it, *items;
	char			 sql[256], when[32];
	size_t			 n;
	int64_t			 bad, good, failing;
	int			 base = ncases(), i;
	time_t			 t = 1790100000;

	snprintf(when, sizeof(when), "%lld", (long long)t);
	setenv("CONDUCTD_CLOCK", when, 1);
	/* A report whose sealed bytes are damaged, then a good one. */
	add_message("From: ana@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: first\r\n\r\nSomething happened in the hall.\r\n");
	bad = last_message();
	snprintf(sql, sizeof(sql), "UPDATE message_raw SET raw = "
	    "zeroblob(length(raw)) WHERE id = %lld", (long long)bad);
	harness_db_exec(dir, sql);
	add_message("From: bo@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: second\r\n\r\nSomething else happened.\r\n");
	good = last_message();
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), base + 1);
	CHECK_STREQ(last_kind(), "report");
	/* Hopeless: held at once, with a reason and no content. */
	it = held_first(1);
	CHECK_INTEQ(it.kind, STORE_HELD_MESSAGE);
	CHECK_INTEQ(it.id, bad);
	CHECK_INTEQ(it.tries, 1);
	CHECK_INTEQ(it.since, t);
	CHECK_INTEQ(it.alarmed, 0);
	CHECK_STREQ(it.reason, "sealed message does not open");
	CHECK_INTEQ(cases_run(c), 0);	/* held: not tried again */
	CHECK(good > bad);

	/*
	 * Handling that fails (here a trigger refuses the new case): five
	 * tries a backoff apart, while a later report goes on.
	 */
	harness_db_exec(dir, "CREATE TRIGGER refuse BEFORE INSERT ON cases "
	    "WHEN new.received = 1790000001 BEGIN SELECT RAISE(ABORT, 'no'); "
	    "END");
	add_message("From: cy@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: third\r\n\r\nA third thing.\r\n");
	failing = last_message();
	snprintf(sql, sizeof(sql), "UPDATE message SET received = 1790000001 "
	    "WHERE id = %lld", (long long)failing);
	harness_db_exec(dir, sql);
	add_message("From: di@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: fourth\r\n\r\nA fourth thing.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), base + 2);
	CHECK_INTEQ(held_first(1).id, bad);	/* the failing one waits */
	CHECK_INTEQ(cases_run(c), 0);		/* not before its backoff */
	CHECK_INTEQ(held_next_due(st), 60);
	for (i = 1; i < HELD_TRIES; i++) {
		t += held_backoff(i);
		snprintf(when, sizeof(when), "%lld", (long long)t);
		setenv("CONDUCTD_CLOCK", when, 1);
		CHECK_INTEQ(cases_run(c), 0);
	}
	CHECK_INTEQ(t, 1790100000 + 60 + 120 + 240 + 480);
	CHECK(store_held_list(st, 0, 0, &items, &n) == 0);
	CHECK_INTEQ(n, 2);
	if (n == 2) {
		CHECK_INTEQ(items[1].id, failing);
		CHECK_INTEQ(items[1].tries, HELD_TRIES);
		CHECK_INTEQ(items[1].since, t);
		CHECK_STREQ(items[1].reason, "handling failed: a new case");
	}
	free(items);
	CHECK_INTEQ(held_next_due(st), -1);

	/* conductctl retry: tried now, handled once the cause is gone. */
	harness_db_exec(dir, "DROP TRIGGER refuse");
	CHECK_INTEQ(store_held_retry(st, STORE_HELD_MESSAGE, failing, t), 1);
	CHECK_INTEQ(store_held_retry(st, STORE_HELD_MESSAGE, failing, t), 0);
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), base + 3);
	CHECK_INTEQ(held_first(1).id, bad);
	unsetenv("CONDUCTD_CLOCK");
}

/*
 * A failing database (here full) is not the message's fault: the pass
 * ends, and the message is neither counted as a try nor held.
 */
static void
test_db_failing(struct cases *c)
{
	char	raw[40000];
	int64_t	id;
	int	tries = -1, base = ncases(), len, i;

	/*
	 * Long, the subject too: its case's sealed data and its
	 * acknowledgment need pages the file does not have.
	 */
	len = snprintf(raw, sizeof(raw), "From: ed@example.test\r\nTo: "
	    "conduct@example.test\r\nSubject: fifth");
	for (i = 0; i < 900; i++)
		len += snprintf(raw + len, sizeof(raw) - len, "%s fifth",
		    i % 8 == 7 ? "\r\n" : "");
	len += snprintf(raw + len, sizeof(raw) - len, "\r\n\r\nA fifth thing");
	for (i = 0; i < 900; i++)
		len += snprintf(raw + len, sizeof(raw) - len, ", and %d", i);
	snprintf(raw + len, sizeof(raw) - len, ".\r\n");
	add_message(raw);
	id = last_message();
	/* No free pages left by earlier tests to take the case. */
	CHECK(sqlite3_exec(st->db, "VACUUM", NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(st->db, "PRAGMA max_page_count = 1", NULL, NULL,
	    NULL) == SQLITE_OK);
	CHECK_INTEQ(cases_run(c), -1);
	CHECK(store_failing(st));
	CHECK(sqlite3_exec(st->db, "PRAGMA max_page_count = 1073741823", NULL,
	    NULL, NULL) == SQLITE_OK);
	CHECK_INTEQ(ncases(), base);
	CHECK_INTEQ(store_held_tries(st, STORE_HELD_MESSAGE, id, &tries), 1);
	CHECK_INTEQ(tries, 0);
	(void)held_first(1);		/* only the damaged one of before */
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), base + 1);
}

/*
 * A batch (issue 13): a message that fails after writing (its case and
 * acknowledgment are in, recording its kind is refused) is undone alone,
 * between two that the same pass handles, and waits for its next try.
 */
static void
test_batch(struct cases *c)
{
	char	sql[256], when[32];
	int64_t	failing;
	int	base = ncases(), out, tries = -1;
	time_t	t = 1790200000;

	snprintf(when, sizeof(when), "%lld", (long long)t);
	setenv("CONDUCTD_CLOCK", when, 1);
	add_message("From: fa@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: b1\r\n\r\nThe first of the batch.\r\n");
	add_message("From: fb@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: b2\r\n\r\nThe second of the batch.\r\n");
	failing = last_message();
	add_message("From: fc@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: b3\r\n\r\nThe third of the batch.\r\n");
	snprintf(sql, sizeof(sql), "CREATE TRIGGER refuse_kind BEFORE UPDATE "
	    "OF kind ON message WHEN new.id = %lld BEGIN SELECT RAISE(ABORT, "
	    "'no'); END", (long long)failing);
	harness_db_exec(dir, sql);
	out = noutbox();
	CHECK_INTEQ(cases_run(c), 2);
	CHECK_INTEQ(ncases(), base + 2);	/* its case undone */
	CHECK_INTEQ(noutbox(), out + 2);	/* and its acknowledgment */
	CHECK_INTEQ(store_held_tries(st, STORE_HELD_MESSAGE, failing, &tries),
	    1);
	CHECK_INTEQ(tries, 1);
	harness_db_exec(dir, "DROP TRIGGER refuse_kind");
	snprintf(when, sizeof(when), "%lld", (long long)t + held_backoff(1));
	setenv("CONDUCTD_CLOCK", when, 1);
	CHECK_INTEQ(cases_run(c), 1);
	CHECK_INTEQ(ncases(), base + 3);
	CHECK_INTEQ(noutbox(), out + 3);
	unsetenv("CONDUCTD_CLOCK");
}

static int
last_cb(const struct store_case *c, void *arg)
{
	*(struct store_case *)arg = *c;
	return 0;
}

/* The case's language after cases_run. */
static void
case_lang(int64_t id, const char *want, int confident)
{
	struct store_case	sc;

	CHECK(store_case_get(st, id, &sc) == 1);
	CHECK_STREQ(sc.lang, want);
	CHECK_INTEQ(lang_confident(sc.lang_confidence), confident);
}

/* A mail from the reporter to the case's reporter address. */
static void
reporter_mail(struct cases *c, const char *code, const char *from,
    const char *body)
{
	char	addr[256], raw[4096];

	cases_reporter_address(c, code, addr, sizeof(addr));
	snprintf(raw, sizeof(raw), "From: %s\r\nTo: <%s>\r\n"
	    "Subject: Re: your report\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s", from, addr, body);
	add_message(raw);
	CHECK_INTEQ(cases_run(c), 1);
}

static const char english_reply[] =
    "I would rather continue in English, because a friend who helps me "
    "with this does not read Korean. The man was wearing a blue speaker "
    "badge and was standing by the registration desk most of the day.\r\n";

/*
 * The report's language is kept with the case, guessed from the text the
 * case step decoded; the reporter's later mail (to the reporter address,
 * or to the alias naming the report) switches it when it is confidently
 * in another language, by its own words and not the quote; a short or
 * unsure one changes nothing; a confident one in the same language
 * firms up an unsure guess.
 */
static void
test_lang(struct cases *c)
{
	struct store_case	sc;
	int64_t			id;

	/* Base64 UTF-8: the guess reads the decoded text. */
	add_message("From: jieun@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: =?utf-8?B?7Iug6rOg?=\r\n"
	    "Message-ID: <lang-ko@example.test>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "7KeA64KcIO2GoOyalOydvCDsmKTtm4Qg65Ox66GdIOuNsOyKpO2BrCDq\r\n"
	    "t7zsspjsl5DshJwg7ZWcIOywuOqwgOyekOqwgCDqs4Tsho0g7KCcIOyY\r\n"
	    "huyXkCDrtpnslrQg7ISc7IScIOyZuOuqqOyXkCDrjIDtlbQg7J207JW8\r\n"
	    "6riw7ZaI7Iq164uI64ukLiDqt7jrp4ztlbQg64us65286rOgIOunkOyd\r\n"
	    "hCDrkZAg67KI7J2064KYIO2WiOyngOunjCDsu6TtlLwg66eI7Iuc64qU\r\n"
	    "IOqzs+q5jOyngCDrlLDrnbzsmYDshJwg6rOE7IaN7ZaI7Iq164uI64uk\r\n"
	    "Lg==\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	store_case_foreach(st, last_cb, &sc);
	id = sc.id;
	case_lang(id, "ko", 1);

	/* A short reply in English is no sure sign: it stays Korean. */
	reporter_mail(c, sc.code_name, "jieun@example.test", "thanks\r\n");
	case_lang(id, "ko", 1);
	reporter_mail(c, sc.code_name, "jieun@example.test",
	    "Thank you, I will send more tomorrow.\r\n");
	case_lang(id, "ko", 1);

	/*
	 * A long English reply with the Korean report below it, unquoted
	 * under Outlook's header block: the reporter's own words decide.
	 */
	reporter_mail(c, sc.code_name, "jieun@example.test",
	    "I would rather continue in English, because a friend who helps "
	    "me with this does not read Korean. The man was wearing a blue "
	    "speaker badge and stood by the registration desk all day.\r\n"
	    "\r\nFrom: jieun@example.test\r\n"
	    "Sent: Saturday, December 5, 2026 3:02 PM\r\n"
	    "To: conduct@example.test\r\nSubject: 신고\r\n\r\n"
	    "지난 토요일 오후 등록 데스크 근처에서 한 참가자가 계속 제 옆에 "
	    "붙어 서서 외모에 대해 이야기했습니다. 그만해 달라고 했지만 "
	    "따라와서 계속했습니다. 너무 무서웠고 다시 마주치고 싶지 "
	    "않습니다. 행사장 직원분께도 말씀드렸는데 아직 연락이 없습니다. "
	    "가능하면 빨리 확인해 주시면 감사하겠습니다.\r\n");
	case_lang(id, "en", 1);

	/*
	 * Back to Korean, on mail to the alias that names the report
	 * (In-Reply-To): the reporter's too.
	 */
	add_message("From: jieun@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: Re: report\r\nIn-Reply-To: <lang-ko@example.test>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "친구가 도와주기로 했지만 역시 한국어로 연락받는 게 더 편할 것 "
	    "같습니다. 번거롭게 해 드려서 죄송합니다. 앞으로는 한국어로 "
	    "답장 부탁드립니다.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	case_lang(id, "ko", 1);

	/* Anyone else naming the report changes nothing of this case. */
	add_message("From: pat@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: Re: report\r\nIn-Reply-To: <lang-ko@example.test>\r\n"
	    "\r\n");
	CHECK(cases_run(c) >= 1);
	case_lang(id, "ko", 1);

	/* A report of one word is unsure; a long reply makes it sure. */
	add_message("From: sam@example.test\r\nTo: conduct@example.test\r\n"
	    "Subject: help\r\n\r\nhelp\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	store_case_foreach(st, last_cb, &sc);
	CHECK(sc.id != id);
	case_lang(sc.id, "en", 0);
	reporter_mail(c, sc.code_name, "sam@example.test", english_reply);
	case_lang(sc.id, "en", 1);
}

/* The decoded subject and text of outbox row id (allocated). */
static void
outbox_text(int64_t id, char **subject, char **text)
{
	struct store_outbox_row	 row;
	struct mime_msg		*m;
	char			*from = NULL, *rcpt = NULL, *data = NULL;
	size_t			 len = 0;

	*subject = *text = NULL;
	CHECK(store_outbox_get(st, id, &row, &from, &rcpt, &data, &len) == 1);
	if (data != NULL && (m = mime_parse(data, len, 0)) != NULL) {
		*subject = strdup(m->subject);
		*text = strdup(m->text != NULL ? m->text : "");
		mime_msg_free(m);
	}
	free(from);
	free(rcpt);
	free(data);
	if (*subject == NULL || *text == NULL) {
		CHECK(0);
		free(*subject);
		free(*text);
		*subject = strdup("");
		*text = strdup("");
	}
}

static const char korean_report[] =
    "From: minji@example.test\r\nTo: conduct@example.test\r\n"
    "Subject: =?utf-8?B?7Iug6rOg?=\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n"
    "어제 저녁 네트워킹 행사에서 한 참가자가 여러 번 제 어깨를 만지고 "
    "연락처를 계속 물어봤습니다. 싫다고 분명히 말했는데도 행사장 "
    "밖까지 따라왔습니다. 확인 부탁드립니다.\r\n";

/*
 * The reporter's mail in the case's language (replylang.c): a confident
 * Korean report's acknowledgment is Korean, and so is the flood's
 * summary (the held case's language guessed only then); a one-line Korean report gets Korean, the dashes, then
 * English, its subject "Korean / English" words when it has none.
 */
static void
test_reply_lang(struct cases *c, struct config *conf)
{
	struct store_case	 sc;
	char			*subject, *text, *k, *sep, *e, raw[1024];
	int64_t			 last;
	int			 i, base = ncases();

	conf->ack_flood = 2;
	setenv("CONDUCTD_CLOCK", "1790000200", 1);
	for (i = 0; i < 3; i++) {
		snprintf(raw, sizeof(raw), "Message-ID: <ko-%d@example.test>"
		    "\r\n%s", i, korean_report);
		add_message(raw);
	}
	CHECK_INTEQ(cases_run(c), 3);
	CHECK_INTEQ(ncases(), base + 3);
	store_case_foreach(st, last_cb, &sc);	/* the third: held */
	CHECK_STREQ(sc.ack_note, "held");
	/* Held for the summary: not guessed (caselang.h) until it is due. */
	CHECK_INTEQ(sc.lang_confidence, -1);
	last = sc.id;
	CHECK(store_case_get(st, last - 2, &sc) == 1);
	case_lang(sc.id, "ko", 1);
	outbox_text(sc.ack_outbox, &subject, &text);
	CHECK_STRSTR(text, "잘 접수되었습니다");
	CHECK(strstr(text, "Thank you for telling us") == NULL);
	CHECK(strstr(text, "----------------------------------------") == NULL);
	free(subject);
	free(text);
	setenv("CONDUCTD_CLOCK", "1790003800", 1);
	CHECK_INTEQ(cases_run(c), 0);
	CHECK(store_case_get(st, last, &sc) == 1);
	CHECK(sc.ack_outbox != 0);
	case_lang(last, "ko", 1);	/* guessed for its summary */
	outbox_text(sc.ack_outbox, &subject, &text);
	CHECK_STRSTR(subject, "보내 주신 신고");
	CHECK(strstr(text, "Hello,") == NULL);
	free(subject);
	free(text);
	conf->ack_flood = 0;

	add_message("From: dana@example.test\r\nTo: conduct@example.test\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "발표장에서 괴롭힘을 당했어요.\r\n");
	CHECK_INTEQ(cases_run(c), 1);
	store_case_foreach(st, last_cb, &sc);
	CHECK(sc.id > last);
	case_lang(sc.id, "ko", 0);
	outbox_text(sc.ack_outbox, &subject, &text);
	k = strstr(text, "잘 접수되었습니다");
	sep = strstr(text, "\n----------------------------------------\n");
	e = strstr(text, "Thank you for telling us");
	CHECK(k != NULL && sep != NULL && e != NULL && k < sep && sep < e);
	CHECK_STRSTR(subject, "보내 주신 신고 / Your report");
	free(subject);
	free(text);
	unsetenv("CONDUCTD_CLOCK");
}

int
main(void)
{
	struct config		 conf;
	struct crypto_key	*key;
	struct cases		*c;
	const char		*top = getenv("top_srcdir");
	char			 path[512], templates[512];

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-cases");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	st = harness_store(dir, &key);
	if (st == NULL)
		return harness_done();
	snprintf(templates, sizeof(templates), "%s/conf/templates",
	    top != NULL ? top : "..");
	memset(&conf, 0, sizeof(conf));
	conf.alias = "conduct@example.test";
	conf.delimiter = '+';
	conf.tag = "CoC";
	conf.committee_name = "Example Committee";
	conf.language = (char *)"en";
	conf.templates = templates;
	c = cases_new(&conf, st, key);

	test_addresses(c);
	test_fields();
	test_noreply_table();
	test_empty();
	test_run(c);
	test_flood(c, &conf);
	test_quarantine(c);
	test_db_failing(c);
	test_batch(c);
	test_lang(c);
	test_reply_lang(c, &conf);

	cases_free(c);
	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}

/*
 * test-held: the quarantine outside the case step.  A deadline whose
 * action fails is tried five times a backoff apart, then held, while the
 * deadline behind it is acted on at once; held items (whatever held
 * them) get exactly one alarm to the leads, through the case when there
 * is one, naming the item and never its reason when an outbox row's may
 * quote a server; a held alarm raises none; a retry clears the alarm so
 * a new hold alarms again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness.h"
#include "harness_store.h"
#include "config.h"
#include "crypto.h"
#include "held.h"
#include "log.h"
#include "schedule.h"
#include "store.h"

static char		 dir[] = "/tmp/test-held.XXXXXX";
static struct store	*st;

static void
set_clock(long long t)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%lld", t);
	setenv("CONDUCTD_CLOCK", buf, 1);
}

/* The first column of the first row of sql, as a number. */
static long long
db_value(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	char		 path[512];
	long long	 v = -1;

	snprintf(path, sizeof(path), "%s/db", dir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

static long long
nalarms(void)
{
	return db_value("SELECT count(*) FROM outbox WHERE kind = 'alarm'");
}

static size_t
nheld(int unalarmed)
{
	struct store_held_item	*items;
	size_t			 n = 0;

	CHECK(store_held_list(st, 0, unalarmed, &items, &n) == 0);
	free(items);
	return n;
}

static void
test_backoff(void)
{
	CHECK_INTEQ(held_backoff(1), 60);
	CHECK_INTEQ(held_backoff(2), 120);
	CHECK_INTEQ(held_backoff(4), 480);
	CHECK_INTEQ(held_backoff(40), 3600);
}

static void
test_schedule(struct schedule *sch)
{
	struct store_held_item	*items;
	size_t			 n;
	long long		 t = 1790100000;
	int			 i;

	set_clock(t);
	/* Marking a digest row done fails: its action fails each time. */
	harness_db_exec(dir, "CREATE TRIGGER refuse BEFORE UPDATE OF done ON "
	    "deadline WHEN old.kind = 'digest' BEGIN SELECT RAISE(ABORT, "
	    "'no'); END");
	CHECK(store_deadline_plan(st, 0, "digest", NULL, t - 100, t - 100) ==
	    0);
	CHECK(store_deadline_plan(st, 0, "later", NULL, t - 50, t - 50) == 0);
	CHECK_INTEQ(schedule_run(sch), 1);
	CHECK_INTEQ(db_value("SELECT done FROM deadline WHERE kind = 'later'"),
	    1);
	CHECK_INTEQ(schedule_run(sch), 0);
	CHECK_INTEQ(db_value("SELECT held_tries FROM deadline WHERE due = "
	    "1790099900"), 1);
	CHECK_INTEQ(nheld(0), 0);
	for (i = 1; i < HELD_TRIES; i++) {
		t += held_backoff(i);
		set_clock(t);
		CHECK_INTEQ(schedule_run(sch), 0);
	}
	CHECK(store_held_list(st, 0, 0, &items, &n) == 0);
	CHECK_INTEQ(n, 1);
	if (n == 1) {
		CHECK_INTEQ(items[0].kind, STORE_HELD_DEADLINE);
		CHECK_STREQ(items[0].what, "digest");
		CHECK_INTEQ(items[0].tries, HELD_TRIES);
		CHECK_INTEQ(items[0].since, t);
		CHECK_STREQ(items[0].reason, "handling failed: digest");
	}
	free(items);
	/* Held: no longer due, and no longer what the loop waits for. */
	set_clock(t + 86400);
	CHECK_INTEQ(schedule_run(sch), 0);
	CHECK_INTEQ(db_value("SELECT held_tries FROM deadline WHERE due = "
	    "1790099900"), HELD_TRIES);
	CHECK(schedule_next_due(sch) != 0);
	harness_db_exec(dir, "DROP TRIGGER refuse");
}

/* The decrypted message of outbox row id. */
static char *
mail_of(int64_t id)
{
	struct store_outbox_row	 r;
	char			*from = NULL, *rcpt = NULL, *data = NULL, *s;
	size_t			 len = 0;

	CHECK(store_outbox_get(st, id, &r, &from, &rcpt, &data, &len) == 1);
	s = strndup(data != NULL ? data : "", len);
	free(from);
	free(rcpt);
	free(data);
	return s;
}

static void
test_alarms(struct held *h)
{
	struct store_case_new	 cn;
	struct store_outbox_new	 o;
	int64_t			 case_id, row, alarm, last;
	long long		 before;
	char			 sql[256], *mail;

	set_clock(1790200000);
	/* The held deadline of test_schedule, no case: every lead. */
	before = nalarms();
	CHECK_INTEQ(held_alarm(h), 1);
	CHECK_INTEQ(nalarms(), before + 1);
	last = db_value("SELECT max(id) FROM outbox");
	mail = mail_of(last);
	CHECK_STRSTR(mail, "To: lena <lena@example.test>");
	CHECK_STRSTR(mail, "Deadline ");
	CHECK_STRSTR(mail, "Reason: handling failed: digest\r\n");
	CHECK_STRSTR(mail, "conductctl retry deadline:");
	free(mail);
	CHECK_INTEQ(held_alarm(h), 0);		/* exactly one */
	CHECK_INTEQ(nalarms(), before + 1);
	CHECK_INTEQ(nheld(1), 0);
	CHECK_INTEQ(nheld(0), 1);

	/*
	 * An outbox row of a case, held by another step (the sender): one
	 * alarm through the case, naming it by code name and row id only.
	 */
	memset(&cn, 0, sizeof(cn));
	cn.code_name = "amber-heron";
	cn.received = 1790200000;
	cn.fields = "";
	CHECK(store_case_add(st, &cn, &case_id) == 0);
	memset(&o, 0, sizeof(o));
	o.case_id = case_id;
	o.kind = "ack";
	o.mail_from = "conduct@example.test";
	o.rcpt = "robin@example.test";
	o.data = "the ack";
	o.len = 7;
	o.now = 1790200000;
	CHECK(store_outbox_add(st, &o, &row) == 0);
	snprintf(sql, sizeof(sql), "UPDATE outbox SET state = 'held', "
	    "last_error = '550 robin@example.test unknown' WHERE id = %lld",
	    (long long)row);
	harness_db_exec(dir, sql);
	CHECK_INTEQ(held_alarm(h), 1);
	CHECK_INTEQ(nalarms(), before + 2);
	last = db_value("SELECT max(id) FROM outbox");
	CHECK_INTEQ(db_value("SELECT case_id FROM outbox WHERE id = "
	    "(SELECT max(id) FROM outbox)"), case_id);
	mail = mail_of(last);
	CHECK_STRSTR(mail, "amber-heron");
	CHECK_STRSTR(mail, "conductctl retry outbox:");
	CHECK(strstr(mail, "robin") == NULL);	/* not the reason */
	free(mail);
	snprintf(sql, sizeof(sql), "SELECT held_at FROM outbox WHERE id = %lld",
	    (long long)row);
	CHECK_INTEQ(db_value(sql), 1790200000);
	CHECK_INTEQ(held_alarm(h), 0);

	/* A held alarm is logged, never alarmed about (no loop). */
	alarm = last;
	snprintf(sql, sizeof(sql), "UPDATE outbox SET state = 'held' WHERE "
	    "id = %lld", (long long)alarm);
	harness_db_exec(dir, sql);
	CHECK_INTEQ(held_alarm(h), 1);
	CHECK_INTEQ(nalarms(), before + 2);
	CHECK_INTEQ(held_alarm(h), 0);

	/* A retry resets the row; held again, it alarms again. */
	CHECK_INTEQ(store_held_retry(st, STORE_HELD_OUTBOX, row, 1790200100),
	    1);
	snprintf(sql, sizeof(sql), "SELECT state = 'queued' AND "
	    "next_attempt = 1790200100 AND held_alarmed = 0 FROM outbox "
	    "WHERE id = %lld", (long long)row);
	CHECK_INTEQ(db_value(sql), 1);
	CHECK_INTEQ(store_held_set(st, STORE_HELD_OUTBOX, row, 1,
	    "sealed mail does not open", 1790200200), 0);
	CHECK_INTEQ(held_alarm(h), 1);
	CHECK_INTEQ(nalarms(), before + 3);
	unsetenv("CONDUCTD_CLOCK");
}

int
main(void)
{
	struct config		 conf;
	struct member		 lead;
	struct crypto_key	*key;
	struct schedule		*sch;
	struct held		*h;
	const char		*top = getenv("top_srcdir");
	char			 path[512], templates[512];
	char			*emails[] = { "lena@example.test" };

	setenv("TZ", "UTC", 1);
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-held");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	st = harness_store(dir, &key);
	if (st == NULL)
		return harness_done();
	snprintf(templates, sizeof(templates), "%s/conf/templates",
	    top != NULL ? top : "..");
	memset(&lead, 0, sizeof(lead));
	lead.name = "lena";
	lead.emails = emails;
	lead.nemails = 1;
	lead.role = ROLE_LEAD;
	memset(&conf, 0, sizeof(conf));
	conf.alias = "conduct@example.test";
	conf.delimiter = '+';
	conf.tag = "CoC";
	conf.committee_name = "Example Committee";
	conf.language = (char *)"en";
	conf.templates = templates;
	conf.digest_day = 0;
	conf.digest_hour = 9;
	sch = schedule_new(&conf, st, key);
	h = held_new(&conf, st, key);

	test_backoff();
	test_schedule(sch);
	conf.members = &lead;
	conf.nmembers = 1;
	test_alarms(h);

	held_free(h);
	schedule_free(sch);
	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}

/*
 * test-plan: the scheduler plans only the cases that changed (issue 13),
 * and that loses nothing.  Random changes to cases and member states,
 * each followed by a pass; then every case is marked to plan again and
 * the deadline table must not change: the incremental plan is the whole
 * plan.  A control run with one trigger dropped must show a difference,
 * so the comparison can fail.  And the count: a pass after nothing
 * changed reads no case row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "harness.h"
#include "harness_store.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "schedule.h"
#include "store.h"

#define T0		1796000000LL	/* the frozen clock */
#define DAY		86400
#define NCASES		40
#define NSTEPS		600

static char		 dir[] = "/tmp/test-plan.XXXXXX";
static struct store	*st;
static int64_t		 ids[NCASES];
static size_t		 nids;

/* The deadline table, one line per row, newly allocated. */
static char *
deadlines(void)
{
	sqlite3		*db;
	sqlite3_stmt	*q;
	char		 path[512], *out = NULL, *line;
	size_t		 len = 0, n;

	snprintf(path, sizeof(path), "%s/db", dir);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT case_id, kind, member, due, "
	    "base FROM deadline ORDER BY case_id, kind, member, due", -1, &q,
	    NULL) == SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		n = (size_t)asprintf(&line, "%lld %s %s %lld %lld\n",
		    sqlite3_column_int64(q, 0), sqlite3_column_text(q, 1),
		    sqlite3_column_text(q, 2), sqlite3_column_int64(q, 3),
		    sqlite3_column_int64(q, 4));
		out = realloc(out, len + n + 1);
		memcpy(out + len, line, n + 1);
		len += n;
		free(line);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out != NULL ? out : strdup("");
}

static unsigned
rnd(unsigned n)
{
	return crypto_random_uniform(n);
}

/* One random change of a case or of a member's state on one. */
static void
change(void)
{
	static const char *const states[] = { "checked", "participant",
	    "recused", "none", "mentioned" };
	static const char *const status[] = { "new", "investigating",
	    "waiting", "resolved", "closed" };
	struct store_case_new	cn;
	char			code[32], member[16];
	int64_t			id;
	time_t			later = T0 + 30 * DAY + rnd(10 * DAY);

	if (nids < NCASES && (nids == 0 || rnd(4) == 0)) {
		memset(&cn, 0, sizeof(cn));
		snprintf(code, sizeof(code), "plan-%zu", nids);
		cn.code_name = code;
		cn.received = later;
		cn.urgent = rnd(4) == 0;
		CHECK(store_case_add(st, &cn, &id) == 0);
		ids[nids++] = id;
		return;
	}
	id = ids[rnd(nids)];
	snprintf(member, sizeof(member), "member%u", rnd(4));
	switch (rnd(6)) {
	case 0:
		CHECK(store_member_set(st, id, member, states[rnd(5)], "",
		    later) == 0);
		break;
	case 1:
		CHECK(store_case_set_ack(st, id, 1 + rnd(1000), "") == 0);
		break;
	case 2:
		CHECK(store_case_set_ack_sent(st, id, later) == 0);
		break;
	case 3:
		CHECK(store_case_set_number(st, id, STORE_CASE_FOLLOWUP_AT,
		    later + DAY) == 0);
		break;
	case 4:
		CHECK(store_case_set_number(st, id, STORE_CASE_BACKUPS_ASKED,
		    rnd(2)) == 0);
		break;
	default:
		CHECK(store_case_set_text(st, id, STORE_CASE_STATUS,
		    status[rnd(5)]) == 0);
		break;
	}
}

/* A pass: only the plan runs, nothing is due before T0 + 30 days. */
static void
pass(struct schedule *sch)
{
	CHECK_INTEQ(schedule_run(sch), 0);
}

/* steps random changes, a pass after some; 1 when a full plan differs. */
static int
run(struct schedule *sch, int steps)
{
	char	*inc, *full;
	int	 i, differs;

	for (i = 0; i < steps; i++) {
		change();
		if (rnd(3) == 0)
			pass(sch);
	}
	pass(sch);
	inc = deadlines();
	harness_db_exec(dir, "INSERT OR IGNORE INTO plan_dirty SELECT id FROM "
	    "cases");
	pass(sch);
	full = deadlines();
	differs = strcmp(inc, full) != 0;
	free(inc);
	free(full);
	return differs;
}

static void
test_plan(struct schedule *sch)
{
	uint64_t	before;

	CHECK_INTEQ(run(sch, NSTEPS), 0);
	before = store_cases_read(st);
	pass(sch);
	CHECK_INTEQ((long long)(store_cases_read(st) - before), 0);

	/* The control: without the trigger on cases, plans go missing. */
	harness_db_exec(dir, "DROP TRIGGER plan_case_update");
	CHECK_INTEQ(run(sch, NSTEPS), 1);
	harness_db_exec(dir, "CREATE TRIGGER plan_case_update AFTER UPDATE ON "
	    "cases BEGIN INSERT INTO plan_dirty SELECT new.id WHERE NOT EXISTS "
	    "(SELECT 1 FROM plan_dirty WHERE case_id = new.id); END");
	CHECK_INTEQ(run(sch, NSTEPS), 0);
}

int
main(void)
{
	static struct config	 conf;
	struct crypto_key	*key = NULL;
	struct schedule		*sch;
	struct tm		 tm;
	time_t			 t0 = (time_t)T0;
	char			 path[512], buf[32];

	setenv("TZ", "UTC", 1);
	snprintf(buf, sizeof(buf), "%lld", T0);
	setenv("CONDUCTD_CLOCK", buf, 1);
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-plan");
	crypto_init();
	if (mkdtemp(dir) == NULL)
		return 1;
	st = harness_store(dir, &key);
	if (st == NULL)
		return harness_done();
	gmtime_r(&t0, &tm);
	memset(&conf, 0, sizeof(conf));
	conf.alias = "conduct@example.test";
	conf.ack_alarm_after = 12 * 3600;
	conf.followup_within = 7 * DAY;
	conf.reminders[0] = 2 * DAY;
	conf.reminders[1] = DAY;
	conf.nreminders = 2;
	conf.conflict_reminder_after = 2 * DAY;
	conf.conflict_escalate_after = 3 * DAY;
	/* The digest falls days away from the frozen clock: none is due. */
	conf.digest_day = (tm.tm_wday + 3) % 7;
	conf.digest_hour = 9;
	sch = schedule_new(&conf, st, key);

	test_plan(sch);

	schedule_free(sch);
	store_close(st);
	crypto_key_free(key);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 1;
	return harness_done();
}

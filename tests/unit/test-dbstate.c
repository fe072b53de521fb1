/*
 * test-dbstate: the daemon's backoff while its database fails: the wait
 * doubles from DBSTATE_BACKOFF_MIN to DBSTATE_BACKOFF_MAX and stays
 * there, a working pass ends it, and only a change of state is logged
 * (one warning when the database starts failing, one when it works
 * again), however many passes fail in between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "harness_log.h"
#include "dbstate.h"
#include "log.h"

static void
test_backoff(void)
{
	static const int	 want[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256,
	    300, 300, 300 };
	struct dbstate		 d;
	size_t			 i;

	dbstate_init(&d);
	CHECK_INTEQ(d.state, DBSTATE_WORKING);
	CHECK_STREQ(dbstate_strstate(d.state), "working");
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_NONE), 0);
	CHECK_INTEQ(d.changes, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_FULL), want[i]);
	CHECK_INTEQ(d.state, DBSTATE_FAILING);
	CHECK_STREQ(dbstate_strstate(d.state), "failing");
	CHECK_INTEQ(d.fault, STORE_FAULT_FULL);
	CHECK_INTEQ(d.changes, 1);
	/* Another kind of fault while failing is no change of state. */
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_IO), 300);
	CHECK_INTEQ(d.fault, STORE_FAULT_IO);
	CHECK_INTEQ(d.changes, 1);
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_NONE), 0);
	CHECK_INTEQ(d.state, DBSTATE_WORKING);
	CHECK_INTEQ(d.changes, 2);
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_NONE), 0);
	/* A new failure starts over from the shortest wait. */
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_BUSY), 1);
	CHECK_INTEQ(dbstate_pass(&d, STORE_FAULT_BUSY), 2);
	CHECK_INTEQ(d.changes, 3);
	CHECK_STREQ(dbstate_strstate((enum dbstate_state)7), "unknown");
}

/* An hour of a full disk at the longest wait: two warnings in all. */
static void
test_logged_once(void)
{
	struct dbstate	d;
	int		i, waited = 0;

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_INFO, "test-dbstate");
	log_capture();
	dbstate_init(&d);
	dbstate_pass(&d, STORE_FAULT_NONE);
	for (i = 0; waited < 3600; i++)
		waited += dbstate_pass(&d, STORE_FAULT_FULL);
	dbstate_pass(&d, STORE_FAULT_NONE);
	dbstate_pass(&d, STORE_FAULT_NONE);
	CHECK(i > 15);
	CHECK_INTEQ(log_lines("warn: "), 2);
	log_capture();
	dbstate_init(&d);
	dbstate_pass(&d, STORE_FAULT_FULL);
	dbstate_pass(&d, STORE_FAULT_FULL);
	CHECK_INTEQ(log_lines("database failing: disk full; retrying with "
	    "backoff"), 1);
	log_capture();
	dbstate_pass(&d, STORE_FAULT_NONE);
	CHECK_INTEQ(log_lines("database working again"), 1);
}

int
main(void)
{
	test_backoff();
	test_logged_once();
	return harness_done();
}

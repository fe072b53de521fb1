/*
 * dbstate: the daemon's view of its database as a two-state machine.
 * WORKING goes to FAILING on the first pass with a fault; FAILING waits
 * DBSTATE_BACKOFF_MIN seconds, doubling after each failed pass up to
 * DBSTATE_BACKOFF_MAX, and goes back to WORKING on the first pass
 * without one.  dbstate_enter_state is the only place that logs, so a
 * disk that stays full for an hour is two log lines, not thousands.
 */
#include <stddef.h>

#include "dbstate.h"
#include "log.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const dbstate_names[] = {
	[DBSTATE_WORKING] = "working",
	[DBSTATE_FAILING] = "failing",
};

const char *
dbstate_strstate(enum dbstate_state state)
{
	if ((size_t)state >= nitems(dbstate_names))
		return "unknown";
	return dbstate_names[state];
}

void
dbstate_init(struct dbstate *d)
{
	d->state = DBSTATE_WORKING;
	d->fault = STORE_FAULT_NONE;
	d->backoff = 0;
	d->changes = 0;
}

static void
dbstate_enter_state(struct dbstate *d, enum dbstate_state state,
    enum store_fault fault)
{
	d->state = state;
	d->fault = fault;
	d->changes++;
	if (state == DBSTATE_FAILING) {
		d->backoff = DBSTATE_BACKOFF_MIN;
		log_warnx("conductd: database failing: %s; retrying with "
		    "backoff (up to %d s)", store_strfault(fault),
		    DBSTATE_BACKOFF_MAX);
	} else {
		d->backoff = 0;
		log_warnx("conductd: database working again");
	}
}

int
dbstate_pass(struct dbstate *d, enum store_fault fault)
{
	if (d->state == DBSTATE_WORKING) {
		if (fault != STORE_FAULT_NONE)
			dbstate_enter_state(d, DBSTATE_FAILING, fault);
		return d->backoff;
	}
	if (fault == STORE_FAULT_NONE) {
		dbstate_enter_state(d, DBSTATE_WORKING, fault);
		return 0;
	}
	d->fault = fault;
	d->backoff = d->backoff * 2 > DBSTATE_BACKOFF_MAX ?
	    DBSTATE_BACKOFF_MAX : d->backoff * 2;
	log_debug("conductd: database still failing (%s), next pass in %d s",
	    store_strfault(fault), d->backoff);
	return d->backoff;
}

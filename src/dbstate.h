/*
 * dbstate: whether the database works, as the daemon sees it after each
 * pass, and how long to wait before the next pass while it fails.  A
 * failing database (a full disk, an I/O error, a lock held too long)
 * backs off exponentially up to DBSTATE_BACKOFF_MAX seconds, and is
 * logged once when it starts failing and once when it works again.
 */
#ifndef DBSTATE_H
#define DBSTATE_H

#include "store.h"

#define DBSTATE_BACKOFF_MIN	1	/* seconds */
#define DBSTATE_BACKOFF_MAX	300

enum dbstate_state {
	DBSTATE_WORKING = 0,
	DBSTATE_FAILING
};

struct dbstate {
	enum dbstate_state	 state;
	enum store_fault	 fault;		/* why it fails */
	int			 backoff;	/* seconds; 0 while working */
	int			 changes;	/* state changes (logged) */
};

void	dbstate_init(struct dbstate *);
/*
 * Feeds the outcome of one pass (STORE_FAULT_NONE: every database call
 * worked).  Returns the seconds to wait before the next pass, 0 while
 * the database works.  Logs a change of state, and only that.
 */
int	dbstate_pass(struct dbstate *, enum store_fault);
const char *dbstate_strstate(enum dbstate_state);

#endif

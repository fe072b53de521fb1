/*
 * crash: dies at a named durable step when CONDUCTD_CRASH_AT asks for it,
 * so tests can walk every step and prove that a restart loses nothing
 * and doubles nothing.  Every durable step of the daemon (every commit
 * of its passes, and the steps around a send) is one row of the table
 * below; t-crash.sh reads the table from `conductd --crash-points` and
 * walks each row, so a point added here is walked at once.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash.h"
#include "log.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

struct crash_def {
	const char	*name;
	const char	*what;		/* the durable step just before it */
};

/* In the order a pass reaches them. */
static const struct crash_def crash_table[] = {
	{ "after-store", "intake: a batch of fetched messages stored, "
	    "their failed fetches forgotten (committed), not yet moved on "
	    "the server" },
	{ "after-move", "intake: the batch moved to the processed folder, "
	    "not yet recorded as moved" },
	{ "after-mark-moved", "intake: the batch recorded as moved and "
	    "processed (committed)" },
	{ "after-uid-fail", "intake: one failed fetch counted "
	    "(committed): a batch's, so the next passes fetch one message "
	    "per command, or one message's, whose UID is held after 3" },
	{ "after-uid-fetched", "intake: a pass fetched every message one "
	    "per command, the batch failure forgotten (committed); "
	    "idempotent, a crash before it costs one more such pass" },
	{ "after-resync", "cases: members ruled out of open cases recused "
	    "again after a start or reload (committed)" },
	{ "after-decide", "cases: one stored message classified and acted "
	    "on, its outbox rows queued (committed with its batch; passed "
	    "once per message of the batch)" },
	{ "after-hold", "quarantine: one failing message, deadline or "
	    "outbox row deferred with backoff or set aside as held "
	    "(committed)" },
	{ "after-settle", "cases: copies of handled messages settled "
	    "(committed)" },
	{ "after-summary", "cases: one sender's summary acknowledgment "
	    "queued (committed)" },
	{ "after-plan", "schedule: the deadlines of new and changed cases "
	    "planned (committed)" },
	{ "after-deadline", "schedule: one due deadline acted on, its mail "
	    "queued (committed)" },
	{ "after-schedule", "cases and scheduler done for the pass, the "
	    "outbox not yet drained" },
	{ "before-send", "outbox: one row's send recorded as begun "
	    "(committed), not yet sent" },
	{ "after-send", "outbox: the server accepted one row, not yet "
	    "marked sent" },
	{ "after-mark-sent", "outbox: one row's outcome recorded "
	    "(committed)" },
	{ "after-retry-unreachable", "outbox: rows deferred while the "
	    "server was unreachable made due again (committed)" },
	{ "after-held-alarm", "quarantine: one held item's alarm to the "
	    "leads queued and the item marked alarmed (committed)" },
	{ "after-fail-alarm", "outbox: one permanently refused row's alarm "
	    "to the leads queued and the row marked alarmed (committed)" },
};

static int		 crash_parsed;
static ssize_t		 crash_want = -1;	/* index; -1: none */
static unsigned long	 crash_nth = 1;
static unsigned long	 crash_hits[nitems(crash_table)];

static ssize_t
crash_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(crash_table); i++)
		if (strlen(crash_table[i].name) == len &&
		    strncmp(crash_table[i].name, name, len) == 0)
			return (ssize_t)i;
	return -1;
}

/* Parses "NAME" or "NAME:N" into crash_want and crash_nth. */
static int
crash_parse(const char *v, char **errstr)
{
	const char	*colon;
	char		*end;
	unsigned long	 n = 1;
	ssize_t		 i;

	colon = strchr(v, ':');
	if (colon != NULL) {
		errno = 0;
		n = strtoul(colon + 1, &end, 10);
		if (colon[1] < '1' || colon[1] > '9' || *end != '\0' ||
		    errno != 0 || n > INT_MAX) {
			xasprintf(errstr, "CONDUCTD_CRASH_AT: '%s': the count "
			    "after ':' must be a positive number", colon + 1);
			return -1;
		}
	}
	if ((i = crash_find(v, colon != NULL ? (size_t)(colon - v) :
	    strlen(v))) == -1) {
		xasprintf(errstr, "CONDUCTD_CRASH_AT: no crash point named "
		    "'%.*s' (see conductd --crash-points)",
		    colon != NULL ? (int)(colon - v) : (int)strlen(v), v);
		return -1;
	}
	crash_want = i;
	crash_nth = n;
	return 0;
}

int
crash_check(char **errstr)
{
	const char	*v;

	crash_parsed = 1;
	crash_want = -1;
	if ((v = getenv("CONDUCTD_CRASH_AT")) == NULL || *v == '\0')
		return 0;
	return crash_parse(v, errstr);
}

void
crash_point(const char *name)
{
	char	*errstr = NULL;
	ssize_t	 i;

	if (getenv("CONDUCTD_CRASH_AT") == NULL)
		return;
	if ((i = crash_find(name, strlen(name))) == -1) {
		log_warnx("crash: crash_point(\"%s\") is not in the table",
		    name);
		abort();
	}
	if (!crash_parsed && crash_check(&errstr) == -1) {
		log_warnx("crash: %s", errstr);
		abort();
	}
	if (i != crash_want || ++crash_hits[i] != crash_nth)
		return;
	log_warnx("crash: injected crash at %s (time %lu)", name, crash_nth);
	raise(SIGKILL);
	_exit(137);
}

void
crash_list(FILE *fp)
{
	size_t	i;

	for (i = 0; i < nitems(crash_table); i++)
		fprintf(fp, "%s\t%s\n", crash_table[i].name,
		    crash_table[i].what);
}

size_t
crash_count(void)
{
	return nitems(crash_table);
}

const char *
crash_name(size_t i)
{
	return i < nitems(crash_table) ? crash_table[i].name : NULL;
}

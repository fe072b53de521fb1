/*
 * casestatus: a case's lifecycle state from its row.  The names and what
 * each state means for the steps that read cases are one table, so no
 * caller compares status strings of its own.
 */
#include <string.h>

#include "casestatus.h"
#include "store.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	int		 settled;	/* nobody is asked anything more */
} casestatus_table[] = {
	[CASE_NEW] =		{ "new",		0 },
	[CASE_INVESTIGATING] =	{ "investigating",	0 },
	[CASE_WAITING] =	{ "waiting",		0 },
	[CASE_RESOLVED] =	{ "resolved",		1 },
	[CASE_CLOSED] =		{ "closed",		1 },
	[CASE_PURGED] =		{ "purged",		1 },
};

enum case_status
casestatus_of(const struct store_case *sc)
{
	size_t	i;

	if (sc->purged != 0)
		return CASE_PURGED;
	for (i = 0; i < CASE_PURGED; i++)
		if (strcmp(sc->status, casestatus_table[i].name) == 0)
			return (enum case_status)i;
	return CASE_NEW;
}

const char *
casestatus_name(enum case_status st)
{
	if ((size_t)st >= nitems(casestatus_table))
		return "unknown";
	return casestatus_table[st].name;
}

int
casestatus_settled(const struct store_case *sc)
{
	return casestatus_table[casestatus_of(sc)].settled;
}

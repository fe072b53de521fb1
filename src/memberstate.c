/*
 * memberstate: a member's standing on a case from its stored name, and
 * what each standing means, in one table (the model is casestatus.c).
 */
#include <stddef.h>
#include <string.h>

#include "memberstate.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	int		 kept_out;	/* gets nothing about the case */
	int		 on_case;	/* their case address is theirs */
} memberstate_table[] = {
	[MEMBER_NONE] =		{ "",		0, 0 },
	[MEMBER_RECUSED] =	{ "recused",	1, 0 },
	[MEMBER_MENTIONED] =	{ "mentioned",	1, 0 },
	[MEMBER_CHECKED] =	{ "checked",	0, 1 },
	[MEMBER_PARTICIPANT] =	{ "participant", 0, 1 },
	[MEMBER_CONFLICT] =	{ "conflict",	1, 0 },
	[MEMBER_WITHDRAWN] =	{ "withdrawn",	1, 0 },
};

enum member_state
memberstate_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(memberstate_table); i++)
		if (strcmp(name, memberstate_table[i].name) == 0)
			return (enum member_state)i;
	return MEMBER_RECUSED;
}

const char *
memberstate_name(enum member_state st)
{
	if ((size_t)st >= nitems(memberstate_table))
		return "unknown";
	return memberstate_table[st].name;
}

int
memberstate_kept_out(enum member_state st)
{
	return (size_t)st >= nitems(memberstate_table) ||
	    memberstate_table[st].kept_out;
}

int
memberstate_on_case(enum member_state st)
{
	return (size_t)st < nitems(memberstate_table) &&
	    memberstate_table[st].on_case;
}

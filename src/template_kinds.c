/*
 * template_kinds: every template conductd renders, and the variables
 * each one may use (template_kinds.h).  This table is the only list of
 * them: template.c refuses any other variable, confcheck.c renders each
 * kind with all of its variables, and conf/templates/README documents
 * them for admins.  A kind marked TEMPLATE_F_SUBJECT begins with its
 * mail's "Subject:" line; the others are a mail's whole text, or a part
 * of one that another template takes in as a variable.
 */
#include <string.h>

#include "template_kinds.h"

#define S	TEMPLATE_F_SUBJECT

static const struct template_kind template_kinds[] = {
	/* To the reporter. */
	{ "ack", 0, { "committee", "code_name", "followup_days", "alias",
	    "missing_fields", NULL } },
	{ "ack-summary", S, { "committee", "code_names", "alias", NULL } },
	{ "case-purged", S, { "committee", "code_name", "alias", NULL } },

	/* To the committee: conflicts of interest. */
	{ "conflict-check", S, { "committee", "code_name", "reported",
	    "mentioned", NULL } },
	{ "conflict-check-triage", S, { "committee", "code_name", "reported",
	    "mentioned", NULL } },
	{ "conflict-reminder", S, { "committee", "code_name", NULL } },

	/* To the committee: deadlines and alarms. */
	{ "reminder", S, { "committee", "code_name", "due", "span", NULL } },
	{ "overdue", S, { "committee", "code_name", "due", NULL } },
	{ "urgent", S, { "committee", "code_name", "location_para", NULL } },
	{ "urgent-location", 0, { "location", NULL } },
	{ "urgent-location-unknown", 0, { NULL } },
	{ "ack-alarm", S, { "committee", "code_name", "late", "left",
	    "deadline", NULL } },
	{ "ack-alarm-missed", S, { "committee", "code_name", "late",
	    "deadline", NULL } },

	/* To a member about their mail. */
	{ "help", S, { "committee", "code_name", NULL } },
};

#define NKINDS	(sizeof(template_kinds) / sizeof(template_kinds[0]))

const struct template_kind *
template_kinds_find(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < NKINDS; i++)
		if (strcmp(template_kinds[i].name, name) == 0)
			return &template_kinds[i];
	return NULL;
}

size_t
template_kinds_count(void)
{
	return NKINDS;
}

const struct template_kind *
template_kinds_get(size_t i)
{
	return i < NKINDS ? &template_kinds[i] : NULL;
}

int
template_kinds_has_var(const struct template_kind *k, const char *name,
    size_t len)
{
	size_t	i;

	for (i = 0; i < TEMPLATE_KINDS_MAXVARS && k->vars[i] != NULL; i++)
		if (strlen(k->vars[i]) == len &&
		    memcmp(k->vars[i], name, len) == 0)
			return 1;
	return 0;
}

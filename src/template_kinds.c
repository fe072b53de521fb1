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

/* A command line the parser refused (commands_error_vars). */
#define TEMPLATE_KINDS_CMD	"command", "example", "choices", "max"

/* A vote's figures: every tally line may use all of them. */
#define TEMPLATE_KINDS_TALLY	"member", "vote", "proposal", "yes", "no", \
	"abstain", "needed", "participants"

static const struct template_kind template_kinds[] = {
	/* To the reporter. */
	{ "ack", 0, { "committee", "code_name", "followup_days", "alias",
	    "missing_fields", NULL } },
	{ "ack-missing", 0, { "fields", NULL } },
	{ "ack-pgp", 0, { "key_address", "fingerprint", NULL } },
	{ "key", S, { "committee", "fingerprint", "alias", NULL } },
	{ "ack-no-subject", 0, { NULL } },
	{ "ack-summary", S, { "committee", "code_names", "alias", NULL } },
	{ "case-purged", S, { "committee", "code_name", "alias", NULL } },

	/* The reporter's mail: a member's message, from the alias. */
	{ "to-reporter", S, { "committee", "code_name", "text", NULL } },

	/* Mail outside the committee: the reported person, the moderators. */
	{ "to-reported", S, { "committee", "code_name", "text", NULL } },
	{ "to-moderators", S, { "committee", "code_name", "text", NULL } },

	/* To the case's participants: the report, relayed mail. */
	{ "report", S, { "committee", "code_name", "received", "subject",
	    "fields", NULL } },
	{ "via-member", 0, { "committee", "member", NULL } },
	{ "via-reporter", 0, { "committee", NULL } },
	{ "via-reported", 0, { "committee", NULL } },
	{ "via-moderators", 0, { "committee", NULL } },
	{ "moderators-accepted", 0, { "moderator", NULL } },
	{ "moderators-declined", 0, { "moderator", NULL } },
	{ "hint-reported", 0, { NULL } },
	{ "hint-moderators", 0, { NULL } },
	{ "no-subject", 0, { NULL } },
	{ "field-contact", 0, { NULL } },
	{ "field-when", 0, { NULL } },
	{ "field-location", 0, { NULL } },
	{ "field-ongoing", 0, { NULL } },
	{ "field-description", 0, { NULL } },
	{ "field-reported", 0, { NULL } },
	{ "field-circumstances", 0, { NULL } },
	{ "field-witnesses", 0, { NULL } },

	/* The note on a report cut at max_message_size (cutnote.c). */
	{ "cut-note", 0, { "size", "limit", "parts", NULL } },
	{ "cut-note-unknown", 0, { NULL } },
	{ "cut-no-parts", 0, { NULL } },
	{ "cut-parts", 0, { "parts", NULL } },
	{ "cut-part-left-out", 0, { "section", "type", "name", "octets",
	    NULL } },
	{ "cut-part-cut", 0, { "section", "type", "name", "octets", "kept",
	    NULL } },
	{ "cut-part-name", 0, { "name", NULL } },
	{ "cut-where-uid", 0, { "folder", "uid", "uidvalidity", NULL } },
	{ "cut-where-msgid", 0, { "folder", "message_id", NULL } },
	{ "cut-where-folder", 0, { "folder", NULL } },

	/* To the committee: conflicts of interest. */
	{ "conflict-check", S, { "committee", "code_name", "reported",
	    "mentioned", NULL } },
	{ "conflict-check-triage", S, { "committee", "code_name", "reported",
	    "mentioned", NULL } },
	{ "mentioned", 0, { "members", NULL } },
	{ "mentioned-member", 0, { "member", NULL } },
	{ "conflict-reminder", S, { "committee", "code_name", NULL } },

	/* To a participant: the reported person matches other cases. */
	{ "pattern", S, { "committee", "code_name", "count", "cases",
	    NULL } },
	{ "pattern-cases", 0, { "code_names", NULL } },
	{ "pattern-none", 0, { NULL } },
	{ "pattern-count", S, { "committee", "code_name", "count", NULL } },

	/* To the committee: deadlines and alarms. */
	{ "reminder", S, { "committee", "code_name", "due", "span", NULL } },
	{ "overdue", S, { "committee", "code_name", "due", NULL } },
	{ "moderators-reminder", S, { "committee", "code_name", "asked",
	    NULL } },
	{ "urgent", S, { "committee", "code_name", "location_para", NULL } },
	{ "urgent-location", 0, { "location", NULL } },
	{ "urgent-location-unknown", 0, { NULL } },
	{ "span-days", 0, { "n", NULL } },
	{ "span-day", 0, { "n", NULL } },
	{ "span-hours", 0, { "n", NULL } },
	{ "span-hour", 0, { "n", NULL } },
	{ "span-minutes", 0, { "n", NULL } },
	{ "ack-alarm", S, { "committee", "code_name", "late", "left",
	    "deadline", NULL } },
	{ "ack-alarm-missed", S, { "committee", "code_name", "late",
	    "deadline", NULL } },

	/* The weekly digest, to each member: the cases they may follow. */
	{ "digest", S, { "committee", "date", "cases", NULL } },
	{ "digest-case", 0, { "code_name", "status", "safety", "repeat",
	    "urgent", "received", "due", "overdue", NULL } },
	{ "digest-urgent", 0, { NULL } },
	{ "digest-overdue", 0, { NULL } },
	{ "digest-actions", 0, { "value", NULL } },
	{ "digest-resolution", 0, { "value", NULL } },
	{ "digest-outreach", 0, { "moderators", "reported", NULL } },
	{ "digest-none", 0, { NULL } },

	/* A mail the server refused for good, to the leads. */
	{ "refused-alarm", S, { "committee", "code_name", "whose", "what",
	    "reply_code", "reply", NULL } },
	{ "whose-reporter", 0, { NULL } },
	{ "whose-reported", 0, { NULL } },
	{ "whose-moderators", 0, { NULL } },
	{ "whose-sender", 0, { NULL } },
	{ "whose-former-member", 0, { NULL } },
	{ "whose-lead", 0, { NULL } },
	{ "whose-backup", 0, { NULL } },
	{ "whose-member", 0, { NULL } },
	{ "what-ack", 0, { NULL } },
	{ "what-to-reporter", 0, { NULL } },
	{ "what-to-reported", 0, { NULL } },
	{ "what-to-moderators", 0, { NULL } },
	{ "what-notice", 0, { NULL } },
	{ "what-conflict-check", 0, { NULL } },
	{ "what-conflict-reminder", 0, { NULL } },
	{ "what-report", 0, { NULL } },
	{ "what-relay", 0, { NULL } },
	{ "what-echo", 0, { NULL } },
	{ "what-urgent", 0, { NULL } },
	{ "what-reminder", 0, { NULL } },
	{ "what-overdue", 0, { NULL } },
	{ "what-alarm", 0, { NULL } },
	{ "what-digest", 0, { NULL } },
	{ "what-mail", 0, { NULL } },

	/* An item set aside after failing (held.c), to the leads. */
	{ "held-alarm", S, { "committee", "code_name", "item", "of_case",
	    "attempts", "reason_line", "retry", "id", NULL } },
	{ "held-message", 0, { "id", NULL } },
	{ "held-uid", 0, { "what", NULL } },
	{ "held-outbox", 0, { "id", "what", NULL } },
	{ "held-deadline", 0, { "id", "what", NULL } },
	{ "held-of-case", 0, { "code_name", NULL } },
	{ "held-tries-one", 0, { NULL } },
	{ "held-tries", 0, { "tries", NULL } },
	{ "held-reason", 0, { "reason", NULL } },

	/* To a member about their mail. */
	{ "help", S, { "committee", "code_name", NULL } },
	{ "refusal", S, { "committee", "code_name", "reason", NULL } },
	{ "refused-some", S, { "committee", "code_name", "reasons", NULL } },
	{ "not-relayed", S, { "committee", "code_name", "count", NULL } },
	{ "nothing-passed", S, { "committee", "code_name", NULL } },
	{ "forged", S, { "committee", "code_name", NULL } },
	{ "key-needed", S, { "committee", "code_name", NULL } },
	{ "unsigned", S, { "committee", "code_name", NULL } },
	{ "not-passed-on", S, { "committee", "alias", NULL } },
	{ "not-passed-on-conflict", S, { "committee", "alias", NULL } },
	{ "not-passed-on-recused", S, { "committee", "alias", NULL } },

	/* Why a command was refused: ${reason}, one "- " line of ${reasons}. */
	{ "why-takes-no-argument", 0, { TEMPLATE_KINDS_CMD, NULL } },
	{ "why-needs-argument", 0, { TEMPLATE_KINDS_CMD, NULL } },
	{ "why-needs-choice", 0, { TEMPLATE_KINDS_CMD, NULL } },
	{ "why-unknown-command", 0, { TEMPLATE_KINDS_CMD, NULL } },
	{ "why-unknown", 0, { TEMPLATE_KINDS_CMD, NULL } },
	{ "why-too-many-commands", 0, { TEMPLATE_KINDS_CMD, NULL } },
	/* ${example} of why-needs-argument, per command with an argument. */
	{ "example-reported", 0, { NULL } },
	{ "example-actions", 0, { NULL } },
	{ "example-resolution", 0, { NULL } },
	{ "example-propose", 0, { NULL } },
	{ "example-include", 0, { NULL } },
	{ "example-moderators", 0, { NULL } },
	{ "why-lead-only", 0, { NULL } },
	{ "why-answered", 0, { NULL } },
	{ "why-not-participant", 0, { NULL } },
	{ "why-include-nobody", 0, { NULL } },
	{ "why-include-not-mentioned", 0, { NULL } },
	{ "why-no-reporter-address", 0, { NULL } },
	{ "why-to-reporter-empty", 0, { NULL } },
	{ "why-to-reporter-member", 0, { NULL } },
	{ "why-to-reporter-address", 0, { NULL } },
	{ "why-no-proposal", 0, { NULL } },
	{ "why-proposal-open", 0, { NULL } },
	{ "why-no-reported-address", 0, { NULL } },
	{ "why-no-moderators", 0, { NULL } },
	{ "why-outgoing-empty", 0, { NULL } },
	{ "why-outgoing-reporter", 0, { NULL } },
	{ "why-outgoing-witness", 0, { NULL } },
	{ "why-outgoing-address", 0, { NULL } },
	{ "why-one-outgoing", 0, { NULL } },
	{ "why-outgoing-member", 0, { NULL } },
	{ "why-moderators-address", 0, { NULL } },
	{ "why-reported-lead-only", 0, { NULL } },

	/*
	 * The echo of carried-out commands to the case's participants: the
	 * lines in order; the mail's subject is its first line.
	 */
	{ "echo-noconflict", 0, { "member", NULL } },
	{ "echo-recuse", 0, { "member", NULL } },
	{ "echo-reported", 0, { "member", "reported", NULL } },
	{ "echo-status", 0, { "member", "value", NULL } },
	{ "echo-safety", 0, { "member", "value", NULL } },
	{ "echo-repeat", 0, { "member", "value", NULL } },
	{ "echo-actions", 0, { "member", "value", NULL } },
	{ "echo-resolution", 0, { "member", "value", NULL } },
	{ "echo-to-reporter", 0, { "member", "text", NULL } },
	{ "echo-to-reported", 0, { "member", "text", NULL } },
	{ "echo-to-moderators", 0, { "member", "text", NULL } },
	{ "echo-moderators", 0, { "member", "moderators", NULL } },
	{ "echo-followup-done", 0, { "member", NULL } },
	{ "echo-propose", 0, { "member", "proposal", "needed",
	    "participants", NULL } },
	{ "echo-vote", 0, { TEMPLATE_KINDS_TALLY, NULL } },
	{ "echo-carried", 0, { TEMPLATE_KINDS_TALLY, NULL } },
	{ "echo-not-carried", 0, { TEMPLATE_KINDS_TALLY, NULL } },
	{ "echo-include", 0, { "member", "included", NULL } },
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

/*
 * config: conductd.conf through one declarative option table.  Each entry
 * names a section, a key, a type, where the value goes in struct config,
 * its default and its bounds.  The parser (inih), the defaults, the
 * checks and the documentation test all walk the same table.  Errors are
 * collected as "file:line: [section] key: reason" and returned together.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "xmalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

enum opt_type {
	OPT_STRING,	/* free text */
	OPT_PATH,	/* absolute path */
	OPT_SECRET,	/* path of a file holding a secret: 0600 */
	OPT_INT,	/* integer within min..max */
	OPT_SIZE,	/* byte count with optional K, M, G suffix */
	OPT_TLS,	/* tls, starttls, none */
	OPT_LOGLEVEL,	/* error, warn, info, debug */
	OPT_CHAR,	/* one punctuation character */
	OPT_ADDRESS,	/* a bare e-mail address */
	OPT_ADDRESSES,	/* bare addresses separated by commas */
	OPT_CONTACT,	/* who writes to the reported person */
	OPT_FRACTION,	/* "2/3": a fraction in (0, 1] */
	OPT_DURATION,	/* "90s", "30m", "4h", "7d" -> seconds (long) */
	OPT_DURATIONS,	/* "2d, 1d": up to four durations */
	OPT_WEEKDAY,	/* "monday" .. "sunday" -> 1 .. 0 */
	OPT_URL,	/* http:// or https:// */
	OPT_DETAILS,	/* urgent alert details: none, location */
	OPT_KEEP,	/* days within min..max, or "keep" -> -1 */
	OPT_LANG,	/* a language code: two or three letters a-z */
	OPT_BOOL	/* yes or no */
};

#define OPT_REQUIRED	0x01

struct option {
	const char	*section;
	const char	*key;
	enum opt_type	 type;
	size_t		 offset;
	const char	*def;		/* NULL: no default */
	long long	 min;
	long long	 max;
	int		 flags;
};

#define OFF(field)	offsetof(struct config, field)

static const struct option options[] = {
	{ "daemon", "state_dir", OPT_PATH, OFF(state_dir),
	    LOCALSTATEDIR "/lib/conductd", 0, 0, 0 },
	{ "daemon", "key_file", OPT_SECRET, OFF(key_file),
	    SYSCONFDIR "/conductd/conductd.key", 0, 0, 0 },
	{ "daemon", "poll_interval", OPT_INT, OFF(poll_interval),
	    "60", 1, 86400, 0 },
	{ "daemon", "log_level", OPT_LOGLEVEL, OFF(log_level),
	    "info", 0, 0, 0 },

	{ "imap", "host", OPT_STRING, OFF(imap_host), NULL, 0, 0,
	    OPT_REQUIRED },
	{ "imap", "port", OPT_INT, OFF(imap_port), "0", 0, 65535, 0 },
	{ "imap", "tls", OPT_TLS, OFF(imap_tls), "tls", 0, 0, 0 },
	{ "imap", "ca_file", OPT_PATH, OFF(imap_ca_file), NULL, 0, 0, 0 },
	{ "imap", "user", OPT_STRING, OFF(imap_user), NULL, 0, 0,
	    OPT_REQUIRED },
	{ "imap", "password_file", OPT_SECRET, OFF(imap_password_file),
	    NULL, 0, 0, OPT_REQUIRED },
	{ "imap", "mailbox", OPT_STRING, OFF(imap_mailbox), "INBOX", 0, 0,
	    0 },
	{ "imap", "processed_mailbox", OPT_STRING, OFF(imap_processed),
	    "Processed", 0, 0, 0 },
	{ "imap", "max_message_size", OPT_SIZE, OFF(imap_max_size),
	    "50M", 1024, 1024LL * 1024 * 1024, 0 },
	{ "imap", "fetch_batch", OPT_INT, OFF(imap_batch), "100", 1, 1000,
	    0 },
	{ "imap", "timeout", OPT_INT, OFF(imap_timeout), "60", 1, 3600, 0 },
	{ "imap", "processed_keep", OPT_KEEP, OFF(processed_keep), "30", 0,
	    36500, 0 },

	{ "smtp", "host", OPT_STRING, OFF(smtp_host), NULL, 0, 0, 0 },
	{ "smtp", "port", OPT_INT, OFF(smtp_port), "0", 0, 65535, 0 },
	{ "smtp", "tls", OPT_TLS, OFF(smtp_tls), "tls", 0, 0, 0 },
	{ "smtp", "ca_file", OPT_PATH, OFF(smtp_ca_file), NULL, 0, 0, 0 },
	{ "smtp", "user", OPT_STRING, OFF(smtp_user), NULL, 0, 0, 0 },
	{ "smtp", "password_file", OPT_SECRET, OFF(smtp_password_file),
	    NULL, 0, 0, 0 },
	{ "smtp", "timeout", OPT_INT, OFF(smtp_timeout), "30", 1, 3600, 0 },
	{ "smtp", "connections", OPT_INT, OFF(smtp_connections), "4", 1, 16,
	    0 },

	{ "committee", "name", OPT_STRING, OFF(committee_name),
	    "Code of Conduct Committee", 0, 0, 0 },
	{ "committee", "alias", OPT_ADDRESS, OFF(alias), NULL, 0, 0,
	    OPT_REQUIRED },
	{ "committee", "delimiter", OPT_CHAR, OFF(delimiter), "+", 0, 0, 0 },
	{ "committee", "tag", OPT_STRING, OFF(tag), "CoC", 0, 0, 0 },
	{ "committee", "templates", OPT_PATH, OFF(templates), NULL, 0, 0, 0 },
	{ "committee", "language", OPT_LANG, OFF(language), "en", 0, 0, 0 },
	{ "committee", "min_free_leads", OPT_INT, OFF(min_free_leads), "1",
	    0, 100, 0 },
	{ "committee", "max_recused_leads", OPT_INT, OFF(max_recused_leads),
	    "2", 0, 100, 0 },
	{ "committee", "vote_threshold", OPT_FRACTION, OFF(vote_num), "2/3",
	    0, 0, 0 },
	{ "committee", "authserv_id", OPT_STRING, OFF(authserv_id), NULL, 0, 0,
	    0 },
	{ "committee", "ack_alarm_after", OPT_DURATION, OFF(ack_alarm_after),
	    "4h", 60, 24 * 3600, 0 },
	{ "committee", "ack_flood", OPT_INT, OFF(ack_flood), "5", 0, 1000000,
	    0 },
	{ "committee", "alarm_repeat", OPT_DURATION, OFF(alarm_repeat), "1h",
	    60, 7 * 86400, 0 },
	{ "committee", "followup_within", OPT_DURATION, OFF(followup_within),
	    "7d", 3600, 365 * 86400L, 0 },
	{ "committee", "reminders", OPT_DURATIONS, OFF(reminders), "2d, 1d",
	    0, 365 * 86400L, 0 },
	{ "committee", "overdue_repeat", OPT_DURATION, OFF(overdue_repeat),
	    "1d", 3600, 30 * 86400L, 0 },
	{ "committee", "conflict_reminder_after", OPT_DURATION,
	    OFF(conflict_reminder_after), "12h", 60, 30 * 86400L, 0 },
	{ "committee", "conflict_escalate_after", OPT_DURATION,
	    OFF(conflict_escalate_after), "24h", 60, 30 * 86400L, 0 },
	{ "committee", "urgent_repeat", OPT_DURATION, OFF(urgent_repeat), "1h",
	    60, 86400, 0 },
	{ "committee", "urgent_alert_details", OPT_DETAILS,
	    OFF(urgent_alert_details), "none", 0, 0, 0 },
	{ "committee", "digest_day", OPT_WEEKDAY, OFF(digest_day), "monday",
	    0, 0, 0 },
	{ "committee", "digest_hour", OPT_INT, OFF(digest_hour), "9", 0, 23,
	    0 },
	{ "committee", "moderators", OPT_ADDRESSES, OFF(moderators), NULL, 0,
	    0, 0 },
	{ "committee", "moderators_window", OPT_DURATION,
	    OFF(moderators_window), "7d", 3600, 365 * 86400L, 0 },
	{ "committee", "reported_contact", OPT_CONTACT,
	    OFF(reported_contact), "leads", 0, 0, 0 },
	{ "committee", "keys", OPT_PATH, OFF(keys_dir), NULL, 0, 0, 0 },
	{ "committee", "require_encryption", OPT_BOOL,
	    OFF(require_encryption), "no", 0, 0, 0 },
	{ "committee", "require_signed_commands", OPT_BOOL,
	    OFF(require_signed_commands), "no", 0, 0, 0 },
	{ "committee", "webhook_url", OPT_URL, OFF(webhook_url), NULL, 0, 0,
	    0 },
};

#define NOPTIONS	(sizeof(options) / sizeof(options[0]))

struct config_parse {
	struct config	*conf;
	const char	*path;
	FILE		*fp;
	int		 lineno;
	int		 seen_line[NOPTIONS];	/* 0: not set in the file */
	struct buf	 errors;
	int		 nerrors;
};

static void
config_error(struct config_parse *p, int line, const struct option *o,
    const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
config_error(struct config_parse *p, int line, const struct option *o,
    const char *section, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	 reason[512];

	if (o != NULL) {
		section = o->section;
		key = o->key;
	}
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (line > 0)
		buf_printf(&p->errors, "%s:%d: ", p->path, line);
	else
		buf_printf(&p->errors, "%s: ", p->path);
	if (section != NULL)
		buf_printf(&p->errors, "[%s] ", section);
	if (key != NULL)
		buf_printf(&p->errors, "%s: ", key);
	buf_printf(&p->errors, "%s\n", reason);
	p->nerrors++;
}

static const struct option *
config_find(const char *section, const char *key, int *known_section)
{
	size_t	i;

	*known_section = 0;
	for (i = 0; i < NOPTIONS; i++) {
		if (strcmp(options[i].section, section) != 0)
			continue;
		*known_section = 1;
		if (strcmp(options[i].key, key) == 0)
			return &options[i];
	}
	return NULL;
}

static const struct option *
config_option(const char *section, const char *key)
{
	const struct option	*o;
	int			 known_section;

	if ((o = config_find(section, key, &known_section)) == NULL)
		fatalx("config: no option [%s] %s", section, key);
	return o;
}

/* The line that set [section] key, or 0 if the file did not. */
static int
config_line(struct config_parse *p, const char *section, const char *key)
{
	return p->seen_line[config_option(section, key) - options];
}

static int
config_parse_int(const char *value, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(value, &end, 10);
	return errno != 0 || end == value || *end != '\0' ? -1 : 0;
}

static int
config_parse_size(const char *value, long long *out)
{
	char		*end;
	long long	 v, mult = 1;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno != 0 || end == value || v < 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 'k': case 'K': mult = 1024; break;
		case 'm': case 'M': mult = 1024 * 1024; break;
		case 'g': case 'G': mult = 1024 * 1024 * 1024; break;
		default: return -1;
		}
		if (end[1] != '\0' && strcasecmp(end + 1, "B") != 0)
			return -1;
	}
	if (v > LLONG_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int
config_valid_address(const char *s)
{
	const char	*at, *p;

	if ((at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' ||
		    *p == '"' || *p == ',' || *p == ';' || *p == '\\' ||
		    (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

int
config_valid_addresses(const char *list)
{
	char	*copy, *tok, *save = NULL;
	size_t	 len;
	int	 n = 0, ok = 1;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); ok && tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		for (len = strlen(tok); len > 0 && (tok[len - 1] == ' ' ||
		    tok[len - 1] == '\t'); len--)
			tok[len - 1] = '\0';
		ok = config_valid_address(tok);
		n++;
	}
	free(copy);
	return ok && n > 0 && list[strlen(list) - 1] != ',';
}

static const char *
config_set_fraction(struct config *conf, const char *value)
{
	int	num, den, n;

	if (sscanf(value, "%d/%d%n", &num, &den, &n) != 2 ||
	    value[n] != '\0' || num <= 0 || den <= 0 || num > den)
		return "must be a fraction like 2/3 (at most 1)";
	conf->vote_num = num;
	conf->vote_den = den;
	return NULL;
}

/* "4h" -> 14400; a bare number is seconds.  -1 if bad. */
static long
config_parse_duration(const char *s)
{
	char	*end;
	long	 v, mult = 1;

	while (*s == ' ')
		s++;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || v < 0)
		return -1;
	switch (*end) {
	case 's': mult = 1; end++; break;
	case 'm': mult = 60; end++; break;
	case 'h': mult = 3600; end++; break;
	case 'd': mult = 86400; end++; break;
	case '\0': case ' ': break;
	default: return -1;
	}
	while (*end == ' ')
		end++;
	if (*end != '\0' || v > LONG_MAX / mult)
		return -1;
	return v * mult;
}

static const char *
config_set_durations(struct config *conf, const struct option *o,
    const char *value)
{
	char	*copy, *tok, *save = NULL;
	long	 v;
	size_t	 n = 0;

	copy = xstrdup(value);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((v = config_parse_duration(tok)) == -1 || v > o->max ||
		    n == 4) {
			free(copy);
			return "must be up to four durations like 2d, 1d";
		}
		conf->reminders[n++] = v;
	}
	free(copy);
	conf->nreminders = n;
	return NULL;
}

static const char *
config_set_weekday(int *field, const char *value)
{
	static const char *const days[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday" };
	int	i;

	for (i = 0; i < 7; i++)
		if (strcasecmp(value, days[i]) == 0) {
			*field = i;
			return NULL;
		}
	return "must be a weekday like monday";
}

static const char *
config_set_details(enum urgent_details *field, const char *value)
{
	if (strcmp(value, "none") == 0)
		*field = URGENT_DETAILS_NONE;
	else if (strcmp(value, "location") == 0)
		*field = URGENT_DETAILS_LOCATION;
	else
		return "must be none or location";
	return NULL;
}

/* Stores one value; returns NULL or the reason it is bad. */
#define CONFIG_LANG_REASON	"must be a language code like en, ko or de"

int
config_lang_code(const char *value)
{
	size_t	len = strlen(value);

	return len >= 2 && len <= 3 &&
	    strspn(value, "abcdefghijklmnopqrstuvwxyz") == len;
}

static const char *
config_set(struct config *conf, const struct option *o, const char *value)
{
	static const char *const tls_names[] = { "tls", "starttls", "none" };
	char		*field = (char *)conf + o->offset;
	long long	 v;
	long		 dur;
	size_t		 i;
	int		 level;

	switch (o->type) {
	case OPT_STRING:
	case OPT_PATH:
	case OPT_SECRET:
		/* A path with a default (state_dir, key_file) cannot be unset. */
		if (*value == '\0' && ((o->flags & OPT_REQUIRED) ||
		    o->def != NULL))
			return "must not be empty";
		if (o->type != OPT_STRING && *value != '\0' && *value != '/')
			return "must be an absolute path";
		free(*(char **)field);
		*(char **)field = *value == '\0' ? NULL : xstrdup(value);
		return NULL;
	case OPT_ADDRESS:
		if (!config_valid_address(value))
			return "must be a bare address like conduct@example.org";
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return NULL;
	case OPT_ADDRESSES:
		if (*value != '\0' && !config_valid_addresses(value))
			return "must be bare addresses separated by commas, "
			    "like mods@example.org, admin@example.org";
		free(*(char **)field);
		*(char **)field = *value == '\0' ? NULL : xstrdup(value);
		return NULL;
	case OPT_CONTACT:
		if (strcmp(value, "leads") == 0)
			*(int *)field = CONTACT_LEADS;
		else if (strcmp(value, "participants") == 0)
			*(int *)field = CONTACT_PARTICIPANTS;
		else
			return "must be leads or participants";
		return NULL;
	case OPT_INT:
		if (config_parse_int(value, &v) == -1)
			return "must be a whole number";
		if (v < o->min || v > o->max)
			return "out of range";
		*(int *)field = (int)v;
		return NULL;
	case OPT_SIZE:
		if (config_parse_size(value, &v) == -1)
			return "must be a size like 25M, 512K or 1048576";
		if (v < o->min || v > o->max)
			return "out of range (1K to 1G)";
		*(size_t *)field = (size_t)v;
		return NULL;
	case OPT_TLS:
		for (i = 0; i < 3; i++)
			if (strcmp(value, tls_names[i]) == 0) {
				*(enum tls_mode *)field = (enum tls_mode)i;
				return NULL;
			}
		return "must be tls, starttls or none";
	case OPT_LOGLEVEL:
		if ((level = log_parselevel(value)) == -1)
			return "must be error, warn, info or debug";
		*(int *)field = level;
		return NULL;
	case OPT_FRACTION:
		return config_set_fraction(conf, value);
	case OPT_DURATION:
		if ((dur = config_parse_duration(value)) == -1)
			return "must be a duration like 90s, 30m, 4h or 7d";
		if (dur < o->min || dur > o->max)
			return "out of range";
		*(long *)field = dur;
		return NULL;
	case OPT_DURATIONS:
		return config_set_durations(conf, o, value);
	case OPT_WEEKDAY:
		return config_set_weekday((int *)field, value);
	case OPT_URL:
		if (strncmp(value, "http://", 7) != 0 &&
		    strncmp(value, "https://", 8) != 0)
			return "must start with http:// or https://";
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return NULL;
	case OPT_DETAILS:
		return config_set_details((enum urgent_details *)field, value);
	case OPT_KEEP:
		if (strcmp(value, "keep") == 0) {
			*(int *)field = PROCESSED_KEEP_FOREVER;
			return NULL;
		}
		if (config_parse_int(value, &v) == -1)
			return "must be a number of days, or keep";
		if (v < o->min || v > o->max)
			return "out of range";
		*(int *)field = (int)v;
		return NULL;
	case OPT_LANG:
		if (!config_lang_code(value))
			return CONFIG_LANG_REASON;
		free(*(char **)field);
		*(char **)field = xstrdup(value);
		return NULL;
	case OPT_BOOL:
		if (strcmp(value, "yes") == 0)
			*(int *)field = 1;
		else if (strcmp(value, "no") == 0)
			*(int *)field = 0;
		else
			return "must be yes or no";
		return NULL;
	case OPT_CHAR:
		if (strlen(value) != 1 || strchr("+-_=.", value[0]) == NULL)
			return "must be one of + - _ = .";
		*field = value[0];
		return NULL;
	}
	return "unknown option type";
}

static const char *const role_names[] = {
	[ROLE_LEAD] = "lead",
	[ROLE_MEMBER] = "member",
	[ROLE_BACKUP] = "backup",
};

const char *
config_strrole(enum member_role role)
{
	return (size_t)role < 3 ? role_names[role] : "unknown";
}

static struct member *
config_member_section(struct config_parse *p, const char *name)
{
	struct config	*conf = p->conf;
	size_t		 i;

	for (i = 0; i < conf->nmembers; i++)
		if (strcmp(conf->members[i].name, name) == 0)
			return &conf->members[i];
	conf->members = xreallocarray(conf->members, conf->nmembers + 1,
	    sizeof(*conf->members));
	memset(&conf->members[conf->nmembers], 0, sizeof(*conf->members));
	conf->members[conf->nmembers].name = xstrdup(name);
	conf->members[conf->nmembers].role = ROLE_MEMBER;
	conf->members[conf->nmembers].line = p->lineno;
	return &conf->members[conf->nmembers++];
}

/* "a@x, b@y": every address valid; stored lower case. */
static const char *
config_member_emails(struct member *m, const char *value)
{
	char	*copy, *tok, *save = NULL, *q;

	copy = xstrdup(value);
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (!config_valid_address(tok)) {
			free(copy);
			return "must be addresses like alice@example.org, "
			    "separated by commas";
		}
		for (q = tok; *q != '\0'; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		m->emails = xreallocarray(m->emails, m->nemails + 1,
		    sizeof(*m->emails));
		m->emails[m->nemails++] = xstrdup(tok);
	}
	free(copy);
	return m->nemails == 0 ? "must name at least one address" : NULL;
}

/*
 * An OpenPGP fingerprint: 40 hex digits (v4) or 64 (v5), spaces between
 * groups allowed as gpg prints them; kept in upper case without spaces.
 */
static const char *
config_member_pgp_key(struct member *m, const char *value)
{
	char	fpr[65];
	size_t	n = 0;

	for (; *value != '\0'; value++) {
		if (*value == ' ')
			continue;
		if (!isxdigit((unsigned char)*value) || n == sizeof(fpr) - 1)
			return "must be a key's whole fingerprint: 40 hex "
			    "digits, as gpg --fingerprint prints it";
		fpr[n++] = (char)toupper((unsigned char)*value);
	}
	fpr[n] = '\0';
	if (n != 40 && n != 64)
		return "must be a key's whole fingerprint: 40 hex digits, "
		    "as gpg --fingerprint prints it";
	m->pgp_key = xstrdup(fpr);
	return NULL;
}

static void
config_member_key(struct config_parse *p, const char *section,
    const char *key, const char *value)
{
	struct member	*m;
	const char	*name = section + strlen("member "), *reason = NULL;
	int		*seen;
	size_t		 i;

	while (*name == ' ')
		name++;
	if (*name == '\0') {
		config_error(p, p->lineno, NULL, section, NULL,
		    "a member section needs a name: [member NAME]");
		return;
	}
	m = config_member_section(p, name);
	if (strcmp(key, "email") == 0)
		seen = &m->seen_email;
	else if (strcmp(key, "role") == 0)
		seen = &m->seen_role;
	else if (strcmp(key, "language") == 0)
		seen = &m->seen_language;
	else if (strcmp(key, "pgp_key") == 0)
		seen = &m->seen_pgp_key;
	else {
		config_error(p, p->lineno, NULL, section, key, "unknown key");
		return;
	}
	if (*seen != 0) {
		config_error(p, p->lineno, NULL, section, key,
		    "set twice (first on line %d)", *seen);
		return;
	}
	*seen = p->lineno;
	if (seen == &m->seen_email)
		reason = config_member_emails(m, value);
	else if (seen == &m->seen_pgp_key)
		reason = config_member_pgp_key(m, value);
	else if (seen == &m->seen_language) {
		if (config_lang_code(value))
			m->language = xstrdup(value);
		else
			reason = CONFIG_LANG_REASON;
	} else {
		for (i = 0; i < 3; i++)
			if (strcmp(value, role_names[i]) == 0)
				break;
		if (i == 3)
			reason = "must be lead, member or backup";
		else
			m->role = (enum member_role)i;
	}
	if (reason != NULL)
		config_error(p, p->lineno, NULL, section, key, "%s", reason);
}

static int
config_handler_cb(void *arg, const char *section, const char *key,
    const char *value)
{
	struct config_parse	*p = arg;
	const struct option	*o;
	const char		*reason;
	int			 known_section;
	size_t			 idx;

	if (strncmp(section, "member ", 7) == 0 ||
	    strcmp(section, "member") == 0) {
		config_member_key(p, section, key, value);
		return 1;
	}

	if ((o = config_find(section, key, &known_section)) == NULL) {
		if (!known_section)
			config_error(p, p->lineno, NULL, section, NULL,
			    "unknown section");
		else
			config_error(p, p->lineno, NULL, section, key,
			    "unknown key");
		return 1;
	}
	idx = (size_t)(o - options);
	if (p->seen_line[idx] != 0) {
		config_error(p, p->lineno, o, NULL, NULL,
		    "set twice (first on line %d)", p->seen_line[idx]);
		return 1;
	}
	p->seen_line[idx] = p->lineno;
	if ((reason = config_set(p->conf, o, value)) != NULL)
		config_error(p, p->lineno, o, NULL, NULL, "%s", reason);
	return 1;
}

/* inih reads one line per call: counting calls gives the line number. */
static char *
config_reader_cb(char *str, int num, void *arg)
{
	struct config_parse	*p = arg;
	char			*s;

	if ((s = fgets(str, num, p->fp)) != NULL)
		p->lineno++;
	return s;
}

/*
 * Reads the secret in path: refuses a file that group or others may read,
 * strips one trailing newline.
 */
static char *
config_read_secret(struct config_parse *p, const struct option *o,
    const char *path, int must_exist)
{
	struct stat	 st;
	FILE		*fp;
	char		 line[1024];
	int		 line_no = p->seen_line[o - options];

	if (stat(path, &st) == -1) {
		if (must_exist || errno != ENOENT)
			config_error(p, line_no, o, NULL, NULL, "%s: %s", path,
			    strerror(errno));
		return NULL;
	}
	if ((st.st_mode & 0077) != 0) {
		config_error(p, line_no, o, NULL, NULL,
		    "%s: readable by group or others (mode %04o); "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		return NULL;
	}
	if (!must_exist)
		return NULL;	/* only the permissions are checked here */
	if ((fp = fopen(path, "r")) == NULL) {
		config_error(p, line_no, o, NULL, NULL, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0') {
		config_error(p, line_no, o, NULL, NULL, "%s: empty", path);
		return NULL;
	}
	return xstrdup(line);
}

static void
config_defaults(struct config *conf)
{
	size_t		 i;
	const char	*reason;

	for (i = 0; i < NOPTIONS; i++) {
		if (options[i].def == NULL)
			continue;
		if ((reason = config_set(conf, &options[i], options[i].def))
		    != NULL)
			fatalx("config: default of [%s] %s: %s",
			    options[i].section, options[i].key, reason);
	}
}

static void
config_check_members(struct config_parse *p)
{
	struct config		*conf = p->conf;
	const struct member	*m, *other;
	size_t			 i, j;
	char			 section[300];

	for (i = 0; i < conf->nmembers; i++) {
		m = &conf->members[i];
		snprintf(section, sizeof(section), "member %s", m->name);
		if (m->nemails == 0 && m->seen_email == 0)
			config_error(p, m->line, NULL, section, "email",
			    "missing (required)");
		for (j = 0; j < m->nemails; j++) {
			if (conf->alias != NULL &&
			    strcasecmp(m->emails[j], conf->alias) == 0)
				config_error(p, m->seen_email, NULL, section,
				    "email", "must not be the alias");
			other = config_member_by_address(conf, m->emails[j]);
			if (other != NULL && other != m)
				config_error(p, m->seen_email, NULL, section,
				    "email", "also belongs to [member %s]",
				    other->name);
		}
	}
}

void
config_errors_for_log(char *errs)
{
	static const char	 tag[] = "[member ";
	char			*r = errs, *w = errs, *end;

	while (*r != '\0') {
		if (strncmp(r, tag, sizeof(tag) - 1) == 0 &&
		    (end = strpbrk(r, "]\n")) != NULL && *end == ']') {
			memcpy(w, "[member]", 8);
			w += 8;
			r = end + 1;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

int
config_uses_pgp(const struct config *conf)
{
	size_t	i;

	if (conf->keys_dir != NULL || conf->require_encryption ||
	    conf->require_signed_commands)
		return 1;
	for (i = 0; i < conf->nmembers; i++)
		if (conf->members[i].pgp_key != NULL)
			return 1;
	return 0;
}

size_t
config_count_role(const struct config *conf, enum member_role role)
{
	size_t	i, n = 0;

	for (i = 0; i < conf->nmembers; i++)
		if (conf->members[i].role == role)
			n++;
	return n;
}

const struct member *
config_member_by_address(const struct config *conf, const char *addr)
{
	size_t	i, j;

	for (i = 0; i < conf->nmembers; i++)
		for (j = 0; j < conf->members[i].nemails; j++)
			if (strcasecmp(conf->members[i].emails[j], addr) == 0)
				return &conf->members[i];
	return NULL;
}

const char *
config_member_lang(const struct config *conf, const struct member *m)
{
	return m != NULL && m->language != NULL ? m->language :
	    conf->language;
}

const struct member *
config_member_by_name(const struct config *conf, const char *name)
{
	size_t	i;

	for (i = 0; i < conf->nmembers; i++)
		if (strcmp(conf->members[i].name, name) == 0)
			return &conf->members[i];
	return NULL;
}

static void
config_check(struct config_parse *p)
{
	struct config	*conf = p->conf;
	const char	*d;
	size_t		 i;

	for (i = 0; i < NOPTIONS; i++) {
		if ((options[i].flags & OPT_REQUIRED) &&
		    *(char **)((char *)conf + options[i].offset) == NULL &&
		    p->seen_line[i] == 0)
			config_error(p, 0, &options[i], NULL, NULL,
			    "missing (required)");
	}
	if (conf->imap_port == 0)
		conf->imap_port = conf->imap_tls == TLS_IMPLICIT ? 993 : 143;
	if (conf->smtp_port == 0)
		conf->smtp_port = conf->smtp_tls == TLS_IMPLICIT ? 465 : 587;
	if (conf->smtp_user != NULL && conf->smtp_password_file == NULL)
		config_error(p, config_line(p, "smtp", "user"), NULL, "smtp",
		    "password_file", "missing (required when user is set)");
	if (conf->alias != NULL && (d = strchr(conf->alias,
	    conf->delimiter)) != NULL && d < strchr(conf->alias, '@'))
		config_error(p, config_line(p, "committee", "alias"), NULL,
		    "committee", "alias",
		    "must not contain the sub-address delimiter");
	if (conf->imap_password_file != NULL)
		conf->imap_password = config_read_secret(p,
		    config_option("imap", "password_file"),
		    conf->imap_password_file, 1);
	if (conf->smtp_password_file != NULL)
		conf->smtp_password = config_read_secret(p,
		    config_option("smtp", "password_file"),
		    conf->smtp_password_file, 1);
	if (conf->key_file != NULL)
		(void)config_read_secret(p,
		    config_option("daemon", "key_file"), conf->key_file, 0);
	config_check_members(p);
	xasprintf(&conf->database, "%s/conductd.db", conf->state_dir);
	xasprintf(&conf->pgp_home, "%s/gnupg", conf->state_dir);
}

struct config *
config_load(const char *path, char **errstr)
{
	struct config_parse	 p;
	int			 rc;

	memset(&p, 0, sizeof(p));
	p.conf = xcalloc(1, sizeof(*p.conf));
	p.conf->path = xstrdup(path);
	p.path = path;
	buf_init(&p.errors);
	config_defaults(p.conf);

	if ((p.fp = fopen(path, "r")) == NULL) {
		xasprintf(errstr, "%s: %s", path, strerror(errno));
		config_free(p.conf);
		return NULL;
	}
	rc = ini_parse_stream(config_reader_cb, &p, config_handler_cb, &p);
	fclose(p.fp);
	if (rc > 0)
		config_error(&p, rc, NULL, NULL, NULL,
		    "syntax error (expected [section] or key = value)");
	else if (rc < 0)
		config_error(&p, 0, NULL, NULL, NULL, "cannot be read");
	config_check(&p);

	if (p.nerrors > 0) {
		buf_truncate(&p.errors, p.errors.len - 1);	/* last \n */
		*errstr = buf_release(&p.errors, NULL);
		config_free(p.conf);
		return NULL;
	}
	buf_free(&p.errors);
	p.conf->key_lines = xcalloc(NOPTIONS, sizeof(*p.conf->key_lines));
	memcpy(p.conf->key_lines, p.seen_line, sizeof(p.seen_line));
	return p.conf;
}

int
config_key_line(const struct config *conf, const char *section,
    const char *key)
{
	size_t	i = (size_t)(config_option(section, key) - options);

	return conf->key_lines != NULL ? conf->key_lines[i] : 0;
}

void
config_free(struct config *conf)
{
	size_t	i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < NOPTIONS; i++) {
		switch (options[i].type) {
		case OPT_STRING:
		case OPT_PATH:
		case OPT_SECRET:
		case OPT_ADDRESS:
		case OPT_ADDRESSES:
		case OPT_URL:
		case OPT_LANG:
			free(*(char **)((char *)conf + options[i].offset));
			break;
		default:
			break;
		}
	}
	for (i = 0; i < conf->nmembers; i++) {
		for (j = 0; j < conf->members[i].nemails; j++)
			free(conf->members[i].emails[j]);
		free(conf->members[i].emails);
		free(conf->members[i].pgp_key);
		free(conf->members[i].name);
		free(conf->members[i].language);
	}
	free(conf->members);
	free(conf->key_lines);
	crypto_freestr(conf->imap_password);
	crypto_freestr(conf->smtp_password);
	free(conf->database);
	free(conf->pgp_home);
	free(conf->path);
	free(conf);
}

void
config_foreach_key(void (*cb)(const char *, const char *, const char *,
    void *), void *arg)
{
	size_t	i;

	for (i = 0; i < NOPTIONS; i++)
		cb(options[i].section, options[i].key,
		    options[i].def != NULL ? options[i].def : "", arg);
	cb("member NAME", "email", "", arg);
	cb("member NAME", "role", "member", arg);
	cb("member NAME", "language", "", arg);
}

/*
 * config: reads conductd.conf with inih through one declarative option
 * table.  Every key has a type, a default and a check; the same table
 * drives the parser, the defaults, `conductd -n` and the test that every
 * key is documented in conductd.conf.5.
 *
 * Errors read "file:line: [section] key: reason"; all of them are
 * collected and returned together.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

enum tls_mode {
	TLS_IMPLICIT = 0,	/* "tls": TLS from the first byte */
	TLS_STARTTLS,		/* "starttls" */
	TLS_NONE		/* "none": plain text, only when asked for */
};

/* What an URGENT alert says besides the code name. */
/* processed_keep = keep: server copies are never expunged by age. */
#define PROCESSED_KEEP_FOREVER	(-1)

/* Who may write to a case's reported person (#to-reported). */
enum reported_contact {
	CONTACT_LEADS = 0,
	CONTACT_PARTICIPANTS
};

enum urgent_details {
	URGENT_DETAILS_NONE = 0,	/* "none": code name and "ongoing" only */
	URGENT_DETAILS_LOCATION		/* "location": the report's location too */
};

enum member_role {
	ROLE_LEAD = 0,
	ROLE_MEMBER,
	ROLE_BACKUP
};

/* One [member NAME] section. */
struct member {
	char		 *name;
	char		**emails;	/* lower case; emails[0] gets the mail */
	size_t		  nemails;
	enum member_role  role;
	int		  line;		/* where the section starts */
	int		  seen_email;	/* line of the key, 0: unset */
	int		  seen_role;
	char		 *language;	/* their mail's; NULL: the committee's */
	int		  seen_language;
	char		 *pgp_key;	/* fingerprint, upper case; or NULL */
	int		  seen_pgp_key;
};

struct config {
	char		*path;

	/* [daemon] */
	char		*state_dir;
	char		*key_file;
	char		*database;	/* derived: state_dir/conductd.db */
	char		*pgp_home;	/* derived: state_dir/gnupg (pgp.h) */
	int		 poll_interval;	/* seconds */
	int		 log_level;	/* enum log_level */

	/* [imap] */
	char		*imap_host;
	int		 imap_port;	/* 0: from the TLS mode */
	enum tls_mode	 imap_tls;
	char		*imap_ca_file;
	char		*imap_user;
	char		*imap_password_file;
	char		*imap_password;	/* read from the file */
	char		*imap_mailbox;
	char		*imap_processed;
	size_t		 imap_max_size;	/* bytes kept per message */
	int		 imap_batch;	/* messages per UID FETCH */
	int		 imap_timeout;	/* seconds */
	int		 processed_keep;	/* days; PROCESSED_KEEP_FOREVER */

	/* [smtp] */
	char		*smtp_host;
	int		 smtp_port;
	enum tls_mode	 smtp_tls;
	char		*smtp_ca_file;
	char		*smtp_user;
	char		*smtp_password_file;
	char		*smtp_password;
	int		 smtp_timeout;	/* seconds */
	int		 smtp_connections;	/* sending at once, at most */

	/* [committee] */
	char		*committee_name;
	char		*alias;		/* conduct@example.org */
	char		 delimiter;	/* sub-address delimiter, '+' */
	char		*tag;		/* subject tag */
	char		*templates;	/* the admin's template folder */
	char		*language;	/* the committee's mail: "en" */
	int		 min_free_leads;	/* else backups are asked */
	int		 max_recused_leads;
	int		 vote_num;		/* a vote carries at num/den */
	int		 vote_den;
	char		*authserv_id;	/* trusted Authentication-Results */
	int		 ack_flood;	/* acks a sender gets an hour; 0 all */

	/* Deadlines, in seconds. */
	long		 ack_alarm_after;
	long		 alarm_repeat;
	long		 followup_within;
	long		 reminders[4];		/* before the due time */
	size_t		 nreminders;
	long		 overdue_repeat;
	long		 conflict_reminder_after;
	long		 conflict_escalate_after;
	long		 urgent_repeat;
	enum urgent_details urgent_alert_details;
	int		 digest_day;		/* 0 Sunday .. 6 Saturday */
	int		 digest_hour;
	char		*webhook_url;
	char		*moderators;	/* "a@b, c@d", or NULL */
	long		 moderators_window;	/* for their answer */
	int		 reported_contact;	/* enum reported_contact */
	char		*keys_dir;	/* members' OpenPGP key files */
	int		 require_encryption;
	int		 require_signed_commands;

	struct member	*members;
	size_t		 nmembers;

	int		*key_lines;	/* per option key; config_key_line() */
};

const char *config_strrole(enum member_role);
/* 1 when members' keys, a keys folder or require_encryption are set. */
int	config_uses_pgp(const struct config *);
/* The member with this address (any of theirs), or NULL. */
const struct member *config_member_by_address(const struct config *,
	    const char *addr);
/* 1 if list is bare addresses separated by commas (at least one). */
int	config_valid_addresses(const char *list);
/* 1 if value is a language code as the config takes one: en, ko, yue. */
int	config_lang_code(const char *value);
/* The language of mail to m: their language key, else [committee]'s. */
const char *config_member_lang(const struct config *, const struct member *m);
const struct member *config_member_by_name(const struct config *,
	    const char *name);
/* The line of the file that set [section] key, 0 if the file did not. */
int	config_key_line(const struct config *, const char *section,
	    const char *key);
/* How many members have the role. */
size_t	config_count_role(const struct config *, enum member_role);

/*
 * Reads and checks the file, including that the password and key files
 * exist and are not readable by group or others.  Returns the config, or
 * NULL with *errstr allocated: one line per error, in file order.
 */
struct config *config_load(const char *path, char **errstr);

/*
 * Rewrites config_load's errors, in place, for the log: "[member NAME]"
 * becomes "[member]" (file and line still say where), as no name goes to
 * the log.  conductd -n and conductctl show them whole.
 */
void	config_errors_for_log(char *errs);
void	config_free(struct config *);

/* Walks the option table: section, key, default ("" if none). */
void	config_foreach_key(void (*cb)(const char *section, const char *key,
	    const char *def, void *), void *);

#endif

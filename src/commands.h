/*
 * commands: the mail commands of DESIGN.md section 5.  Command lines sit
 * at the top of a member's mail, each starting with '#'; the first line
 * that is not a command ends them and the rest is the message.  This file
 * parses and checks them through one table; committee.c carries them out.
 */
#ifndef COMMANDS_H
#define COMMANDS_H

#include <stddef.h>

enum command_id {
	CMD_NOCONFLICT = 0,
	CMD_CONFLICT,
	CMD_RECUSE,
	CMD_REPORTED,
	CMD_STATUS,
	CMD_SAFETY,
	CMD_REPEAT,
	CMD_ACTIONS,
	CMD_RESOLUTION,
	CMD_TO_REPORTER,
	CMD_TO_REPORTED,
	CMD_TO_MODERATORS,
	CMD_MODERATORS,
	CMD_FOLLOWUP_DONE,
	CMD_PROPOSE,
	CMD_VOTE,
	CMD_INCLUDE,
	CMD_PATTERN,
	CMD_HELP,
	CMD_MAX
};

/* Who may give a command (committee.c checks). */
#define CMD_F_CHECKED		0x01	/* a member asked about a conflict */
#define CMD_F_PARTICIPANT	0x02	/* a participant of the case */
#define CMD_F_ANYONE		0x04	/* any member writing to the case */
#define CMD_F_LEAD		0x08	/* and only a lead */
#define CMD_F_CONTACT		0x10	/* and a lead, unless [committee]
					   reported_contact = participants */
#define CMD_F_OUTGOING		0x20	/* the rest of the mail leaves the
					   committee: one such a mail */

#define COMMANDS_MAX	16	/* command lines read from one mail */

/*
 * Errors are the names of the templates that say why (why-*.txt, see
 * commands_error_vars); the parser writes no words of its own.
 */
struct command {
	enum command_id	 id;		/* CMD_MAX: unknown (error set) */
	char		*arg;		/* trimmed UTF-8, "" when none */
	const char	*error;		/* NULL, or why it cannot be done */
	char		*word;		/* an unknown name as written (at
					   most COMMANDS_ECHO_MAX printable
					   ASCII bytes), or NULL */
};

struct command_list {
	struct command	 cmd[COMMANDS_MAX];
	size_t		 n;
	char		*rest;		/* the message after the commands,
					   quoted replies and signature cut */
	const char	*error;		/* NULL, or why the whole mail is
					   refused (too many commands) */
	size_t		 end;		/* bytes of text up to the message */
};

/*
 * Parses the command lines at the top of text (leading blank lines are
 * skipped).  A line that starts with '#' but is not a valid command
 * (unknown name, missing or bad argument) gets an entry with its error
 * set, and parsing goes on; the others may still be carried out.  Too
 * many command lines set out->error: then nothing must be executed.
 * Never fails otherwise; free with commands_free.
 */
void	commands_parse(const char *text, struct command_list *out);
void	commands_free(struct command_list *);

const char *commands_name(enum command_id);	/* "noconflict" */
int	commands_flags(enum command_id);

/*
 * The variables of an error's template for cmd (NULL: the list's error):
 * ${command} (its name, or the unknown name as written), ${example},
 * ${choices} ("yes, no, maybe") and ${max} (COMMANDS_MAX), set in
 * v[0..3]; they point into cmd and into *buf, which the caller frees.
 */
struct template_var;
void	commands_error_vars(const struct command *cmd,
	    struct template_var *v, char **buf);

/*
 * Removes what must not travel on: quoted earlier mail ("> " lines, an
 * "On ... wrote:" line and what follows, "-----Original Message-----"
 * and what follows) and the signature ("-- " and what follows).
 * Returns an allocated copy.
 */
char	*commands_strip_quotes(const char *text);

/* What the line at p (len bytes, next the following line) starts. */
enum commands_quote {
	CQ_NONE = 0,
	CQ_SIG,			/* "-- ": the signature */
	CQ_ATTRIBUTION,		/* "On ... wrote:" (maybe over 2 lines) */
	CQ_ORIGINAL		/* Outlook: the original follows unquoted */
};
enum commands_quote commands_quote_kind(const char *p, size_t len,
	    const char *next, int first, int prevblank);

#endif

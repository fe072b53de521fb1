/*
 * commands: reads the mail commands of DESIGN.md section 5 from the top
 * of a member's mail, and cuts from the rest what must not travel on
 * (quoted earlier mail, the signature).  One table, indexed by enum
 * command_id, gives every command its name, the check of its argument,
 * who may give it and its example; parsing, commands_name and
 * commands_flags read that table.  The #help answer is a template
 * (help.txt); test-commands checks it lists every command here.
 *
 * The command block: leading blank lines (and a UTF-8 BOM) are skipped;
 * then every line whose first non-blank character is '#' directly
 * followed by an ASCII letter is a command line, until the first line
 * that is not one (a blank line too).  "# Heading", "##", "#1" or a
 * lone "#" are text, not commands, and so end the block.  A command line
 * is "#name", then optionally ':' or '=' right after the name, then
 * blanks and the argument up to the end of the line, trimmed.  Names and
 * choices are ASCII, matched in any case; a choice is stored as written
 * in the table (lower case).  A command that takes no argument refuses
 * one ("#recuse because" is an error: the text would be lost), except
 * #conflict, whose text is dropped unread, as a conflict carries no
 * reason.  More than COMMANDS_MAX command lines is an error, not a cut:
 * the lines past the limit would otherwise travel on as text.  Any
 * other error is the command's own (struct command's error) and parsing
 * goes on, so committee.c carries out the others in order.  An error is
 * the name of the template that says why (why-*.txt); its variables
 * (commands_error_vars) may echo an unknown command's name (at most
 * COMMANDS_ECHO_MAX printable ASCII bytes) for the reply to the sender:
 * content, never to be logged.
 *
 * Quotes (commands_strip_quotes) lean towards cutting, since what is cut
 * was already seen by the writer while what leaks may reach a reporter.
 * Lines starting with '>' are dropped.  The text is cut at the first:
 *  - signature separator: a line that is exactly "-- " or "--";
 *  - attribution: a line starting "On " and ending "wrote:" (likewise
 *    "Le ... a écrit :", "El ... escribió:", "Am ... schrieb ...:",
 *    "Op ... schreef ...:"), or such a line wrapped once onto the next
 *    line when the two hold an '@' (Gmail wraps inside the address);
 *  - "-----Original Message-----" and its translations, any number
 *    (3 or more) of dashes, blanks allowed inside;
 *  - Outlook's rule: a line of 20 or more '_' whose next non-blank line
 *    starts a header ("From:", "De:", "Von:");
 *  - Outlook's header block without a rule: a "From:" line that opens
 *    the text or follows a blank line, directly followed by a "Sent:"
 *    or "Date:" line (or a translation).
 * So a forward pasted from Outlook is cut too: such evidence must come
 * as an attachment.  Output lines end in "\n" (CRLF becomes LF) and
 * trailing blank lines are trimmed.  Nothing here logs.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "commands.h"
#include "template.h"
#include "text.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define COMMANDS_ECHO_MAX	32	/* an unknown name shown in errors */
#define COMMANDS_RULE_MIN	20	/* '_' in an Outlook rule */
#define COMMANDS_DASH_MIN	3	/* '-' around "Original Message" */

struct commands_def {
	const char	*name;
	int		(*check)(const struct commands_def *, const char *,
			    size_t, char **, const char **);
	const char	*choices;	/* '|'-separated, lower case */
	int		 flags;
	const char	*example;	/* for errors (help.txt has the same) */
};

/* One line of text being looked at by the quote rules. */
struct commands_line {
	const char	*p;
	size_t		 len;		/* without "\r\n" */
	const char	*next;		/* the following line */
	int		 first;		/* the text's first line */
	int		 prevblank;	/* the line before was blank */
};

struct commands_attribution {
	const char	*prefix;	/* the line starts so */
	const char	*verb;		/* and ends with it before ':' */
	int		 inside;	/* or has " verb " anywhere */
};

static int	commands_none(const struct commands_def *, const char *,
		    size_t, char **, const char **);
static int	commands_drop(const struct commands_def *, const char *,
		    size_t, char **, const char **);
static int	commands_text(const struct commands_def *, const char *,
		    size_t, char **, const char **);
static int	commands_choice(const struct commands_def *, const char *,
		    size_t, char **, const char **);

static int	commands_is_sig(const struct commands_line *);
static int	commands_is_attribution(const struct commands_line *);
static int	commands_is_original(const struct commands_line *);
static int	commands_is_rule(const struct commands_line *);
static int	commands_is_header_block(const struct commands_line *);

static const struct commands_def commands_defs[CMD_MAX] = {
	[CMD_NOCONFLICT] = { "noconflict", commands_none, NULL,
	    CMD_F_CHECKED, "#noconflict" },
	[CMD_CONFLICT] = { "conflict", commands_drop, NULL,
	    CMD_F_CHECKED, "#conflict" },
	[CMD_RECUSE] = { "recuse", commands_none, NULL,
	    CMD_F_PARTICIPANT, "#recuse" },
	[CMD_REPORTED] = { "reported", commands_text, NULL,
	    CMD_F_PARTICIPANT, "#reported Jo <jo@example.org>" },
	[CMD_STATUS] = { "status", commands_choice,
	    "new|investigating|waiting|resolved|closed", CMD_F_PARTICIPANT,
	    "#status investigating" },
	[CMD_SAFETY] = { "safety", commands_choice, "yes|no|unknown",
	    CMD_F_PARTICIPANT, "#safety unknown" },
	[CMD_REPEAT] = { "repeat", commands_choice, "yes|no|maybe",
	    CMD_F_PARTICIPANT, "#repeat no" },
	[CMD_ACTIONS] = { "actions", commands_text, NULL, CMD_F_PARTICIPANT,
	    "#actions spoke with both" },
	[CMD_RESOLUTION] = { "resolution", commands_text, NULL,
	    CMD_F_PARTICIPANT, "#resolution a private warning" },
	[CMD_TO_REPORTER] = { "to-reporter", commands_none, NULL,
	    CMD_F_PARTICIPANT | CMD_F_OUTGOING, "#to-reporter" },
	[CMD_TO_REPORTED] = { "to-reported", commands_none, NULL,
	    CMD_F_PARTICIPANT | CMD_F_CONTACT | CMD_F_OUTGOING,
	    "#to-reported" },
	[CMD_TO_MODERATORS] = { "to-moderators", commands_none, NULL,
	    CMD_F_PARTICIPANT | CMD_F_OUTGOING, "#to-moderators" },
	[CMD_MODERATORS] = { "moderators", commands_text, NULL,
	    CMD_F_PARTICIPANT, "#moderators mods@example.org" },
	[CMD_FOLLOWUP_DONE] = { "followup-done", commands_none, NULL,
	    CMD_F_PARTICIPANT, "#followup-done" },
	[CMD_PROPOSE] = { "propose", commands_text, NULL, CMD_F_PARTICIPANT,
	    "#propose close with a warning" },
	[CMD_VOTE] = { "vote", commands_choice, "yes|no|abstain",
	    CMD_F_PARTICIPANT, "#vote yes" },
	[CMD_INCLUDE] = { "include", commands_text, NULL,
	    CMD_F_PARTICIPANT | CMD_F_LEAD, "#include Jo Doe" },
	[CMD_PATTERN] = { "pattern", commands_none, NULL,
	    CMD_F_PARTICIPANT | CMD_F_LEAD, "#pattern" },
	[CMD_HELP] = { "help", commands_none, NULL, CMD_F_ANYONE, "#help" }
};

/* Tried in order on every line; the first that matches cuts there. */
static int (*const commands_cuts[])(const struct commands_line *) = {
	commands_is_sig,
	commands_is_attribution,
	commands_is_original,
	commands_is_rule,
	commands_is_header_block
};

static const struct commands_attribution commands_attributions[] = {
	{ "On ", "wrote", 0 },
	{ "Le ", "a \xc3\xa9" "crit", 0 },
	{ "El ", "escribi\xc3\xb3", 0 },
	{ "Am ", "schrieb", 1 },
	{ "Op ", "schreef", 1 }
};

static const char *commands_originals =
    "original message|urspr\xc3\xbc" "ngliche nachricht|"
    "message d'origine|mensaje original|messaggio originale";
static const char *commands_from_labels = "from|de|von|da|van|"
    "\xeb\xb3\xb4\xeb\x82\xb8 \xec\x82\xac\xeb\x9e\x8c|"	/* ko */
    "\xe5\xb7\xae\xe5\x87\xba\xe4\xba\xba";			/* ja */
static const char *commands_sent_labels =
    "sent|date|envoy\xc3\xa9|gesendet|datum|enviado|inviato|verzonden|"
    "\xeb\xb3\xb4\xeb\x82\xb8 \xeb\x82\xa0\xec\xa7\x9c|"	/* ko */
    "\xe9\x80\x81\xe4\xbf\xa1\xe6\x97\xa5\xe6\x99\x82";	/* ja */


/*
 * The line at p: sets *len to its length without "\n" and one "\r".
 * Returns where the next line starts, or NULL when p is at the end.
 */
static const char *
commands_next(const char *p, size_t *len)
{
	size_t	n;

	if (*p == '\0')
		return NULL;
	n = strcspn(p, "\n");
	*len = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
	return p[n] == '\n' ? p + n + 1 : p + n;
}

/* Length of the blank (space, tab, CR, U+00A0, U+202F) at p. */
static size_t
commands_blank_at(const char *p, size_t len)
{
	if (len >= 1 && (*p == ' ' || *p == '\t' || *p == '\r'))
		return 1;
	if (len >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
		return 2;
	if (len >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
		return 3;
	return 0;
}

/* Length of the blank ending the len bytes at p. */
static size_t
commands_blank_before(const char *p, size_t len)
{
	if (len >= 1 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
	    p[len - 1] == '\r'))
		return 1;
	if (len >= 2 && memcmp(p + len - 2, "\xc2\xa0", 2) == 0)
		return 2;
	if (len >= 3 && memcmp(p + len - 3, "\xe2\x80\xaf", 3) == 0)
		return 3;
	return 0;
}

/* Trims blanks from both ends of the len bytes at *p. */
static void
commands_trim(const char **p, size_t *len)
{
	size_t	n;

	while ((n = commands_blank_at(*p, *len)) > 0) {
		*p += n;
		*len -= n;
	}
	while ((n = commands_blank_before(*p, *len)) > 0)
		*len -= n;
}

static int
commands_blank(const char *p, size_t len)
{
	commands_trim(&p, &len);
	return len == 0;
}

static int
commands_none(const struct commands_def *def, const char *arg, size_t len,
    char **out, const char **err)
{
	(void)arg;
	(void)def;
	if (len > 0) {
		*err = "why-takes-no-argument";
		return -1;
	}
	*out = xstrdup("");
	return 0;
}

/* #conflict: whatever follows is dropped, never kept or shown. */
static int
commands_drop(const struct commands_def *def, const char *arg, size_t len,
    char **out, const char **err)
{
	(void)def;
	(void)arg;
	(void)len;
	(void)err;
	*out = xstrdup("");
	return 0;
}

static int
commands_text(const struct commands_def *def, const char *arg, size_t len,
    char **out, const char **err)
{
	(void)def;
	if (len == 0) {
		*err = "why-needs-argument";
		return -1;
	}
	*out = xstrndup(arg, len);
	return 0;
}

/* Writes the choices as "a, b, c". */
static void
commands_choices(struct buf *b, const char *choices)
{
	size_t	n;

	while (*choices != '\0') {
		n = strcspn(choices, "|");
		buf_add(b, choices, n);
		choices += n;
		if (*choices == '|') {
			buf_addstr(b, ", ");
			choices++;
		}
	}
}

static int
commands_choice(const struct commands_def *def, const char *arg,
    size_t len, char **out, const char **err)
{
	const char	*c = def->choices;
	size_t		 n;

	while (*c != '\0') {
		n = strcspn(c, "|");
		if (n == len && strncasecmp(arg, c, n) == 0) {
			*out = xstrndup(c, n);
			return 0;
		}
		c += n + (c[n] == '|');
	}
	*err = "why-needs-choice";
	return -1;
}

static const struct commands_def *
commands_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(commands_defs); i++)
		if (strlen(commands_defs[i].name) == len &&
		    strncasecmp(commands_defs[i].name, name, len) == 0)
			return &commands_defs[i];
	return NULL;
}

/* '#' then an ASCII letter, after optional blanks. */
static int
commands_is_command(const char *p, size_t len)
{
	size_t	i = 0;
	char	c;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i + 1 >= len || p[i] != '#')
		return 0;
	c = (char)(p[i + 1] | 0x20);
	return c >= 'a' && c <= 'z';
}

static void
commands_unknown(const char *name, size_t len, struct command *cmd)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] >= 0x7f)
			break;
	if (i == len && len <= COMMANDS_ECHO_MAX) {
		cmd->error = "why-unknown-command";
		cmd->word = xstrndup(name, len);
	} else
		cmd->error = "why-unknown";
}

/*
 * Parses one command line into the next entry of out (with its error
 * set when it is not valid), or sets out->error when out is full.
 */
static void
commands_one(const char *p, size_t len, struct command_list *out)
{
	const struct commands_def	*def;
	struct command			*cmd;
	const char			*end = p + len, *arg;
	size_t				 n, alen;

	if (out->n == COMMANDS_MAX) {
		out->error = "why-too-many-commands";
		return;
	}
	cmd = &out->cmd[out->n++];
	cmd->id = CMD_MAX;
	p += strspn(p, " \t") + 1;
	for (n = 0; p + n < end && strchr(" \t:=", p[n]) == NULL; n++)
		;
	if ((def = commands_lookup(p, n)) == NULL) {
		commands_unknown(p, n, cmd);
		cmd->arg = xstrdup("");
		return;
	}
	cmd->id = (enum command_id)(def - commands_defs);
	arg = p + n;
	if (arg < end && (*arg == ':' || *arg == '='))
		arg++;
	alen = (size_t)(end - arg);
	commands_trim(&arg, &alen);
	if (def->check(def, arg, alen, &cmd->arg, &cmd->error) == -1) {
		free(cmd->arg);
		cmd->arg = xstrdup("");
	}
}

/* The rest of the mail: quotes cut, blank lines around it trimmed. */
static char *
commands_rest(const char *text)
{
	char		*all, *rest;
	const char	*p, *next;
	size_t		 len;

	all = commands_strip_quotes(text);
	p = all;
	while ((next = commands_next(p, &len)) != NULL &&
	    commands_blank(p, len))
		p = next;
	rest = xstrdup(p);
	explicit_bzero(all, strlen(all));
	free(all);
	return rest;
}

void
commands_parse(const char *text, struct command_list *out)
{
	const char	*p = text, *next;
	size_t		 len;

	memset(out, 0, sizeof(*out));
	if (strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while ((next = commands_next(p, &len)) != NULL &&
	    commands_blank(p, len))
		p = next;
	while ((next = commands_next(p, &len)) != NULL &&
	    commands_is_command(p, len)) {
		if (out->error == NULL)
			commands_one(p, len, out);
		p = next;
	}
	out->end = (size_t)(p - text);
	out->rest = commands_rest(p);
}

static void
commands_wipe(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
commands_free(struct command_list *list)
{
	size_t	i;

	for (i = 0; i < list->n && i < COMMANDS_MAX; i++) {
		commands_wipe(list->cmd[i].arg);
		free(list->cmd[i].word);
	}
	commands_wipe(list->rest);
	memset(list, 0, sizeof(*list));
}

void
commands_error_vars(const struct command *cmd, struct template_var *v,
    char **buf)
{
	const struct commands_def	*def = NULL;
	struct buf			 b;
	size_t				 choices;

	if (cmd != NULL && (size_t)cmd->id < nitems(commands_defs))
		def = &commands_defs[cmd->id];
	buf_init(&b);
	buf_printf(&b, "%d", COMMANDS_MAX);
	buf_addch(&b, '\0');
	choices = b.len;
	if (def != NULL && def->choices != NULL)
		commands_choices(&b, def->choices);
	buf_addch(&b, '\0');
	*buf = buf_release(&b, NULL);
	v[0].name = "command";
	v[0].value = def != NULL ? def->name : cmd != NULL ? cmd->word : NULL;
	v[1].name = "example";
	v[1].value = def != NULL ? def->example : NULL;
	v[2].name = "choices";
	v[2].value = *buf + choices;
	v[3].name = "max";
	v[3].value = *buf;
}

const char *
commands_name(enum command_id id)
{
	if ((size_t)id >= nitems(commands_defs))
		return "unknown";
	return commands_defs[id].name;
}

int
commands_flags(enum command_id id)
{
	if ((size_t)id >= nitems(commands_defs))
		return 0;
	return commands_defs[id].flags;
}

/* "-- " or "--" alone: the signature follows. */
static int
commands_is_sig(const struct commands_line *l)
{
	return (l->len == 2 && memcmp(l->p, "--", 2) == 0) ||
	    (l->len == 3 && memcmp(l->p, "-- ", 3) == 0);
}

/*
 * The len bytes at p end with ':', before it optional blanks, before
 * them the word verb (after a space).
 */
static int
commands_ends_verb(const char *p, size_t len, const char *verb)
{
	size_t	n, vlen = strlen(verb);

	commands_trim(&p, &len);
	if (len == 0 || p[len - 1] != ':')
		return 0;
	len--;
	while ((n = commands_blank_before(p, len)) > 0)
		len -= n;
	return len > vlen && p[len - vlen - 1] == ' ' &&
	    memcmp(p + len - vlen, verb, vlen) == 0;
}

/* The len bytes at p hold " verb ". */
static int
commands_has_verb(const char *p, size_t len, const char *verb)
{
	size_t	i, vlen = strlen(verb);

	for (i = 0; i + vlen + 2 <= len; i++)
		if (p[i] == ' ' && p[i + vlen + 1] == ' ' &&
		    memcmp(p + i + 1, verb, vlen) == 0)
			return 1;
	return 0;
}

/* Line a (then line b, when b is not NULL) make attribution at. */
static int
commands_attribution_of(const struct commands_attribution *at,
    const char *a, size_t alen, const char *b, size_t blen)
{
	const char	*e = b != NULL ? b : a;
	size_t		 elen = b != NULL ? blen : alen;
	char		 last;

	commands_trim(&a, &alen);
	if (alen < strlen(at->prefix) ||
	    memcmp(a, at->prefix, strlen(at->prefix)) != 0)
		return 0;
	if (!at->inside)
		return commands_ends_verb(e, elen, at->verb);
	commands_trim(&e, &elen);
	last = elen > 0 ? e[elen - 1] : '\0';
	return last == ':' && (commands_has_verb(a, alen, at->verb) ||
	    (b != NULL && commands_has_verb(b, blen, at->verb)));
}

static int
commands_is_attribution(const struct commands_line *l)
{
	const char	*b = NULL;
	size_t		 i, blen = 0;
	int		 at;

	if (l->len < 3)
		return 0;
	if (commands_next(l->next, &blen) != NULL &&
	    !commands_blank(l->next, blen))
		b = l->next;
	at = b != NULL && (memchr(l->p, '@', l->len) != NULL ||
	    memchr(b, '@', blen) != NULL);
	for (i = 0; i < nitems(commands_attributions); i++) {
		if (commands_attribution_of(&commands_attributions[i], l->p,
		    l->len, NULL, 0))
			return 1;
		if (at && commands_attribution_of(&commands_attributions[i],
		    l->p, l->len, b, blen))
			return 1;
	}
	return 0;
}

/* "-----Original Message-----", "----- Original Message -----". */
static int
commands_is_original(const struct commands_line *l)
{
	const char	*p = l->p;
	size_t		 len = l->len, lead, tail;

	commands_trim(&p, &len);
	for (lead = 0; lead < len && p[lead] == '-'; lead++)
		;
	for (tail = 0; tail < len - lead && p[len - tail - 1] == '-'; tail++)
		;
	if (lead < COMMANDS_DASH_MIN || tail < COMMANDS_DASH_MIN)
		return 0;
	p += lead;
	len -= lead + tail;
	commands_trim(&p, &len);
	return text_word_in(p, len, commands_originals);
}

/* The line starts with "label:" for one of labels. */
static int
commands_starts_label(const char *p, size_t len, const char *labels)
{
	const char	*colon;

	commands_trim(&p, &len);
	if ((colon = memchr(p, ':', len)) == NULL)
		return 0;
	len = (size_t)(colon - p);
	commands_trim(&p, &len);	/* French "De :" */
	return text_word_in(p, len, labels);
}

/* Outlook's "____" rule, then a "From:" header. */
static int
commands_is_rule(const struct commands_line *l)
{
	const char	*p = l->p, *q, *next;
	size_t		 len = l->len, n;

	commands_trim(&p, &len);
	if (len < COMMANDS_RULE_MIN || strspn(p, "_") < len)
		return 0;
	q = l->next;
	while ((next = commands_next(q, &n)) != NULL && commands_blank(q, n))
		q = next;
	return next != NULL && commands_starts_label(q, n,
	    commands_from_labels);
}

/* Outlook's header block: "From:" opening a paragraph, then "Sent:". */
static int
commands_is_header_block(const struct commands_line *l)
{
	size_t	n;

	if (!l->first && !l->prevblank)
		return 0;
	if (!commands_starts_label(l->p, l->len, commands_from_labels))
		return 0;
	return commands_next(l->next, &n) != NULL &&
	    commands_starts_label(l->next, n, commands_sent_labels);
}

static int
commands_cut(const struct commands_line *l)
{
	size_t	i;

	for (i = 0; i < nitems(commands_cuts); i++)
		if (commands_cuts[i](l))
			return 1;
	return 0;
}

enum commands_quote
commands_quote_kind(const char *p, size_t len, const char *next, int first,
    int prevblank)
{
	struct commands_line	l;

	l.p = p;
	l.len = len;
	l.next = next;
	l.first = first;
	l.prevblank = prevblank;
	if (commands_is_sig(&l))
		return CQ_SIG;
	if (commands_is_attribution(&l))
		return CQ_ATTRIBUTION;
	if (commands_is_original(&l) || commands_is_rule(&l) ||
	    commands_is_header_block(&l))
		return CQ_ORIGINAL;
	return CQ_NONE;
}

char *
commands_strip_quotes(const char *text)
{
	struct commands_line	 l;
	struct buf		 b;
	size_t			 keep = 0;

	buf_init(&b);
	memset(&l, 0, sizeof(l));
	l.p = text;
	l.first = 1;
	while ((l.next = commands_next(l.p, &l.len)) != NULL) {
		if (commands_cut(&l))
			break;
		if (l.len == 0 || l.p[0] != '>') {
			buf_add(&b, l.p, l.len);
			buf_addch(&b, '\n');
			if (!commands_blank(l.p, l.len))
				keep = b.len;
		}
		l.prevblank = commands_blank(l.p, l.len);
		l.first = 0;
		l.p = l.next;
	}
	if (b.len > keep)
		explicit_bzero(b.data + keep, b.len - keep);
	buf_truncate(&b, keep);
	return buf_release(&b, NULL);
}

/*
 * test-commands: the mail commands, one table of mails as members write
 * them (each command valid and not, any case, limits, the rest with
 * replies quoted the Gmail, Apple and Outlook ways, signatures, CRLF),
 * then the help text, the names and flags, the quote cutter alone and a
 * megabyte of '#' lines.  Errors are template names: they are checked
 * as the shipped English templates render them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "buf.h"
#include "commands.h"
#include "template.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define STATUS_ERR	"#status needs one of: new, investigating, waiting, " \
			"resolved, closed"

struct tcase {
	const char	*text;
	const char	*cmds;	/* "name:arg;" each, in order */
	const char	*rest;	/* NULL: not checked */
	const char	*error;	/* part of the error, NULL: none */
};

static const struct tcase tcases[] = {
	/* Nothing, or no commands. */
	{ "", "", "", NULL },
	{ "\n\n  \n", "", "", NULL },
	{ "Hello there.\n", "", "Hello there.\n", NULL },
	{ "Hello\n#vote yes\n", "", "Hello\n#vote yes\n", NULL },

	/* Every command, valid. */
	{ "#noconflict\n", "noconflict:;", "", NULL },
	{ "#conflict\n", "conflict:;", "", NULL },
	{ "#conflict I reviewed their work last year\n", "conflict:;", "",
	    NULL },
	{ "#conflict: they are my manager\nok\n", "conflict:;", "ok\n",
	    NULL },
	{ "#recuse\n", "recuse:;", "", NULL },
	{ "#reported Jo Doe <jo@example.org>\n",
	    "reported:Jo Doe <jo@example.org>;", "", NULL },
	{ "#reported  jo@example.org  \n", "reported:jo@example.org;", "",
	    NULL },
	{ "#reported Zo\xc3\xab \xc3\x9cnal\n",
	    "reported:Zo\xc3\xab \xc3\x9cnal;", "", NULL },
	{ "#status new", "status:new;", "", NULL },
	{ "#status investigating\n", "status:investigating;", "", NULL },
	{ "#status WAITING\n", "status:waiting;", "", NULL },
	{ "#status Resolved\n", "status:resolved;", "", NULL },
	{ "#status closed\n", "status:closed;", "", NULL },
	{ "#safety yes\n", "safety:yes;", "", NULL },
	{ "#safety NO\n", "safety:no;", "", NULL },
	{ "#safety unknown\n", "safety:unknown;", "", NULL },
	{ "#repeat yes\n#repeat no\n#repeat Maybe\n",
	    "repeat:yes;repeat:no;repeat:maybe;", "", NULL },
	{ "#actions spoke with both people\n",
	    "actions:spoke with both people;", "", NULL },
	{ "#resolution a private warning\n",
	    "resolution:a private warning;", "", NULL },
	{ "#to-reporter\nDear reporter,\n\nthank you.\n", "to-reporter:;",
	    "Dear reporter,\n\nthank you.\n", NULL },
	{ "#followup-done\n", "followup-done:;", "", NULL },
	{ "#propose close with a warning\n",
	    "propose:close with a warning;", "", NULL },
	{ "#vote yes\n", "vote:yes;", "", NULL },
	{ "#vote no\n", "vote:no;", "", NULL },
	{ "#vote ABSTAIN\n", "vote:abstain;", "", NULL },
	{ "#help\n", "help:;", "", NULL },

	/* Any case, ':' or '=' after the name, blanks. */
	{ "#HELP\n#NoConflict\n", "help:;noconflict:;", "", NULL },
	{ "#STATUS: Investigating\n", "status:investigating;", "", NULL },
	{ "#status=closed\n", "status:closed;", "", NULL },
	{ "#vote:yes\n", "vote:yes;", "", NULL },
	{ "#vote\tyes\t\n", "vote:yes;", "", NULL },
	{ "#To-Reporter:\nHi\n", "to-reporter:;", "Hi\n", NULL },
	{ "   #vote yes\n\t#recuse\n", "vote:yes;recuse:;", "", NULL },
	{ "\n\n  \n#vote yes\n", "vote:yes;", "", NULL },
	{ "\xef\xbb\xbf#vote yes\n", "vote:yes;", "", NULL },
	{ "#vote yes\n#vote no\n", "vote:yes;vote:no;", "", NULL },

	/* Invalid. */
	{ "#foo\n", "", NULL, "unknown command #foo; #help lists them" },
	{ "#to_reporter\n", "", NULL, "unknown command #to_reporter;" },
	{ "#statusinvestigating\n", "", NULL,
	    "unknown command #statusinvestigating;" },
	{ "#aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "", NULL,
	    "unknown command; #help lists them" },
	{ "#caf\xc3\xa9\n", "", NULL, "unknown command; #help" },
	{ "#status maybe\n", "", NULL, STATUS_ERR },
	{ "#status\n", "", NULL, STATUS_ERR },
	{ "#status:\n", "", NULL, STATUS_ERR },
	{ "#status : closed\n", "", NULL, STATUS_ERR },
	{ "#status investigating now\n", "", NULL, STATUS_ERR },
	{ "#safety perhaps\n", "", NULL,
	    "#safety needs one of: yes, no, unknown" },
	{ "#repeat sometimes\n", "", NULL,
	    "#repeat needs one of: yes, no, maybe" },
	{ "#vote perhaps\n", "", NULL, "#vote needs one of: yes, no, abstain" },
	{ "#vote\n", "", NULL, "#vote needs one of" },
	{ "#reported\n", "", NULL, "#reported needs an argument, e.g. " },
	{ "#reported   \r\n", "", NULL, "#reported needs an argument" },
	{ "#actions\n", "", NULL, "#actions needs an argument" },
	{ "#resolution:\n", "", NULL, "#resolution needs an argument" },
	{ "#propose\n", "", NULL, "#propose needs an argument" },
	{ "#recuse because I know them\n", "", NULL,
	    "#recuse takes no argument" },
	{ "#to-reporter Dear reporter\n", "", NULL,
	    "#to-reporter takes no argument" },
	{ "#noconflict x\n", "", NULL, "#noconflict takes no argument" },
	{ "#help me\n", "", NULL, "#help takes no argument" },
	/* Each error is its command's; parsing goes on. */
	{ "#vote yes\n#foo\n#status maybe\nText\n", "vote:yes;", "Text\n",
	    "unknown command #foo;" },
	{ "#foo\n#propose x\n#vote yes\nText\n", "propose:x;vote:yes;",
	    "Text\n", "unknown command #foo;" },

	/* Not commands: headings, numbers, a lone '#'. */
	{ "# Heading\n#vote yes\n", "", "# Heading\n#vote yes\n", NULL },
	{ "## Notes\nx\n", "", "## Notes\nx\n", NULL },
	{ "#1 thing: it happened\n", "", "#1 thing: it happened\n", NULL },
	{ "#\nx\n", "", "#\nx\n", NULL },
	{ "#vote yes\n# Heading\n", "vote:yes;", "# Heading\n", NULL },

	/* Where the block ends and what the rest is. */
	{ "#vote yes\n\n#recuse\n", "vote:yes;", "#recuse\n", NULL },
	{ "#vote yes\nSome text\n#recuse\n", "vote:yes;",
	    "Some text\n#recuse\n", NULL },
	{ "#vote yes\n\n\nText\n\n\n", "vote:yes;", "Text\n", NULL },
	{ "#vote yes\nI agree\n> quoted\nwith this\n", "vote:yes;",
	    "I agree\nwith this\n", NULL },
	{ "#status waiting\r\n#vote no\r\n\r\nText here\r\nmore\r\n",
	    "status:waiting;vote:no;", "Text here\nmore\n", NULL },
	{ "#vote yes\r\n#recuse\r\n", "vote:yes;recuse:;", "", NULL },

	/* Replies: Gmail, Gmail wrapped, Apple, Thunderbird, Outlook. */
	{ "#noconflict\n\nLooks fine.\n\nOn Mon, 1 Jan 2024 at 10:00, "
	    "Alice <a@example.org> wrote:\n\n> secret\n> more\n",
	    "noconflict:;", "Looks fine.\n", NULL },
	{ "Thanks\n\nOn Mon, 1 Jan 2024 at 10:00, Alice Example <\n"
	    "alice@example.org> wrote:\n\n> secret\n", "", "Thanks\n", NULL },
	{ "#vote yes\n\nOn 1 Jan 2024, at 10:00, Alice <a@example.org> "
	    "wrote:\n\n> secret\n", "vote:yes;", "", NULL },
	{ "OK\n\n> On 1 Jan 2024, at 10:00, Alice <a@b.org> wrote:\n> \n"
	    "> secret\n", "", "OK\n", NULL },
	{ "OK\r\n\r\nOn 01/01/2024 10:00, Alice wrote:\r\nsecret, "
	    "unquoted (HTML)\r\n", "", "OK\n", NULL },
	{ "#vote yes\nAgreed.\n\n-----Original Message-----\nFrom: Bob\n"
	    "Sent: Monday\nsecret\n", "vote:yes;", "Agreed.\n", NULL },
	{ "Agreed.\n\n----- Original Message -----\nsecret\n", "",
	    "Agreed.\n", NULL },
	{ "Agreed.\n\n________________________________\nFrom: Bob "
	    "<b@example.org>\nSent: Monday\nsecret\n", "", "Agreed.\n",
	    NULL },
	{ "#vote no\n\nFrom: Bob <b@example.org>\nSent: Monday, 1 January\n"
	    "To: Committee\nSubject: RE: case\n\nsecret\n", "vote:no;", "",
	    NULL },
	{ "Agreed.\n\nFrom: Bob <b@example.org>\r\nDate: Monday\r\n"
	    "secret\n", "", "Agreed.\n", NULL },

	/* Other languages. */
	{ "Ok\n\nLe lun. 1 janv. 2024 \xc3\xa0 10:00, Alice <a@b.org> "
	    "a \xc3\xa9" "crit\xc2\xa0:\n> secret\n", "", "Ok\n", NULL },
	{ "Ok\n\nLe 01/01/2024 \xc3\xa0 10:00, Alice a \xc3\xa9" "crit :\n"
	    "secret\n", "", "Ok\n", NULL },
	{ "Ok\n\nAm 01.01.2024 um 10:00 schrieb Alice <a@b.org>:\n"
	    "> secret\n", "", "Ok\n", NULL },
	{ "Ok\n\nEl lun, 1 ene 2024 a las 10:00, Alice (<a@b.org>) "
	    "escribi\xc3\xb3:\n> secret\n", "", "Ok\n", NULL },
	{ "Ok\n\n-----Urspr\xc3\xbcngliche Nachricht-----\nsecret\n", "",
	    "Ok\n", NULL },

	/* Signatures. */
	{ "#vote yes\nText\n-- \nAlice\n+1 555 0100\n", "vote:yes;",
	    "Text\n", NULL },
	{ "Text\n--\nAlice\n", "", "Text\n", NULL },
	{ "Text\r\n-- \r\nAlice\r\n", "", "Text\n", NULL },

	/* Near misses: kept. */
	{ "On reflection I agree.\nMore text\n", "",
	    "On reflection I agree.\nMore text\n", NULL },
	{ "On Monday she told me what he wrote: nothing.\n", "",
	    "On Monday she told me what he wrote: nothing.\n", NULL },
	{ "On Monday I met them.\nThis is what he wrote:\nbe quiet\n", "",
	    "On Monday I met them.\nThis is what he wrote:\nbe quiet\n",
	    NULL },
	{ "Text\n---\nmore\n", "", "Text\n---\nmore\n", NULL },
	{ "Text\n--  \nmore\n", "", "Text\n--  \nmore\n", NULL },
	{ "Text\n-----BEGIN PGP SIGNATURE-----\nx\n", "",
	    "Text\n-----BEGIN PGP SIGNATURE-----\nx\n", NULL },
	{ "Text\n\nFrom: what I gather\nthey left.\n", "",
	    "Text\n\nFrom: what I gather\nthey left.\n", NULL },
	{ "I saw it.\nFrom: Bob\nSent: Monday\n", "",
	    "I saw it.\nFrom: Bob\nSent: Monday\n", NULL },
	{ "A\n______________________________\nB\n", "",
	    "A\n______________________________\nB\n", NULL },
	{ "Text\n\n---------- Forwarded message ---------\nFrom: Bob\n"
	    "Date: Mon\nevidence\n", "", "Text\n\n---------- Forwarded "
	    "message ---------\nFrom: Bob\nDate: Mon\nevidence\n", NULL },
};

/* An error as conf/templates/en renders it (valid until the next call). */
static const char *
error_text(const struct command *cmd, const char *error)
{
	static char		*text;
	struct template_var	 v[4];
	const char		*top = getenv("top_srcdir");
	char			 dir[1024], *buf, *err = NULL;

	free(text);
	text = NULL;
	if (error == NULL)
		return NULL;
	snprintf(dir, sizeof(dir), "%s/conf/templates", top != NULL ? top :
	    "..");
	commands_error_vars(cmd, v, &buf);
	text = template_phrase(dir, "en", error, v, 4, &err);
	free(buf);
	if (text == NULL)
		fprintf(stderr, "  %s: %s\n", error, err);
	CHECK(text != NULL);
	free(err);
	return text;
}

/* The list's error, or else the first command's error. */
static const char *
first_error(const struct command_list *l)
{
	size_t	i;

	if (l->error != NULL)
		return error_text(NULL, l->error);
	for (i = 0; i < l->n; i++)
		if (l->cmd[i].error != NULL)
			return error_text(&l->cmd[i], l->cmd[i].error);
	return NULL;
}

/* Renders the valid commands as "name:arg;" each. */
static char *
render(const struct command_list *l)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < l->n; i++)
		if (l->cmd[i].error == NULL)
			buf_printf(&b, "%s:%s;", commands_name(l->cmd[i].id),
		    l->cmd[i].arg);
	return buf_release(&b, NULL);
}

static void
test_table(void)
{
	struct command_list	 l;
	char			*got;
	size_t			 i;
	int			 fails;

	for (i = 0; i < nitems(tcases); i++) {
		fails = harness_failures;
		commands_parse(tcases[i].text, &l);
		got = render(&l);
		if (tcases[i].error == NULL)
			CHECK(first_error(&l) == NULL);
		else
			CHECK_STRSTR(first_error(&l), tcases[i].error);
		CHECK_STREQ(got, tcases[i].cmds);
		free(got);
		CHECK(l.rest != NULL);
		if (tcases[i].rest != NULL)
			CHECK_STREQ(l.rest, tcases[i].rest);
		if (harness_failures != fails)
			fprintf(stderr, "  case %zu: \"%s\" (error %s)\n", i,
			    tcases[i].text, first_error(&l) ? first_error(&l) :
			    "none");
		commands_free(&l);
	}
}

static void
test_limits(void)
{
	struct command_list	 l;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	for (i = 0; i < COMMANDS_MAX; i++)
		buf_addstr(&b, "#vote yes\n");
	buf_addstr(&b, "Text\n");
	commands_parse(b.data, &l);
	CHECK(l.error == NULL);
	CHECK_INTEQ(l.n, COMMANDS_MAX);
	CHECK_STREQ(l.rest, "Text\n");
	commands_free(&l);

	buf_truncate(&b, b.len - 5);
	buf_addstr(&b, "#recuse\nText\n");
	commands_parse(b.data, &l);
	CHECK_STRSTR(first_error(&l), "more than 16 commands");
	CHECK_INTEQ(l.n, COMMANDS_MAX);
	CHECK_STREQ(l.rest, "Text\n");
	commands_free(&l);
	buf_free(&b);
}

/* A megabyte of '#' lines: bounded, linear, never more than the limit. */
static void
test_huge(void)
{
	static const char	*lines[] = { "#vote yes\n", "#foo\n", "#\n",
				    "#reported x\r\n" };
	struct command_list	 l;
	struct buf		 b;
	clock_t			 t0;
	size_t			 i;

	for (i = 0; i < nitems(lines); i++) {
		buf_init(&b);
		while (b.len < 1024 * 1024)
			buf_addstr(&b, lines[i]);
		t0 = clock();
		commands_parse(b.data, &l);
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
		CHECK(l.n <= COMMANDS_MAX);
		CHECK(l.rest != NULL);
		commands_free(&l);
		buf_free(&b);
	}

	/* One long line: the argument is the whole line. */
	buf_init(&b);
	buf_addstr(&b, "#propose ");
	while (b.len < 1024 * 1024)
		buf_addstr(&b, "word ");
	commands_parse(b.data, &l);
	CHECK(l.error == NULL);
	CHECK_INTEQ(l.n, 1);
	CHECK_INTEQ(strlen(l.cmd[0].arg), b.len - 10);
	commands_free(&l);
	buf_free(&b);

	/* A megabyte of quoted lines after text. */
	buf_init(&b);
	buf_addstr(&b, "#vote yes\nok\n");
	while (b.len < 1024 * 1024)
		buf_addstr(&b, "> quoted\n");
	t0 = clock();
	commands_parse(b.data, &l);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	CHECK_STREQ(l.rest, "ok\n");
	commands_free(&l);
	buf_free(&b);
}

static void
test_names(void)
{
	static const struct {
		enum command_id	 id;
		const char	*name;
		int		 flags;
	} names[] = {
		{ CMD_NOCONFLICT, "noconflict", CMD_F_CHECKED },
		{ CMD_CONFLICT, "conflict", CMD_F_CHECKED },
		{ CMD_RECUSE, "recuse", CMD_F_PARTICIPANT },
		{ CMD_REPORTED, "reported", CMD_F_PARTICIPANT },
		{ CMD_STATUS, "status", CMD_F_PARTICIPANT },
		{ CMD_SAFETY, "safety", CMD_F_PARTICIPANT },
		{ CMD_REPEAT, "repeat", CMD_F_PARTICIPANT },
		{ CMD_ACTIONS, "actions", CMD_F_PARTICIPANT },
		{ CMD_RESOLUTION, "resolution", CMD_F_PARTICIPANT },
		{ CMD_TO_REPORTER, "to-reporter", CMD_F_PARTICIPANT |
		    CMD_F_OUTGOING },
		{ CMD_TO_REPORTED, "to-reported", CMD_F_PARTICIPANT |
		    CMD_F_CONTACT | CMD_F_OUTGOING },
		{ CMD_TO_MODERATORS, "to-moderators", CMD_F_PARTICIPANT |
		    CMD_F_OUTGOING },
		{ CMD_MODERATORS, "moderators", CMD_F_PARTICIPANT },
		{ CMD_FOLLOWUP_DONE, "followup-done", CMD_F_PARTICIPANT },
		{ CMD_PROPOSE, "propose", CMD_F_PARTICIPANT },
		{ CMD_VOTE, "vote", CMD_F_PARTICIPANT },
		{ CMD_INCLUDE, "include", CMD_F_PARTICIPANT | CMD_F_LEAD },
		{ CMD_PATTERN, "pattern", CMD_F_PARTICIPANT | CMD_F_LEAD },
		{ CMD_HELP, "help", CMD_F_ANYONE }
	};
	size_t	i;

	CHECK_INTEQ(nitems(names), CMD_MAX);
	for (i = 0; i < nitems(names); i++) {
		CHECK_STREQ(commands_name(names[i].id), names[i].name);
		CHECK_INTEQ(commands_flags(names[i].id), names[i].flags);
	}
	CHECK_STREQ(commands_name(CMD_MAX), "unknown");
	CHECK_INTEQ(commands_flags(CMD_MAX), 0);
}

/* The #help template (conf/templates/en/help.txt), read whole. */
static char *
help_text(void)
{
	const char	*top = getenv("top_srcdir");
	char		 path[1024], *h;
	FILE		*f;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/conf/templates/en/help.txt",
	    top != NULL ? top : "..");
	h = calloc(1, 16384);
	CHECK(h != NULL && (f = fopen(path, "r")) != NULL);
	if (h == NULL || f == NULL)
		return h;
	len = fread(h, 1, 16383, f);
	h[len] = '\0';
	fclose(f);
	return h;
}

/*
 * The help: plain text, lines of at most 72 columns, every command of
 * the table in it in the table's order, and every example line
 * ("#status investigating   set the...") parses as its command.
 */
static void
test_help(void)
{
	struct command_list	 l;
	char			*h = help_text(), *p, *nl;
	char			 line[128], want[64];
	size_t			 len, i, seen = 0;

	if (h == NULL)
		return;
	CHECK(strncmp(h, "Subject: ", 9) == 0);
	for (p = h; *p != '\0'; p += len + (p[len] == '\n')) {
		len = strcspn(p, "\n");
		CHECK(len <= 72);
		if (*p != '#')
			continue;
		CHECK(len < sizeof(line));
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		/* The example ends where the padding starts. */
		if ((nl = strstr(line, "  ")) != NULL)
			line[nl - line] = '\0';
		commands_parse(line, &l);
		CHECK(l.error == NULL);
		CHECK_INTEQ(l.n, 1);
		if (l.n == 1 && (size_t)l.cmd[0].id == seen)
			seen++;
		commands_free(&l);
	}
	CHECK_INTEQ(seen, CMD_MAX);
	for (i = 0; i < CMD_MAX; i++) {
		snprintf(want, sizeof(want), "\n#%s", commands_name(i));
		CHECK_STRSTR(h, want);
	}
	CHECK_STRSTR(h, "#status investigating");
	CHECK_STRSTR(h, "#vote yes");
	CHECK_STRSTR(h, "one of: new, investigating, waiting, resolved, "
	    "closed");
	for (p = h; *p != '\0'; p++)
		CHECK(*p == '\n' || (*p >= ' ' && *p < 0x7f));
	free(h);
}

/* The cutter alone, and the shapes its header names. */
static void
test_strip(void)
{
	static const struct {
		const char	*in;
		const char	*out;
	} strips[] = {
		{ "", "" },
		{ "\n\n", "" },
		{ "a\n\n\n", "a\n" },
		{ "\na", "\na\n" },
		{ "> x\n>y\n", "" },
		{ "a\n > not a quote\n", "a\n > not a quote\n" },
		{ "a\n\n> q\n\nb\n", "a\n\n\nb\n" },
		{ "a\nOn Tue, Bob <b@c.d> wrote:\nb\n", "a\n" },
		{ "a\n-----Original Message-----\nb\n", "a\n" },
		{ "a\n-----original message-----\nb\n", "a\n" },
		{ "a\n-- \nsig\n", "a\n" },
		{ "a\r\nb\r\n", "a\nb\n" },
		{ "a \t\n\xc2\xa0\n", "a \t\n" },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < nitems(strips); i++) {
		s = commands_strip_quotes(strips[i].in);
		CHECK_STREQ(s, strips[i].out);
		free(s);
	}
}

static void
test_free(void)
{
	struct command_list	l;

	commands_parse("#vote yes\nx\n", &l);
	commands_free(&l);
	CHECK(l.rest == NULL && l.n == 0 && l.error == NULL);
	commands_free(&l);
}

/* Every command of the table is documented in conductd.8. */
static void
test_documented(void)
{
	char	item[64], *page;
	int	i;

	if ((page = harness_read_srcfile("man/conductd.8")) == NULL)
		return;
	for (i = 0; i < CMD_MAX; i++) {
		snprintf(item, sizeof(item), "\n.It Ic #%s",
		    commands_name((enum command_id)i));
		harness_checks++;
		if (strstr(page, item) == NULL) {
			harness_failures++;
			fprintf(stderr, "FAIL: #%s is not documented in "
			    "conductd.8\n", commands_name((enum command_id)i));
		}
	}
	free(page);
}

int
main(void)
{
	test_documented();
	test_table();
	test_limits();
	test_huge();
	test_names();
	test_help();
	test_strip();
	test_free();
	return harness_done();
}

/*
 * conductctl: the admin's command line.  Each verb is one handler in the
 * verb table; it reads the same configuration as the daemon and works on
 * the same database.  Errors go to stderr with err(3)-style messages and
 * the exit codes of sysexits(3).
 */
#include <sys/stat.h>

#include <err.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "buf.h"
#include "cases.h"
#include "clock.h"
#include "cmdline.h"
#include "committee.h"
#include "compose.h"
#include "imap.h"
#include "confcheck.h"
#include "config.h"
#include "crypto.h"
#include "ctl_report.h"
#include "ctl_templates.h"
#include "cutnote.h"
#include "expunge.h"
#include "lang.h"
#include "log.h"
#include "outbox.h"
#include "outreach.h"
#include "pattern.h"
#include "pgp.h"
#include "pgpmail.h"
#include "mime.h"
#include "report.h"
#include "schedule.h"
#include "smtp.h"
#include "template.h"
#include "store.h"
#include "svcuser.h"
#include "xmalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define CONDUCTCTL_CONF		SYSCONFDIR "/conductd/conductd.conf"

#ifndef CONDUCTD_USER
#define CONDUCTD_USER		"_conductd"
#endif

#define VERB_STORE	0x01	/* needs the key and the database */

struct ctl {
	struct config		*conf;
	struct crypto_key	*key;
	struct store		*store;
};

struct verb {
	const char	*name;
	int		(*handler)(struct ctl *, int, char **);
	int		 flags;
	const char	*usage;
};

static int	verb_cases(struct ctl *, int, char **);
static int	verb_check_config(struct ctl *, int, char **);
static int	verb_export(struct ctl *, int, char **);
static int	verb_held(struct ctl *, int, char **);
static int	verb_init(struct ctl *, int, char **);
static int	verb_key(struct ctl *, int, char **);
static int	verb_members(struct ctl *, int, char **);
static int	verb_messages(struct ctl *, int, char **);
static int	verb_onboard(struct ctl *, int, char **);
static int	verb_pattern(struct ctl *, int, char **);
static int	verb_purge(struct ctl *, int, char **);
static int	verb_report(struct ctl *, int, char **);
static int	verb_retry(struct ctl *, int, char **);
static int	verb_show(struct ctl *, int, char **);
static int	verb_show_message(struct ctl *, int, char **);
static int	verb_templates(struct ctl *, int, char **);
static int	verb_transparency(struct ctl *, int, char **);

static const struct verb verbs[] = {
	{ "cases", verb_cases, VERB_STORE, "cases [--wide | --csv]" },
	{ "check-config", verb_check_config, VERB_STORE, "check-config" },
	{ "export", verb_export, VERB_STORE, "export CODE-NAME FILE" },
	{ "held", verb_held, VERB_STORE, "held" },
	{ "init", verb_init, 0, "init [--pgp]" },
	{ "key", verb_key, 0, "key" },
	{ "members", verb_members, 0, "members" },
	{ "messages", verb_messages, VERB_STORE, "messages" },
	{ "onboard", verb_onboard, VERB_STORE, "onboard NAME" },
	{ "pattern", verb_pattern, VERB_STORE, "pattern" },
	{ "purge", verb_purge, VERB_STORE,
	    "purge --closed-before YYYY-MM-DD [--dry-run]" },
	{ "report", verb_report, VERB_STORE,
	    "report CODE-NAME [--format text|html]" },
	{ "retry", verb_retry, VERB_STORE,
	    "retry message|outbox|deadline|uid:ID" },
	{ "show", verb_show, VERB_STORE, "show CODE-NAME" },
	{ "show-message", verb_show_message, VERB_STORE, "show-message ID" },
	{ "templates", verb_templates, 0,
	    "templates [--lang LANG] | templates check [FOLDER]" },
	{ "transparency", verb_transparency, VERB_STORE,
	    "transparency --since YYYY-MM-DD [--csv]" },
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *verb_now;	/* the verb running, for usage() */

static void
usage_print(FILE *fp)
{
	size_t	i;

	fprintf(fp, "usage: conductctl [-f file] verb [args]\n"
	    "       conductctl --help | --version\nverbs:\n");
	for (i = 0; i < NVERBS; i++)
		fprintf(fp, "\t%s\n", verbs[i].usage);
}

/* The running verb's usage line, or the whole usage; exits EX_USAGE. */
static __attribute__((noreturn)) void
usage(void)
{
	if (verb_now != NULL)
		fprintf(stderr, "usage: conductctl [-f file] %s\n",
		    verb_now->usage);
	else
		usage_print(stderr);
	exit(EX_USAGE);
}

/* Names what was wrong (why, then the word at fault), then usage(). */
static __attribute__((noreturn)) void
usage_error(const char *why, const char *what)
{
	fprintf(stderr, "conductctl: %s%s%s %s\n",
	    verb_now != NULL ? verb_now->name : "",
	    verb_now != NULL ? ": " : "", why, what);
	usage();
}

static void
ctl_open_store(struct ctl *ctl)
{
	char	*errstr = NULL;

	if ((ctl->key = crypto_key_load(ctl->conf->key_file, &errstr)) ==
	    NULL)
		errx(EX_CONFIG, "%s (run conductctl init first)", errstr);
	if ((ctl->store = store_open(ctl->conf->database, ctl->key,
	    &errstr)) == NULL)
		errx(EX_CANTCREAT, "%s", errstr);
}

/*
 * What init makes as root (the state folder, the key, the database) is
 * the service user's, so that the daemon systemd starts as that user can
 * use it; run as anyone else, what it makes is that user's own.
 */
static void
init_user(struct svcuser *u)
{
	char	*errstr = NULL;

	if (svcuser_lookup(u, CONDUCTD_USER, &errstr) == -1) {
		printf("owner: %s (systemd-sysusers makes it): the files stay "
		    "root's\n", errstr);
		free(errstr);
	}
}

static __attribute__((noreturn)) void
init_fail(const struct svcuser *u, char *errstr)
{
	if (u->root)
		errx(EX_CANTCREAT, "%s", errstr);
	errx(EX_CANTCREAT, "%s (run conductctl init as root: it makes the "
	    "files %s's)", errstr, u->name);
}

static void
init_state_dir(const struct svcuser *u, const char *dir)
{
	char	*errstr = NULL;
	int	 made;

	if ((made = svcuser_mkdir(u, dir, &errstr)) == -1)
		init_fail(u, errstr);
	if (made && u->active)
		printf("state: %s created, mode 0700, owner %s\n", dir,
		    u->name);
	else if (made)
		printf("state: %s created, mode 0700\n", dir);
	else if (!svcuser_owns(u, dir))
		printf("state: %s exists, not %s's: kept (chown %s:%s it for "
		    "the daemon)\n", dir, u->name, u->name, u->name);
	else if (!u->root && access(dir, W_OK | X_OK) == -1) {
		xasprintf(&errstr, "%s: %s", dir, strerror(errno));
		init_fail(u, errstr);
	}
}

/* The database and SQLite's -wal and -shm files beside it. */
static void
init_give_database(const struct svcuser *u, const char *db)
{
	const char	*sfx[] = { "", "-wal", "-shm" };
	char		*path, *errstr = NULL;
	size_t		 i;

	if (svcuser_create(u, db, &errstr) == -1)
		init_fail(u, errstr);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		xasprintf(&path, "%s%s", db, sfx[i]);
		if (svcuser_give(u, path, &errstr) == -1)
			init_fail(u, errstr);
		free(path);
	}
}

static const struct svcuser *init_tree_user;
static char *init_tree_err;

static int
init_give_cb(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return svcuser_give(init_tree_user, path, &init_tree_err) == -1;
}

/* Everything under dir (the keyring, gpg's own files too) is u's. */
static void
init_give_tree(const struct svcuser *u, const char *dir)
{
	init_tree_user = u;
	if (nftw(dir, init_give_cb, 16, FTW_PHYS) != 0)
		init_fail(u, init_tree_err != NULL ? init_tree_err :
		    xstrdup(dir));
}

/*
 * The committee's OpenPGP key pair (pgp.h), in the keyring of the
 * state folder: made once, kept after.
 */
static void
init_pgp(struct ctl *ctl, const struct svcuser *u)
{
	struct pgp	*pgp;
	char		*errstr = NULL, fpr[PGP_FPR_MAX];

	if (svcuser_mkdir(u, ctl->conf->pgp_home, &errstr) == -1 ||
	    (pgp = pgp_open(ctl->conf->pgp_home, &errstr)) == NULL)
		init_fail(u, errstr);
	if (pgp_own_key(pgp, ctl->conf->alias, fpr) == 1)
		printf("pgp: the committee's key %s exists, kept\n", fpr);
	else if (pgp_create_own_key(pgp, ctl->conf->committee_name,
	    ctl->conf->alias, fpr, &errstr) == -1) {
		pgp_close(pgp);
		init_fail(u, errstr);
	} else
		printf("pgp: the committee's key %s created in %s; "
		    "conductctl key prints it for your website\n", fpr,
		    ctl->conf->pgp_home);
	pgp_stop_agent(pgp);
	pgp_close(pgp);
	init_give_tree(u, ctl->conf->pgp_home);
}

static int
verb_key(struct ctl *ctl, int argc, char **argv)
{
	struct pgp	*pgp;
	char		*errstr = NULL, *armor, fpr[PGP_FPR_MAX];
	size_t		 len;

	(void)argv;
	if (argc != 1)
		usage();
	if ((pgp = pgp_open(ctl->conf->pgp_home, &errstr)) == NULL)
		errx(EX_UNAVAILABLE, "%s", errstr);
	if (pgp_own_key(pgp, ctl->conf->alias, fpr) != 1 ||
	    (armor = pgp_export(pgp, fpr, 1, &len)) == NULL) {
		pgp_close(pgp);
		errx(EX_CONFIG, "the committee has no OpenPGP key in %s (run "
		    "conductctl init --pgp)", ctl->conf->pgp_home);
	}
	fwrite(armor, 1, len, stdout);
	free(armor);
	pgp_close(pgp);
	return EX_OK;
}

static int
verb_init(struct ctl *ctl, int argc, char **argv)
{
	struct svcuser	 u;
	struct stat	 st;
	char		*errstr = NULL;
	int		 want_pgp = 0;

	if (argc == 2 && strcmp(argv[1], "--pgp") == 0)
		want_pgp = 1;
	else if (argc != 1)
		usage();
	init_user(&u);
	init_state_dir(&u, ctl->conf->state_dir);
	if (stat(ctl->conf->key_file, &st) == 0)
		printf("key: %s exists, kept\n", ctl->conf->key_file);
	else if (crypto_key_create(ctl->conf->key_file, &errstr) == -1)
		init_fail(&u, errstr);
	else
		printf("key: %s created; back it up apart from the "
		    "database\n", ctl->conf->key_file);
	if (svcuser_give(&u, ctl->conf->key_file, &errstr) == -1)
		init_fail(&u, errstr);
	init_give_database(&u, ctl->conf->database);
	ctl_open_store(ctl);
	printf("database: %s (schema version %d)\n", ctl->conf->database,
	    store_schema_version(ctl->store));
	if (want_pgp)
		init_pgp(ctl, &u);
	return EX_OK;
}

static int
messages_cb(const struct store_msg_info *m, void *arg)
{
	char	when[32], state[48];

	(void)arg;
	clock_format(m->received, when, sizeof(when));
	if (m->dup_of != 0)
		snprintf(state, sizeof(state), "copy:%lld",
		    (long long)m->dup_of);
	else
		snprintf(state, sizeof(state), "%s", store_strstate(m->state));
	printf("%-6lld %-20s %10zu %-6s %-16s %-10s %s\n", (long long)m->id,
	    when, m->size, m->truncated ? "cut" : "whole", state,
	    m->kind[0] != '\0' ? m->kind : "-",
	    m->warnings[0] != '\0' ? m->warnings : "-");
	return 0;
}

static int
verb_messages(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage();
	printf("%-6s %-20s %10s %-6s %-16s %-10s %s\n", "ID", "RECEIVED",
	    "SIZE", "KEPT", "STATE", "KIND", "PARSE WARNINGS");
	if (store_message_foreach(ctl->store, messages_cb, NULL) == -1)
		errx(EX_SOFTWARE, "cannot list messages");
	return EX_OK;
}

/* Prints text for a terminal: control characters other than \n and \t
 * are shown as '?' so a message cannot drive the admin's terminal. */
static void
print_safe(const char *label, const char *s)
{
	const unsigned char	*p;

	if (label != NULL)
		printf("%s: ", label);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			putchar('?');
		else
			putchar(*p);
	}
	if (label != NULL)
		putchar('\n');
}

static void	ctl_cut_note(struct ctl *, long long, int,
		    const struct mime_msg *);
static void	ctl_held_print(struct ctl *, int64_t case_id);

/* Decrypts and prints one message: headers, text, attachments. */
static void
print_message(struct ctl *ctl, long long id)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len, i;
	char			 when[32], warnings[MIME_WARNINGS_LEN];
	int			 rc;

	rc = store_message_raw(ctl->store, id, &raw, &len, &info);
	if (rc == 1)
		errx(EX_NOINPUT, "message %lld: no such message, or a copy "
		    "of another without content of its own", id);
	if (rc == -1)
		errx(EX_DATAERR, "message %lld: cannot be decrypted (wrong "
		    "key, or the database was altered)", id);
	msg = mime_parse(raw, len, info.truncated);
	clock_format(info.received, when, sizeof(when));
	printf("Message %lld, received %s, %zu bytes", id, when, info.size);
	if (info.truncated)
		printf(" (cut at max_message_size: %zu bytes kept)", len);
	printf("\n");
	mime_strwarnings(msg->warnings, warnings, sizeof(warnings));
	if (warnings[0] != '\0')
		printf("Parse warnings: %s (best effort below)\n", warnings);
	printf("\n");
	print_safe("From", msg->from);
	print_safe("To", msg->to);
	if (msg->cc[0] != '\0')
		print_safe("Cc", msg->cc);
	print_safe("Date", msg->date);
	print_safe("Subject", msg->subject);
	print_safe("Message-ID", msg->message_id);
	printf("\n");
	print_safe(NULL, msg->text);
	if (msg->text[0] != '\0' && msg->text[strlen(msg->text) - 1] != '\n')
		printf("\n");
	if (msg->nattachments > 0) {
		printf("\nAttachments:\n");
		for (i = 0; i < msg->nattachments; i++) {
			printf("  ");
			print_safe(NULL, msg->attachments[i].name[0] != '\0' ?
			    msg->attachments[i].name : "(no name)");
			printf(" (%s, %zu bytes)\n", msg->attachments[i].type,
			    msg->attachments[i].size);
		}
	}
	ctl_cut_note(ctl, id, info.truncated, msg);
	mime_msg_free(msg);
	crypto_wipe(raw, len);
	free(raw);
}

/* The note on a message cut at max_message_size, if it was. */
static void
ctl_cut_note(struct ctl *ctl, long long id, int truncated,
    const struct mime_msg *msg)
{
	struct buf	 b;

	char		*errstr = NULL;

	buf_init(&b);
	if (cutnote_add(&b, ctl->store, id, truncated, msg,
	    ctl->conf->imap_processed, ctl->conf->templates,
	    ctl->conf->language, &errstr) == -1) {
		warnx("the note on the cut message: %s", errstr);
		free(errstr);
	}
	if (b.len > 0)
		print_safe(NULL, b.data);
	crypto_wipe(b.data, b.len);
	buf_free(&b);
}

static int
verb_show_message(struct ctl *ctl, int argc, char **argv)
{
	char		*end;
	long long	 id;

	if (argc != 2)
		usage();
	id = strtoll(argv[1], &end, 10);
	if (*end != '\0' || id <= 0)
		errx(EX_USAGE, "%s: not a message id", argv[1]);
	print_message(ctl, id);
	return EX_OK;
}

enum cases_format {
	CASES_NARROW = 0,	/* fits 80 columns */
	CASES_WIDE,		/* every field whole, times in full */
	CASES_CSV
};

struct cases_ctx {
	const struct config	*conf;
	enum cases_format	 format;
};

static void
format_time(time_t t, char *buf, size_t size)
{
	if (t == 0)
		snprintf(buf, size, "-");
	else
		clock_format(t, buf, size);
}

/* "unknown" takes a column of its own: "?" in the narrow table. */
static const char *
cases_short(const char *s)
{
	return strcmp(s, "unknown") == 0 ? "?" : s;
}

/* How far off a deadline is: "in 6d", "in 23h", "in 45m", "3d late". */
static void
cases_relative(time_t due, char *buf, size_t size)
{
	time_t		 d = due - clock_now(), a = d < 0 ? -d : d;
	long long	 n;
	char		 unit;

	if (a >= 2 * 86400) {
		n = (long long)(a / 86400);
		unit = 'd';
	} else if (a >= 3600) {
		n = (long long)(a / 3600);
		unit = 'h';
	} else {
		n = (long long)(a / 60);
		unit = 'm';
	}
	if (d < 0)
		snprintf(buf, size, "%lld%c late", n, unit);
	else
		snprintf(buf, size, "in %lld%c", n, unit);
}

/*
 * The narrow row, 80 columns at most: the code name whole, the day of
 * receipt, "?" for unknown, the deadline relative to now.
 */
static void
cases_narrow(const struct store_case *c, time_t next, const char *mods,
    const char *reported)
{
	char	received[32], ack[8], due[24];

	format_time(c->received, received, sizeof(received));
	received[strcspn(received, "T")] = '\0';	/* the day */
	/* Why none was sent ("no-sender", ...) is in --wide and show. */
	if (c->ack_sent != 0)
		snprintf(ack, sizeof(ack), "yes");
	else if (strcmp(c->ack_note, "held") == 0)
		snprintf(ack, sizeof(ack), "held");
	else
		snprintf(ack, sizeof(ack), "%s", c->ack_note[0] == '\0' &&
		    c->ack_outbox != 0 ? "queued" : "no");
	if (schedule_case_closed(c))
		snprintf(due, sizeof(due), "-");
	else
		cases_relative(next, due, sizeof(due));
	printf("%-23s %-10s %-13s %-3s %-6s %-4s %-5s %s\n", c->code_name,
	    received, c->status, c->urgent ? "yes" : "no", ack,
	    cases_short(c->safety), cases_short(c->repeat_risk), due);
	/* The steps outside the committee, once there are any. */
	if (strcmp(mods, "-") != 0 || strcmp(reported, "-") != 0)
		printf("%-23s moderators %s, reported person %s\n", "", mods,
		    reported);
}

static int
cases_cb(const struct store_case *c, void *arg)
{
	const struct cases_ctx	*cc = arg;
	char			 received[32], ack[32], due[40];
	const char		*mods, *reported;
	time_t			 next;

	next = schedule_followup_due(cc->conf, c);
	mods = outreach_mod_sheet(cc->conf, c, clock_now());
	reported = outreach_reported_sheet(c);
	if (cc->format == CASES_NARROW) {
		cases_narrow(c, next, mods, reported);
		return 0;
	}
	if (schedule_case_closed(c))
		snprintf(due, sizeof(due), "-");
	else {
		clock_format(next, due, sizeof(due));
		if (next < clock_now())
			snprintf(due + strlen(due), sizeof(due) - strlen(due),
			    " overdue");
	}
	format_time(c->received, received, sizeof(received));
	format_time(c->ack_sent, ack, sizeof(ack));
	if (c->ack_sent == 0 && c->ack_note[0] != '\0')
		snprintf(ack, sizeof(ack), "(%s)", c->ack_note);
	else if (c->ack_sent == 0 && c->ack_outbox != 0)
		snprintf(ack, sizeof(ack), "(queued)");
	if (cc->format == CASES_CSV)
		printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", c->code_name,
		    received, c->status, c->urgent ? "yes" : "no", ack,
		    c->safety, c->repeat_risk, due, c->lang, mods, reported);
	else
		printf("%-24s %-20s %-14s %-6s %-22s %-8s %-8s %-10s %-10s "
		    "%s\n", c->code_name, received, c->status,
		    c->urgent ? "yes" : "no", ack, c->safety, c->repeat_risk,
		    mods, reported, due);
	return 0;
}

static void
cases_header(enum cases_format format)
{
	switch (format) {
	case CASES_CSV:
		printf("code_name,received,status,urgent,ack_sent,safety,"
		    "repeat,next_due,language,moderators,reported\n");
		break;
	case CASES_WIDE:
		printf("%-24s %-20s %-14s %-6s %-22s %-8s %-8s %-10s %-10s "
		    "%s\n", "CODE NAME", "RECEIVED", "STATUS", "URGENT",
		    "ACK SENT", "SAFETY", "REPEAT", "MODERATORS", "REPORTED",
		    "NEXT DUE");
		break;
	case CASES_NARROW:
		printf("%-23s %-10s %-13s %-3s %-6s %-4s %-5s %s\n",
		    "CODE NAME", "RECEIVED", "STATUS", "URG", "ACK", "SAFE",
		    "RPT", "DUE");
		break;
	}
}

static int
verb_cases(struct ctl *ctl, int argc, char **argv)
{
	struct cases_ctx	cc;

	cc.conf = ctl->conf;
	cc.format = CASES_NARROW;
	if (argc == 2 && strcmp(argv[1], "--csv") == 0)
		cc.format = CASES_CSV;
	else if (argc == 2 && strcmp(argv[1], "--wide") == 0)
		cc.format = CASES_WIDE;
	else if (argc == 2)
		usage_error("unknown option", argv[1]);
	else if (argc != 1)
		usage();
	cases_header(cc.format);
	if (store_case_foreach(ctl->store, cases_cb, &cc) == -1)
		errx(EX_SOFTWARE, "cannot list cases");
	return EX_OK;
}

struct show_ctx {
	struct ctl	*ctl;
	int64_t		 case_id;
};

/* What a kind of message means for the leads, or "" (relay.h). */
static const char *
show_kind_note(const char *kind)
{
	if (strcmp(kind, "stranger") == 0)
		return "  mail from an unknown sender, not relayed";
	return "";
}

static int
show_message_cb(const struct store_msg_info *m, void *arg)
{
	struct show_ctx	*sc = arg;
	char		 when[32];
	int		 pgp;

	if (m->case_id != sc->case_id)
		return 0;
	clock_format(m->received, when, sizeof(when));
	printf("  message %-6lld %-20s %-10s %zu bytes%s\n", (long long)m->id,
	    when, m->kind, m->size, show_kind_note(m->kind));
	/* OpenPGP: whether a member's commands were signed by their key. */
	if (store_message_pgp_flags(sc->ctl->store, m->id, &pgp) == 0 &&
	    (pgp != 0 || strcmp(m->kind, "member") == 0 ||
	    strcmp(m->kind, "refused") == 0))
		printf("                 OpenPGP: %s\n", pgpmail_strflags(pgp));
	return 0;
}

/* The member a delivery-log key stands for, or "-". */
static const char *
member_of_key(struct ctl *ctl, const char *key)
{
	struct committee	*c;
	char			 k[COMMITTEE_KEYLEN + 1];
	const char		*name = "-";
	size_t			 i;

	if (key[0] == '\0')
		return "-";
	c = committee_new(ctl->conf, ctl->store, ctl->key);
	for (i = 0; i < ctl->conf->nmembers; i++) {
		committee_member_key(c, &ctl->conf->members[i], k, sizeof(k));
		if (strcmp(k, key) == 0)
			name = ctl->conf->members[i].name;
	}
	committee_free(c);
	return name;
}

/* Who an outbox row went to: the member, or who outside. */
static const char *
outbox_recipient(struct ctl *ctl, const struct store_outbox_row *r)
{
	static const char *const words[] = {
		[OUTBOX_PARTY_NONE] = "-",
		[OUTBOX_PARTY_REPORTER] = "reporter",
		[OUTBOX_PARTY_REPORTED] = "reported",
		[OUTBOX_PARTY_MODERATORS] = "moderators",
	};

	if (r->member[0] != '\0')
		return member_of_key(ctl, r->member);
	return words[outbox_party(r->kind)];
}

static int
show_outbox_cb(const struct store_outbox_row *r, void *arg)
{
	struct show_ctx	*sc = arg;
	char		 created[32], sent[32];

	format_time(r->created, created, sizeof(created));
	format_time(r->sent_at, sent, sizeof(sent));
	printf("  %-6lld %-14s to %-12s %-7s queued %s, sent %s, attempts %d",
	    (long long)r->id, r->kind, outbox_recipient(sc->ctl, r),
	    store_outbox_strstate(r->state), created, sent, r->attempts);
	if (r->last_code != 0 || r->last_error[0] != '\0')
		printf(", last %d %s", r->last_code, r->last_error);
	printf("\n");
	return 0;
}

/* Undelivered mail of a case: refused for good, or held. */
struct show_undelivered {
	struct show_ctx	*sc;
	int		 n;
};

static int
show_undelivered_cb(const struct store_outbox_row *r, void *arg)
{
	struct show_undelivered	*u = arg;
	char			 reply[16];

	if (r->state != STORE_OUTBOX_FAILED && r->state != STORE_OUTBOX_HELD)
		return 0;
	if (u->n++ == 0)
		printf("\nNot delivered (refused for good, or held):\n");
	snprintf(reply, sizeof(reply), "reply %d", r->last_code);
	printf("  %-6lld %-14s to %-12s %-7s %s: ", (long long)r->id,
	    r->kind, outbox_recipient(u->sc->ctl, r),
	    store_outbox_strstate(r->state), r->last_code != 0 ? reply :
	    "no reply");
	print_safe(NULL, r->last_error);
	putchar('\n');
	return 0;
}

/* Prints text safely, its later lines indented by indent columns. */
static void
print_indented(const char *text, int indent)
{
	char	*copy, *line, *save = NULL;
	int	 first = 1;

	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (!first)
			printf("%*s", indent, "");
		print_safe(NULL, line);
		printf("\n");
		first = 0;
	}
	if (first)
		printf("\n");
	crypto_freestr(copy);
}

static void
show_fields(struct ctl *ctl, int64_t case_id)
{
	void	*fields;
	char	*v;
	size_t	 len;
	int	 i;

	if (store_case_fields(ctl->store, case_id, &fields, &len) == -1)
		errx(EX_DATAERR, "report data cannot be decrypted");
	printf("\nReport data:\n");
	for (i = 0; i < REPORT_NFIELDS; i++) {
		v = report_lookup(fields, len,
		    report_field_name((enum report_field)i));
		printf("  %-40s ", report_field_label((enum report_field)i));
		print_indented(v != NULL ? v : "(not given)", 43);
		crypto_freestr(v);
	}
	crypto_wipe(fields, len);
	free(fields);
}

static void
show_sealed(struct ctl *ctl, int64_t id, enum store_case_field f,
    const char *label)
{
	char	*v = NULL;

	if (store_case_get_sealed(ctl->store, id, f, &v) == 0 && v != NULL)
		print_safe(label, v);
	crypto_freestr(v);
}

/* Each member's standing on the case (no reasons: none are kept). */
static void
show_members(struct ctl *ctl, int64_t case_id)
{
	struct committee	*c;
	char			 key[COMMITTEE_KEYLEN + 1], state[24];
	size_t			 i;

	if (ctl->conf->nmembers == 0)
		return;
	printf("\nCommittee:\n");
	c = committee_new(ctl->conf, ctl->store, ctl->key);
	for (i = 0; i < ctl->conf->nmembers; i++) {
		committee_member_key(c, &ctl->conf->members[i], key,
		    sizeof(key));
		if (store_member_get(ctl->store, case_id, key, state,
		    sizeof(state)) != 1)
			snprintf(state, sizeof(state), "not asked");
		printf("  %-20s %-7s %s\n", ctl->conf->members[i].name,
		    config_strrole(ctl->conf->members[i].role), state);
	}
	committee_free(c);
}

static int
verb_members(struct ctl *ctl, int argc, char **argv)
{
	const struct member	*m;
	size_t			 i, j;

	(void)argv;
	if (argc != 1)
		usage();
	printf("%-20s %-7s %-5s %s\n", "NAME", "ROLE", "LANG", "ADDRESSES");
	for (i = 0; i < ctl->conf->nmembers; i++) {
		m = &ctl->conf->members[i];
		printf("%-20s %-7s %-5s ", m->name, config_strrole(m->role),
		    config_member_lang(ctl->conf, m));
		for (j = 0; j < m->nemails; j++)
			printf("%s%s", j > 0 ? ", " : "", m->emails[j]);
		printf("\n");
	}
	return EX_OK;
}

static int
verb_templates(struct ctl *ctl, int argc, char **argv)
{
	int	rv;

	if ((rv = ctl_templates(ctl->conf, argc, argv)) == -1)
		usage();
	return rv;
}

static int
verb_onboard(struct ctl *ctl, int argc, char **argv)
{
	struct committee	*c;
	const struct member	*m;
	int			 n = 0;

	if (argc != 2)
		usage();
	if ((m = config_member_by_name(ctl->conf, argv[1])) == NULL)
		errx(EX_DATAERR, "%s: no [member %s] in %s", argv[1], argv[1],
		    ctl->conf->path);
	c = committee_new(ctl->conf, ctl->store, ctl->key);
	if (committee_onboard(c, m, &n) == -1)
		errx(EX_SOFTWARE, "onboarding failed (see the log above)");
	committee_free(c);
	printf("%s: conflict checks queued for %d open case(s); conductd "
	    "sends them on its next pass\n", m->name, n);
	return EX_OK;
}

/* The state of the acknowledgment's row, for show. */
struct ack_row {
	int64_t			 id;
	enum store_outbox_state	 state;
	int			 found;
};

static int
show_ack_cb(const struct store_outbox_row *r, void *arg)
{
	struct ack_row	*a = arg;

	if (r->id == a->id) {
		a->state = r->state;
		a->found = 1;
	}
	return 0;
}

/* "queued", or the row's state when it will not go by itself. */
static const char *
show_ack_state(struct ctl *ctl, const struct store_case *c)
{
	struct ack_row	a;

	memset(&a, 0, sizeof(a));
	a.id = c->ack_outbox;
	if (store_outbox_foreach(ctl->store, c->id, show_ack_cb, &a) == -1 ||
	    !a.found || a.state == STORE_OUTBOX_QUEUED)
		return "queued";
	return a.state == STORE_OUTBOX_HELD ? "held (see Not delivered)" :
	    "refused (see Not delivered)";
}

/*
 * The report's language as guessed (lang.c), and whether the guess is
 * confident (lang_confident), or why there is none.
 */
static void
show_lang(const struct store_case *c)
{
	if (c->lang_confidence < 0)
		printf("Language: not guessed yet (held for the flood "
		    "summary, or from before languages; guessed when "
		    "conductd first writes to the reporter)\n");
	else if (c->lang[0] == '\0')
		printf("Language: unknown (confidence 0, unsure)\n");
	else
		printf("Language: %s (confidence %d, %s)\n", c->lang,
		    c->lang_confidence, lang_confident(c->lang_confidence) ?
		    "confident" : "unsure");
}

/* Where the moderators' approval and the reported person stand. */
static void
show_outreach(struct ctl *ctl, const struct store_case *c)
{
	char	asked[32], answered[32], contacted[32], replied[32], *mods;

	format_time(c->mod_asked, asked, sizeof(asked));
	format_time(c->mod_answered, answered, sizeof(answered));
	format_time(c->reported_contacted, contacted, sizeof(contacted));
	format_time(c->reported_replied, replied, sizeof(replied));
	switch (outreach_mod_of(c)) {
	case MOD_ASKED:
		printf("Moderators: asked %s, no answer yet%s\n", asked,
		    outreach_mod_overdue(ctl->conf, c, clock_now()) ?
		    " (overdue)" : "");
		break;
	case MOD_ACCEPTED:
	case MOD_DECLINED:
		printf("Moderators: asked %s, %s %s\n", asked,
		    outreach_strmod(outreach_mod_of(c)), answered);
		break;
	default:
		break;
	}
	if (store_case_get_sealed(ctl->store, c->id, STORE_CASE_MODERATORS,
	    &mods) == 0 && mods != NULL)
		print_safe("Moderators of this case", mods);
	crypto_freestr(mods);
	if (c->reported_contacted != 0)
		printf("Reported person: written to %s%s%s\n", contacted,
		    c->reported_replied != 0 ? ", last answered " : "",
		    c->reported_replied != 0 ? replied : "");
}

static int
verb_show(struct ctl *ctl, int argc, char **argv)
{
	struct store_case	 c;
	struct show_ctx		 sc;
	struct show_undelivered	 u;
	char			 received[32], ack[32], *reporter = NULL;
	char			 when[32];
	time_t			 purged_at;
	int			 rc, purged;

	if (argc != 2)
		usage();
	if ((rc = store_case_by_code(ctl->store, argv[1], &c)) == 0)
		errx(EX_NOINPUT, "%s: no such case", argv[1]);
	if (rc == -1 || (purged = store_case_purged(ctl->store, c.id,
	    &purged_at)) == -1)
		errx(EX_SOFTWARE, "cannot read the case");
	format_time(c.received, received, sizeof(received));
	format_time(c.ack_sent, ack, sizeof(ack));
	printf("Case %s: %s%s, received %s\n", c.code_name, c.status,
	    c.urgent ? ", URGENT (ongoing)" : "", received);
	printf("Safety risk: %s, repeat risk: %s%s\n", c.safety,
	    c.repeat_risk, c.triage ? "; reported person not identified" :
	    "");
	show_lang(&c);
	show_outreach(ctl, &c);
	if (purged) {
		format_time(purged_at, when, sizeof(when));
		printf("Content purged %s: the report, its data, names, "
		    "addresses and mail are gone\n", when);
	}
	show_sealed(ctl, c.id, STORE_CASE_REPORTED, "Reported person");
	show_sealed(ctl, c.id, STORE_CASE_ACTIONS, "Actions needed");
	show_sealed(ctl, c.id, STORE_CASE_RESOLUTION, "Resolution");
	if (store_case_reporter(ctl->store, c.id, &reporter) == 0 &&
	    reporter != NULL)
		print_safe("Reporter", reporter);
	crypto_freestr(reporter);
	printf("Acknowledgment: %s%s%s%s\n", c.ack_sent != 0 ? "accepted " :
	    "", c.ack_sent != 0 ? ack : (c.ack_outbox != 0 ?
	    show_ack_state(ctl, &c) : ""),
	    c.ack_note[0] != '\0' ? "not sent: " : "", c.ack_note);
	if (c.repeat_sender)
		printf("Note: the same sender reported less than 24 h "
		    "earlier\n");
	if (!purged)
		show_fields(ctl, c.id);
	printf("\nMessages:\n");
	sc.ctl = ctl;
	sc.case_id = c.id;
	store_message_foreach(ctl->store, show_message_cb, &sc);
	show_members(ctl, c.id);
	u.sc = &sc;
	u.n = 0;
	store_outbox_foreach(ctl->store, c.id, show_undelivered_cb, &u);
	printf("\nDelivery log (who was sent what, when):\n");
	store_outbox_foreach(ctl->store, c.id, show_outbox_cb, &sc);
	ctl_held_print(ctl, c.id);
	if (c.report_message != 0 && !purged) {
		printf("\n---- the report (message %lld) ----\n",
		    (long long)c.report_message);
		print_message(ctl, c.report_message);
	}
	return EX_OK;
}

/* One line of check-config's report; counts the failures. */
static void
check_line(int *fails, int ok, const char *what, const char *detail)
{
	if (!ok)
		(*fails)++;
	printf("%-4s %s%s%s\n", ok ? "ok" : "FAIL", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
}

static void
check_cb(enum confcheck_result r, const char *what, const char *why,
    void *arg)
{
	check_line(arg, r == CONFCHECK_OK, what, why);	/* soft fails too */
}

static struct imap_session *
check_imap(struct ctl *ctl, int *fails)
{
	struct imap_params	 ip;
	struct imap_session	*imap;
	char			*errstr = NULL, what[512];

	/* Like conductd, it creates the processed folder when missing. */
	imap_params_from_config(&ip, ctl->conf);
	imap = imap_new(&ip);
	snprintf(what, sizeof(what), "IMAP login to %s:%d, mailbox %s and "
	    "processed folder %s", ctl->conf->imap_host, ctl->conf->imap_port,
	    ctl->conf->imap_mailbox, ctl->conf->imap_processed);
	if (imap_connect(imap, &errstr) == -1) {
		check_line(fails, 0, what, errstr);
		free(errstr);
		imap_free(imap);
		return NULL;
	}
	check_line(fails, 1, what, NULL);
	if (imap_created_processed(imap))
		printf("ok   processed folder %s created: it did not exist\n",
		    ctl->conf->imap_processed);
	return imap;
}

/*
 * What authserv_id is worth (a warning, never a failure): unset, a
 * forged From is all a member's mail has to show; set, the probe must
 * have come with the server's own Authentication-Results (a server that
 * writes them only for mail from outside, not for authenticated
 * submission, also gets the warning).
 */
static void
check_authserv(struct ctl *ctl, int ar_seen)
{
	if (ctl->conf->authserv_id == NULL)
		printf("warn authserv_id is not set: mail on a member's case "
		    "address counts on its From\n     header alone, which "
		    "anyone who learns that address can forge\n     (see "
		    "authserv_id in conductd.conf(5))\n");
	else if (ar_seen)
		printf("ok   the server writes Authentication-Results as %s\n",
		    ctl->conf->authserv_id);
	else
		printf("warn the probe arrived without an "
		    "Authentication-Results header of %s:\n     if the server "
		    "writes none, members' mail is never authenticated\n",
		    ctl->conf->authserv_id);
}

/* The probe: a fresh token in its first header, to a sub-address. */
static char *
probe_compose(struct ctl *ctl, char *token, size_t tsize, char *rcpt,
    size_t rsize, char **errstr)
{
	struct compose_mail	 m;
	unsigned char		 rnd[8];
	char			 msgid[256], *data, *with, *at;
	size_t			 len, i;

	crypto_random(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd) && 2 * i + 2 < tsize; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	at = strrchr(ctl->conf->alias, '@');
	snprintf(rcpt, rsize, "%.*s%cprobe-%s%s",
	    (int)(at - ctl->conf->alias), ctl->conf->alias,
	    ctl->conf->delimiter, token, at);
	compose_message_id(at + 1, msgid, sizeof(msgid));
	memset(&m, 0, sizeof(m));
	m.from_name = ctl->conf->committee_name;
	m.from_addr = ctl->conf->alias;
	m.to_addr = rcpt;
	m.subject = "conductctl check-config probe";
	m.message_id = msgid;
	m.date = clock_now();
	m.auto_submitted = "auto-generated";
	m.loop_guard = ctl->conf->alias;
	m.text = "A probe of conductctl check-config; it deletes it.";
	if ((data = compose_message(&m, &len, errstr)) == NULL)
		return NULL;
	/* The probe header goes first, where the search finds it. */
	xasprintf(&with, "X-Conductd-Probe: %s\r\n%s", token, data);
	free(data);
	return with;
}

/*
 * Sends the probe: 1 sent, 0 refused, -1 failed when the server may
 * have taken it all the same (the probe is then looked for too).
 */
static int
probe_send(struct ctl *ctl, const char *rcpt, const char *data, int *fails)
{
	struct smtp_params	 sp;
	struct smtp_session	*smtp;
	char			*errstr = NULL;
	int			 code, rc = 1;

	smtp_params_from_config(&sp, ctl->conf);
	smtp = smtp_new(&sp);
	if (smtp_send(smtp, ctl->conf->alias, rcpt, data, strlen(data), &code,
	    &errstr) != SMTP_OK) {
		check_line(fails, 0, "SMTP login and submission", errstr);
		free(errstr);
		rc = smtp_unsure(smtp) ? -1 : 0;
	} else
		check_line(fails, 1, "SMTP login and submission", NULL);
	smtp_free(smtp);
	return rc;
}

/*
 * Waits up to tries tenths of a second for the probe and deletes it: 1
 * found, 0 not, -1 the session failed (with *errstr).  A failed session
 * is opened again once, so that the probe is not left behind.
 */
static int
probe_take(struct ctl *ctl, struct imap_session *imap, const char *token,
    int tries, int *ar_seen, char **errstr)
{
	int	found = 0, reconnected = 0;

	while (tries-- > 0) {
		found = imap_probe_take(imap, token, ctl->conf->authserv_id,
		    ar_seen, errstr);
		if (found == 1)
			return 1;
		if (found == -1) {
			if (reconnected++)
				return -1;
			free(*errstr);
			*errstr = NULL;
			if (imap_connect(imap, errstr) == -1)
				return -1;
			continue;
		}
		usleep(100 * 1000);
	}
	return found;
}

/*
 * Sends a probe to a sub-address of the alias through the SMTP server
 * and waits for it in the alias's mailbox: proves SMTP login and that
 * sub-addresses are delivered to the alias.  The probe is deleted where
 * found; without an IMAP session none is sent, as none could be.
 */
static void
check_probe(struct ctl *ctl, struct imap_session *imap, int *fails)
{
	char	 token[40], rcpt[512], *data, *errstr = NULL;
	int	 found, sent, ar_seen = 0;

	if (ctl->conf->smtp_host == NULL) {
		check_line(fails, 0, "SMTP", "[smtp] host is not set");
		return;
	}
	if (imap == NULL) {
		printf("skip SMTP submission and sub-addressing: no probe is "
		    "sent without an IMAP session to delete it from\n");
		return;
	}
	if ((data = probe_compose(ctl, token, sizeof(token), rcpt,
	    sizeof(rcpt), &errstr)) == NULL) {
		check_line(fails, 0, "probe", errstr);
		free(errstr);
		return;
	}
	sent = probe_send(ctl, rcpt, data, fails);
	free(data);
	if (sent == 0)
		return;
	found = probe_take(ctl, imap, token, sent == 1 ? 300 : 50, &ar_seen,
	    &errstr);
	if (found == 1 && sent == 1) {
		check_line(fails, 1, "sub-addressing: mail to a sub-address "
		    "of the alias reaches its mailbox", NULL);
		check_authserv(ctl, ar_seen);
	} else if (sent == 1)
		check_line(fails, 0, "sub-addressing", found == -1 ? errstr :
		    "the probe sent to a sub-address of the alias did not "
		    "arrive in its mailbox within 30 s");
	if (found != 1 && sent == 1)
		printf("     should it arrive later, delete the message with "
		    "the header X-Conductd-Probe: %s\n", token);
	free(errstr);
}

/* Warns (no failure) when the state filesystem is nearly full. */
static void
check_disk(struct ctl *ctl)
{
	uint64_t	avail;

	if (store_disk_free(ctl->conf->database, &avail) == -1) {
		printf("warn free space of the state filesystem: %s\n",
		    strerror(errno));
		return;
	}
	if (avail < STORE_DISK_LOW)
		printf("warn free space of the state filesystem: %llu MB, "
		    "below %llu MB: when it is full no mail is taken in\n",
		    (unsigned long long)(avail >> 20),
		    (unsigned long long)(STORE_DISK_LOW >> 20));
	else
		printf("ok   free space of the state filesystem: %llu MB\n",
		    (unsigned long long)(avail >> 20));
}

static int
verb_check_config(struct ctl *ctl, int argc, char **argv)
{
	struct imap_session	*imap;
	int			 fails = 0, config_fails = 0;

	(void)argv;
	if (argc != 1)
		usage();
	check_line(&fails, 1, "configuration", ctl->conf->path);
	/* The checks conductd -n runs too (confcheck.h). */
	(void)confcheck_run(ctl->conf, check_cb, &config_fails);
	check_line(&fails, 1, "key and database", ctl->conf->database);
	check_disk(ctl);
	imap = check_imap(ctl, &fails);
	check_probe(ctl, imap, &fails);
	if (imap != NULL)
		imap_free(imap);
	printf("%s\n", fails + config_fails == 0 ? "all checks passed" :
	    "some checks failed");
	return config_fails > 0 ? EX_CONFIG : fails > 0 ? EX_UNAVAILABLE :
	    EX_OK;
}

/*
 * Record keeping: export, purge, transparency.
 */

/* Parses YYYY-MM-DD as that day's midnight UTC, or exits EX_USAGE. */
static time_t
parse_date(const char *opt, const char *s)
{
	struct tm	tm;
	time_t		t;
	size_t		i;
	int		y, m, d;

	for (i = 0; s[i] != '\0'; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' :
		    (s[i] < '0' || s[i] > '9'))
			break;
	if (i != 10 || s[i] != '\0')
		errx(EX_USAGE, "%s %s: not a date (YYYY-MM-DD, UTC)", opt, s);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	/* timegm() normalizes: 2026-02-30 comes back as March. */
	if ((t = timegm(&tm)) == (time_t)-1 || tm.tm_year != y - 1900 ||
	    tm.tm_mon != m - 1 || tm.tm_mday != d)
		errx(EX_USAGE, "%s %s: no such day", opt, s);
	return t;
}

/* One message or outgoing mail of a case, for sorting by time. */
struct export_item {
	time_t	 when;
	int	 outbox;	/* 0: a stored message */
	int64_t	 id;
};

struct export_ctx {
	int64_t			 case_id;
	struct export_item	*v;
	size_t			 n, cap;
};

static void
export_add(struct export_ctx *x, time_t when, int outbox, int64_t id)
{
	if (x->n == x->cap) {
		x->cap = x->cap == 0 ? 32 : x->cap * 2;
		x->v = xreallocarray(x->v, x->cap, sizeof(*x->v));
	}
	x->v[x->n].when = when;
	x->v[x->n].outbox = outbox;
	x->v[x->n++].id = id;
}

static int
export_message_cb(const struct store_msg_info *m, void *arg)
{
	struct export_ctx	*x = arg;

	/* Copies of a message hold no content of their own. */
	if (m->case_id == x->case_id && m->dup_of == 0)
		export_add(x, m->received, 0, m->id);
	return 0;
}

static int
export_outbox_cb(const struct store_outbox_row *r, void *arg)
{
	export_add(arg, r->created, 1, r->id);
	return 0;
}

/* Time order; at the same second, what came in before what it caused. */
static int
export_cmp(const void *a, const void *b)
{
	const struct export_item	*x = a, *y = b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	if (x->outbox != y->outbox)
		return x->outbox - y->outbox;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* An address fit for the From_ line: no blanks or controls, never "". */
static void
mbox_sender(const char *addr, char *buf, size_t size)
{
	size_t	i;

	if (addr == NULL || addr[0] == '\0')
		addr = "MAILER-DAEMON";
	snprintf(buf, size, "%s", addr);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] <= ' ' || buf[i] == 0x7f)
			buf[i] = '_';
}

/*
 * Writes one mboxrd record: the From_ line, our header, then the
 * message with CRLF line ends turned into LF and every line matching
 * ">*From " quoted with one more '>', and a blank line.
 */
static void
mbox_write(FILE *out, const char *sender, time_t when, const char *header,
    const char *data, size_t len)
{
	struct tm	 tm;
	const char	*p, *end = data + len, *eol;
	char		 date[40];
	size_t		 n, i;

	if (gmtime_r(&when, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(date, sizeof(date), "Thu Jan  1 00:00:00 1970");
	fprintf(out, "From %s %s\n%s", sender, date, header);
	for (p = data; p < end; p = eol) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		n = (size_t)(eol - p);
		if (eol < end)
			eol++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		for (i = 0; i < n && p[i] == '>'; i++)
			;
		if (n - i >= 5 && memcmp(p + i, "From ", 5) == 0)
			putc('>', out);
		fwrite(p, 1, n, out);
		putc('\n', out);
	}
	putc('\n', out);
}

static void
export_message(struct ctl *ctl, FILE *out, int64_t id)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	const char		*rp;
	char			 sender[ADDRESS_MAX], header[128], *addr;
	void			*raw;
	size_t			 len;
	int			 rc;

	if ((rc = store_message_raw(ctl->store, id, &raw, &len, &info)) == 1)
		return;		/* content dropped: a #conflict answer */
	if (rc == -1)
		errx(EX_DATAERR, "message %lld: cannot be decrypted (wrong "
		    "key, or the database was altered)", (long long)id);
	/* The envelope sender, as delivered, else the From address. */
	msg = mime_parse(raw, len, info.truncated);
	addr = xstrdup((rp = mime_header(msg, "Return-Path")) != NULL ?
	    rp : msg->from_addr);
	addr[strcspn(addr, ">")] = '\0';
	mbox_sender(addr + (addr[0] == '<'), sender, sizeof(sender));
	snprintf(header, sizeof(header), "X-Conductd-Export: message %lld "
	    "(%s%s)\n", (long long)id, info.kind[0] != '\0' ? info.kind :
	    "unhandled", info.truncated ? ", cut at max_message_size" : "");
	mbox_write(out, sender, info.received, header, raw, len);
	crypto_freestr(addr);
	mime_msg_free(msg);
	crypto_wipe(raw, len);
	free(raw);
}

static void
export_outbox(struct ctl *ctl, FILE *out, int64_t id)
{
	struct store_outbox_row	 r;
	char			 sender[ADDRESS_MAX], rcpt[ADDRESS_MAX];
	char			 header[ADDRESS_MAX + 128], when[32];
	char			*from, *to, *data;
	size_t			 len;

	if (store_outbox_get(ctl->store, id, &r, &from, &to, &data, &len) != 1)
		errx(EX_DATAERR, "outgoing mail %lld: cannot be decrypted "
		    "(wrong key, or the database was altered)", (long long)id);
	mbox_sender(from, sender, sizeof(sender));
	mbox_sender(to, rcpt, sizeof(rcpt));
	format_time(r.sent_at, when, sizeof(when));
	snprintf(header, sizeof(header), "X-Conductd-Export: outgoing mail "
	    "%lld (%s, %s%s%s) to <%s>\n", (long long)id, r.kind,
	    store_outbox_strstate(r.state), r.sent_at != 0 ? " " : "",
	    r.sent_at != 0 ? when : "", rcpt);
	mbox_write(out, sender, r.created, header, data, len);
	crypto_freestr(from);
	crypto_freestr(to);
	crypto_wipe(data, len);
	free(data);
}

/* The export being written: removed if conductctl exits before the end. */
static const char *export_partial;

static void
export_unlink(void)
{
	if (export_partial != NULL)
		(void)unlink(export_partial);
}

/*
 * Creates FILE for a case's content: only the owner may read it (mode
 * 0600 whatever the umask), and a file that exists is never replaced.
 * Until export_done(), a failure that exits removes the partial file.
 */
static FILE *
export_create(const char *path)
{
	FILE	*out;
	mode_t	 old;
	int	 fd;

	old = umask(077);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	umask(old);
	if (fd == -1 && errno == EEXIST)
		errx(EX_CANTCREAT, "%s: exists; not overwritten (export to a "
		    "new file)", path);
	if (fd == -1)
		err(EX_CANTCREAT, "%s", path);
	export_partial = path;
	atexit(export_unlink);
	if ((out = fdopen(fd, "w")) == NULL)
		err(EX_OSERR, "%s", path);
	return out;
}

/* The case named code into *c; exits when none, or its content is gone. */
static void
case_with_content(struct ctl *ctl, const char *code, struct store_case *c,
    const char *gone)
{
	char	when[32];
	time_t	purged;
	int	rc;

	if ((rc = store_case_by_code(ctl->store, code, c)) == 0)
		errx(EX_NOINPUT, "%s: no such case", code);
	if (rc == -1 || (rc = store_case_purged(ctl->store, c->id, &purged))
	    == -1)
		errx(EX_SOFTWARE, "cannot read the case");
	if (rc == 1) {
		format_time(purged, when, sizeof(when));
		errx(EX_NOINPUT, "%s: content purged %s; %s", c->code_name,
		    when, gone);
	}
}

static int
verb_export(struct ctl *ctl, int argc, char **argv)
{
	struct store_case	 c;
	struct export_ctx	 x;
	FILE			*out;
	size_t			 i;

	if (argc != 3)
		usage();
	case_with_content(ctl, argv[1], &c, "nothing to export");
	memset(&x, 0, sizeof(x));
	x.case_id = c.id;
	if (store_message_foreach(ctl->store, export_message_cb, &x) == -1 ||
	    store_outbox_foreach(ctl->store, c.id, export_outbox_cb, &x) == -1)
		errx(EX_SOFTWARE, "cannot list the case's mail");
	qsort(x.v, x.n, sizeof(*x.v), export_cmp);
	out = export_create(argv[2]);
	for (i = 0; i < x.n; i++) {
		if (x.v[i].outbox)
			export_outbox(ctl, out, x.v[i].id);
		else
			export_message(ctl, out, x.v[i].id);
	}
	free(x.v);
	if (fflush(out) == EOF || ferror(out) || fsync(fileno(out)) == -1 ||
	    fclose(out) == EOF)
		err(EX_IOERR, "%s", argv[2]);
	export_partial = NULL;
	fprintf(stderr, "%s: holds case %s in the clear (decrypted, mode "
	    "0600): keep it safe and delete it when done\n", argv[2],
	    c.code_name);
	return EX_OK;
}

/* The case document (ctl_report.c), to stdout. */
static int
verb_report(struct ctl *ctl, int argc, char **argv)
{
	struct store_case	 c;
	int			 html = 0;

	if (argc == 4 && strcmp(argv[2], "--format") == 0) {
		if (strcmp(argv[3], "html") == 0)
			html = 1;
		else if (strcmp(argv[3], "text") != 0)
			usage_error("unknown format", argv[3]);
	} else if (argc != 2)
		usage();
	case_with_content(ctl, argv[1], &c, "no document to write");
	if (ctl_report(ctl->conf, ctl->store, ctl->key, &c, html,
	    stdout) == -1)
		errx(EX_DATAERR, "%s: a part of the case could not be read "
		    "(wrong key, or the database was altered)", c.code_name);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(EX_IOERR, "stdout");
	return EX_OK;
}

#define PURGE_BATCH	20	/* cases a transaction */

/* What purge removed so far, and the code names of the cases. */
struct purge_run {
	struct store_purged	  sum;
	char			**names;
	size_t			  n;
	int64_t			  last;		/* the last case done */
};

/* Purges one case (inside the batch's transaction). */
static int
purge_one(struct ctl *ctl, int64_t id, struct purge_run *pr)
{
	struct store_purged	p;
	struct store_case	c;

	if (store_case_get(ctl->store, id, &c) != 1 ||
	    store_case_purge(ctl->store, id, clock_now(), &p) == -1)
		return -1;
	pr->names = xreallocarray(pr->names, pr->n + 1, sizeof(*pr->names));
	pr->names[pr->n++] = xstrdup(c.code_name);
	pr->sum.messages += p.messages;
	pr->sum.outbox += p.outbox;
	pr->sum.proposals += p.proposals;
	pr->sum.server += p.server;
	pr->last = id;
	return 0;
}

/*
 * Up to PURGE_BATCH cases after the last one done, in a transaction of
 * their own (rolled back with dry set), so the write lock is never held
 * for long while conductd runs; the cases are chosen inside it.  Returns
 * how many were done (0: none left), or -1 with the batch undone.
 */
static int
purge_batch(struct ctl *ctl, time_t before, int dry, struct purge_run *pr)
{
	int64_t	*ids = NULL;
	size_t	 n = 0, i;
	int	 done = 0;

	if (store_begin(ctl->store) == -1)
		return -1;
	if (store_purge_candidates(ctl->store, cases_strstatus(CASE_CLOSED),
	    before, &ids, &n) == -1)
		done = -1;
	for (i = 0; done != -1 && i < n && done < PURGE_BATCH; i++)
		if (ids[i] > pr->last)
			done = purge_one(ctl, ids[i], pr) == -1 ? -1 : done + 1;
	free(ids);
	if (done == -1 || dry)
		store_rollback(ctl->store);
	else if (store_commit(ctl->store) == -1) {
		store_rollback(ctl->store);
		done = -1;
	}
	return done;
}

/*
 * The purged cases' copies on the IMAP server go now when the server
 * answers; otherwise conductd's next pass expunges them (they are
 * recorded as due, whatever happens here).
 */
static void
purge_server(struct ctl *ctl)
{
	struct imap_params	 ip;
	struct imap_session	*imap;
	struct expunge_counts	 k;
	char			*errstr = NULL;
	int64_t			 due, kept;

	/* Like conductd, it creates the processed folder when missing. */
	imap_params_from_config(&ip, ctl->conf);
	imap = imap_new(&ip);
	memset(&k, 0, sizeof(k));
	if (imap_connect(imap, &errstr) == 0)
		(void)expunge_run(ctl->store, imap, ctl->conf, clock_now(), &k,
		    &errstr);
	imap_free(imap);
	if (k.removed + k.absent + k.lost > 0)
		printf("expunged %zu copies from the IMAP server (%zu were "
		    "gone already)\n", k.removed, k.absent);
	if (k.lost > 0)
		printf("%zu copies could not be found on the IMAP server: "
		    "the folder was rebuilt and they have no Message-ID; "
		    "remove them by hand\n", k.lost);
	if (store_server_waiting(ctl->store, expunge_cutoff(ctl->conf,
	    clock_now()), &due, &kept) == 0 && due > 0)
		printf("%lld copies on the IMAP server are left for conductd, "
		    "which expunges them on its next pass (%s)\n",
		    (long long)due, errstr != NULL ? errstr :
		    "the server did not answer");
	free(errstr);
}

static int
verb_purge(struct ctl *ctl, int argc, char **argv)
{
	struct purge_run	 pr;
	size_t			 i, before_batch;
	time_t			 before = 0;
	int			 dry = 0, have = 0, rc;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = 1;
		else if (strcmp(argv[i], "--closed-before") == 0 &&
		    i + 1 < (size_t)argc) {
			before = parse_date(argv[i], argv[i + 1]);
			have = 1;
			i++;
		} else
			usage();
	}
	if (!have)
		usage();
	memset(&pr, 0, sizeof(pr));
	do {
		before_batch = pr.n;
		if ((rc = purge_batch(ctl, before, dry, &pr)) == -1)
			errx(EX_SOFTWARE, "purge failed after %zu case(s) (is "
			    "the database busy?); run it again for the rest",
			    dry ? 0 : before_batch);
	} while (rc > 0);
	printf("%s %zu case(s): %lld messages, %lld outgoing mails, %lld "
	    "proposals\n", dry ? "would purge" : "purged", pr.n,
	    (long long)pr.sum.messages, (long long)pr.sum.outbox,
	    (long long)pr.sum.proposals);
	for (i = 0; i < pr.n; i++) {
		printf("\t%s\n", pr.names[i]);
		free(pr.names[i]);
	}
	free(pr.names);
	if (dry || pr.n == 0) {
		if (pr.sum.server > 0)
			printf("would expunge %lld copies on the IMAP server\n",
			    (long long)pr.sum.server);
		return EX_OK;
	}
	purge_server(ctl);
	if ((rc = store_compact(ctl->store)) == -1)
		warnx("the database could not be compacted: the removed "
		    "(sealed) content stays in its free pages until it is");
	else if (rc == 1)
		warnx("conductd holds the write-ahead log: the removed "
		    "(sealed) content leaves it at its next checkpoint");
	return EX_OK;
}

/* One section of the transparency figures. */
struct tp_section {
	const char		*name;		/* in the CSV */
	const char		*title;		/* in the text */
	enum store_count_by	 by;
	const char		*keys;		/* always shown, even at 0 */
};

static const struct tp_section tp_sections[] = {
	{ "month", "Month received", STORE_COUNT_MONTH, NULL },
	{ "status", "Status", STORE_COUNT_STATUS, NULL },
	{ "resolution", "Resolution recorded", STORE_COUNT_RESOLUTION,
	    "with without" },
	{ "urgent", "Urgent (ongoing)", STORE_COUNT_URGENT, "yes no" },
	{ "repeat_risk", "Repeat risk", STORE_COUNT_REPEAT,
	    "yes no maybe unknown" },
	{ "total", "Total", STORE_COUNT_ALL, "cases" },
};

struct tp_row {
	char	 key[32];
	int64_t	 n;
	int	 shown;
};

struct tp_ctx {
	const struct tp_section	*sec;
	int			 csv;
	struct tp_row		*v;
	size_t			 n, cap;
};

static int
tp_row_cb(const char *key, int64_t n, void *arg)
{
	struct tp_ctx	*t = arg;
	size_t		 i;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	/* Keys are fixed words and dates; anything else shows as '?'. */
	snprintf(t->v[t->n].key, sizeof(t->v[t->n].key), "%s", key);
	for (i = 0; t->v[t->n].key[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-_",
		    t->v[t->n].key[i]) == NULL)
			t->v[t->n].key[i] = '?';
	t->v[t->n].n = n;
	t->v[t->n++].shown = 0;
	return 0;
}

/* Prints the count of key (0 if no case has it) and marks it shown. */
static void
tp_show(struct tp_ctx *t, const char *key)
{
	int64_t	n = 0;
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (!t->v[i].shown && strcmp(t->v[i].key, key) == 0) {
			n = t->v[i].n;
			t->v[i].shown = 1;
		}
	if (t->csv)
		printf("%s,%s,%lld\n", t->sec->name, key, (long long)n);
	else
		printf("  %-20s %8lld\n", key, (long long)n);
}

/* Every month from since's to the last with cases or now's, gaps at 0. */
static void
tp_months(struct tp_ctx *t, time_t since)
{
	struct tm	tm;
	time_t		now;
	char		key[16];
	int		m, last, y, mo;

	if (gmtime_r(&since, &tm) == NULL)
		return;
	m = tm.tm_year * 12 + tm.tm_mon;
	now = clock_now();
	if (gmtime_r(&now, &tm) == NULL)
		return;
	last = tm.tm_year * 12 + tm.tm_mon;
	if (t->n > 0 && sscanf(t->v[t->n - 1].key, "%d-%d", &y, &mo) == 2 &&
	    (y - 1900) * 12 + mo - 1 > last)
		last = (y - 1900) * 12 + mo - 1;
	for (; m <= last; m++) {
		snprintf(key, sizeof(key), "%04d-%02d", m / 12 + 1900,
		    m % 12 + 1);
		tp_show(t, key);
	}
}

static void
tp_section(struct ctl *ctl, const struct tp_section *sec, time_t since,
    int csv)
{
	struct tp_ctx	 t;
	char		*keys, *k, *save = NULL;
	int		 s;
	size_t		 i;

	memset(&t, 0, sizeof(t));
	t.sec = sec;
	t.csv = csv;
	if (store_case_count(ctl->store, since, sec->by, tp_row_cb, &t) == -1)
		errx(EX_SOFTWARE, "cannot count the cases");
	if (!csv)
		printf("%-22s %8s\n", sec->title, "cases");
	if (sec->by == STORE_COUNT_MONTH)
		tp_months(&t, since);
	else if (sec->by == STORE_COUNT_STATUS)
		for (s = CASE_NEW; s <= CASE_CLOSED; s++)
			tp_show(&t, cases_strstatus((enum case_status)s));
	else if (sec->keys != NULL) {
		keys = xstrdup(sec->keys);
		for (k = strtok_r(keys, " ", &save); k != NULL;
		    k = strtok_r(NULL, " ", &save))
			tp_show(&t, k);
		free(keys);
	}
	for (i = 0; i < t.n; i++)
		if (!t.v[i].shown)
			tp_show(&t, t.v[i].key);
	if (!csv)
		printf("\n");
	free(t.v);
}

/*
 * The groups of cases whose reported person matches (pattern.h): one
 * line each, its code names oldest first.  No names: the index has none.
 */
static int
verb_pattern(struct ctl *ctl, int argc, char **argv)
{
	struct store_case	 c;
	int64_t			*ids;
	int			*group;
	size_t			 n, i, k;

	(void)argv;
	if (argc != 1)
		usage();
	if (pattern_groups(ctl->store, &ids, &group, &n) == -1)
		errx(EX_SOFTWARE, "cannot read the pattern index");
	if (n == 0)
		printf("No reported person matches across cases.\n");
	for (i = 0; i < n; i = k) {
		for (k = i; k < n && group[k] == group[i]; k++)
			;
		printf("group %d, %zu cases:", group[i] + 1, k - i);
		for (; i < k; i++)
			if (store_case_get(ctl->store, ids[i], &c) == 1)
				printf(" %s", c.code_name);
		printf("\n");
	}
	free(ids);
	free(group);
	return EX_OK;
}

static int
verb_transparency(struct ctl *ctl, int argc, char **argv)
{
	const char	*sincestr = NULL;
	time_t		 since = 0;
	char		 date[32];
	size_t		 i;
	int		 csv = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--csv") == 0)
			csv = 1;
		else if (strcmp(argv[i], "--since") == 0 &&
		    i + 1 < (size_t)argc) {
			sincestr = argv[++i];
			since = parse_date(argv[i - 1], sincestr);
		} else
			usage();
	}
	if (sincestr == NULL)
		usage();
	if (csv)
		printf("section,key,count\n");
	else {
		format_time(clock_now(), date, sizeof(date));
		printf("Cases received since %s (UTC), counted %s.\n"
		    "Counts are raw: small numbers are not suppressed.\n\n",
		    sincestr, date);
	}
	for (i = 0; i < sizeof(tp_sections) / sizeof(tp_sections[0]); i++)
		tp_section(ctl, &tp_sections[i], since, csv);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(EX_IOERR, "stdout");
	return EX_OK;
}

/*
 * The quarantine: items that failed their tries (held.h).  A case's code
 * name is looked up for each; reasons are printed terminal-safe.
 */
static void
ctl_held_line(struct ctl *ctl, const struct store_held_item *it)
{
	struct store_case	c;
	char			since[32], id[40];

	format_time(it->since, since, sizeof(since));
	snprintf(id, sizeof(id), "%s:%lld", store_held_strkind(it->kind),
	    (long long)it->id);
	if (it->case_id == 0 || store_case_get(ctl->store, it->case_id,
	    &c) != 1)
		snprintf(c.code_name, sizeof(c.code_name), "-");
	printf("%-18s %-16s %-24s %-20s %5d  ", id, it->what[0] != '\0' ?
	    it->what : "-", c.code_name, since, it->tries);
	print_safe(NULL, it->reason);
	printf("\n");
}

/* Prints the held items of a case (case_id 0: all, with a header). */
static void
ctl_held_print(struct ctl *ctl, int64_t case_id)
{
	struct store_held_item	*items;
	size_t			 n, i;

	if (store_held_list(ctl->store, case_id, 0, &items, &n) == -1)
		errx(EX_SOFTWARE, "cannot list the held items");
	if (case_id != 0 && n > 0)
		printf("\nHeld (set aside after failed tries; conductctl "
		    "retry puts one back):\n");
	if (case_id == 0)
		printf("%-18s %-16s %-24s %-20s %5s  %s\n", "ITEM", "WHAT",
		    "CASE", "SINCE", "TRIES", "REASON");
	for (i = 0; i < n; i++)
		ctl_held_line(ctl, &items[i]);
	free(items);
}

static int
verb_held(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage();
	ctl_held_print(ctl, 0);
	return EX_OK;
}

/* "kind:id" into its parts; -1 when it is not one. */
static int
ctl_held_parse(const char *s, enum store_held_kind *kind, int64_t *id)
{
	char		 name[16], *end;
	const char	*colon;
	long long	 v;

	if ((colon = strchr(s, ':')) == NULL ||
	    (size_t)(colon - s) >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - s), s);
	errno = 0;
	v = strtoll(colon + 1, &end, 10);
	if (store_held_parsekind(name, kind) == -1 || colon[1] == '\0' ||
	    *end != '\0' || errno != 0 || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int
verb_retry(struct ctl *ctl, int argc, char **argv)
{
	enum store_held_kind	kind;
	int64_t			id;
	int			rc;

	if (argc != 2)
		usage();
	if (ctl_held_parse(argv[1], &kind, &id) == -1)
		errx(EX_USAGE, "%s: not an item (message:ID, outbox:ID, deadline:ID or "
		    "uid:ID, as conductctl held lists them)", argv[1]);
	if ((rc = store_held_retry(ctl->store, kind, id, clock_now())) == -1)
		errx(EX_SOFTWARE, "cannot put %s back", argv[1]);
	if (rc == 0)
		errx(EX_NOINPUT, "%s: not held (or its content was purged)",
		    argv[1]);
	printf("%s: put back with its tries reset; conductd tries it on its "
	    "next pass\n", argv[1]);
	return EX_OK;
}

/* The options before the verb; returns the index of the verb. */
static int
parse_options(int argc, char *argv[], const char **path)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char	buf[8];
	int	ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			*path = optarg;
			break;
		case 'h':
			usage_print(stdout);
			exit(EX_OK);
		case 'V':
			printf("conductctl %s\n", PACKAGE_VERSION);
			exit(EX_OK);
		case ':':
			usage_error("a value is needed after",
			    cmdline_bad_option(argv, buf, sizeof(buf)));
		default:
			usage_error("unknown option",
			    cmdline_bad_option(argv, buf, sizeof(buf)));
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "conductctl: no verb given\n");
		usage();
	}
	return optind;
}

static const struct verb *
verb_find(const char *name)
{
	size_t	i;

	for (i = 0; i < NVERBS; i++)
		if (strcmp(name, verbs[i].name) == 0)
			return &verbs[i];
	usage_error("unknown verb", name);
}

int
main(int argc, char *argv[])
{
	struct ctl		 ctl;
	const struct verb	*v;
	const char		*path = CONDUCTCTL_CONF;
	char			*errstr = NULL;
	int			 status;

	optind = parse_options(argc, argv, &path);
	argc -= optind;
	argv += optind;
	v = verb_find(argv[0]);
	verb_now = v;

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_WARN, "conductctl");
	crypto_init();
	memset(&ctl, 0, sizeof(ctl));
	if ((ctl.conf = config_load(path, &errstr)) == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
		exit(EX_CONFIG);
	}
	if (v->flags & VERB_STORE)
		ctl_open_store(&ctl);
	status = v->handler(&ctl, argc, argv);
	if (ctl.store != NULL)
		store_close(ctl.store);
	crypto_key_free(ctl.key);
	config_free(ctl.conf);
	return status;
}

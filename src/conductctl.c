/*
 * conductctl: the admin's command line.  Each verb is one handler in the
 * verb table; it reads the same configuration as the daemon and works on
 * the same database.  Errors go to stderr with err(3)-style messages and
 * the exit codes of sysexits(3).
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "clock.h"
#include "config.h"
#include "crypto.h"
#include "log.h"
#include "mime.h"
#include "store.h"
#include "xmalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif

#define CONDUCTCTL_CONF		SYSCONFDIR "/conductd/conductd.conf"

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

static int	verb_init(struct ctl *, int, char **);
static int	verb_messages(struct ctl *, int, char **);
static int	verb_show_message(struct ctl *, int, char **);

static const struct verb verbs[] = {
	{ "init", verb_init, 0, "init" },
	{ "messages", verb_messages, VERB_STORE, "messages" },
	{ "show-message", verb_show_message, VERB_STORE, "show-message ID" },
};

#define NVERBS	(sizeof(verbs) / sizeof(verbs[0]))

static __attribute__((noreturn)) void
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: conductctl [-f file] verb [args]\nverbs:\n");
	for (i = 0; i < NVERBS; i++)
		fprintf(stderr, "\t%s\n", verbs[i].usage);
	exit(EX_USAGE);
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

static int
verb_init(struct ctl *ctl, int argc, char **argv)
{
	struct stat	 st;
	char		*errstr = NULL;

	(void)argv;
	if (argc != 1)
		usage();
	if (mkdir(ctl->conf->state_dir, 0700) == -1 && errno != EEXIST)
		err(EX_CANTCREAT, "%s", ctl->conf->state_dir);
	if (stat(ctl->conf->key_file, &st) == 0)
		printf("key: %s exists, kept\n", ctl->conf->key_file);
	else if (crypto_key_create(ctl->conf->key_file, &errstr) == -1)
		errx(EX_CANTCREAT, "%s", errstr);
	else
		printf("key: %s created; back it up apart from the "
		    "database\n", ctl->conf->key_file);
	ctl_open_store(ctl);
	printf("database: %s (schema version %d)\n", ctl->conf->database,
	    store_schema_version(ctl->store));
	return EX_OK;
}

static int
messages_cb(const struct store_msg_info *m, void *arg)
{
	char	when[32], state[48];

	(void)arg;
	clock_format(m->received, when, sizeof(when));
	if (m->dup_of != 0)
		snprintf(state, sizeof(state), "copy of %lld",
		    (long long)m->dup_of);
	else
		snprintf(state, sizeof(state), "%s", store_strstate(m->state));
	printf("%-6lld %-20s %10zu %-10s %-16s %s\n", (long long)m->id,
	    when, m->size, m->truncated ? "cut" : "whole", state,
	    m->warnings[0] != '\0' ? m->warnings : "-");
	return 0;
}

static int
verb_messages(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage();
	printf("%-6s %-20s %10s %-10s %-16s %s\n", "ID", "RECEIVED", "SIZE",
	    "KEPT", "STATE", "PARSE WARNINGS");
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

static int
verb_show_message(struct ctl *ctl, int argc, char **argv)
{
	struct store_msg_info	 info;
	struct mime_msg		*msg;
	void			*raw;
	size_t			 len, i;
	char			*end, when[32], warnings[128];
	long long		 id;
	int			 rc;

	if (argc != 2)
		usage();
	id = strtoll(argv[1], &end, 10);
	if (*end != '\0' || id <= 0)
		errx(EX_USAGE, "%s: not a message id", argv[1]);
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
		printf(" (only the first %zu bytes were kept: "
		    "max_message_size)", len);
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
	mime_msg_free(msg);
	crypto_wipe(raw, len);
	free(raw);
	return EX_OK;
}

int
main(int argc, char *argv[])
{
	struct ctl	 ctl;
	const char	*path = CONDUCTCTL_CONF;
	char		*errstr = NULL;
	size_t		 i;
	int		 ch, status;

	while ((ch = getopt(argc, argv, "+f:")) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < NVERBS; i++)
		if (strcmp(argv[0], verbs[i].name) == 0)
			break;
	if (i == NVERBS)
		usage();

	log_init(LOG_TARGET_STDERR, LOG_LEVEL_WARN, "conductctl");
	crypto_init();
	memset(&ctl, 0, sizeof(ctl));
	if ((ctl.conf = config_load(path, &errstr)) == NULL) {
		fprintf(stderr, "%s\n", errstr);
		free(errstr);
		exit(EX_CONFIG);
	}
	if (verbs[i].flags & VERB_STORE)
		ctl_open_store(&ctl);
	status = verbs[i].handler(&ctl, argc, argv);
	if (ctl.store != NULL)
		store_close(ctl.store);
	crypto_key_free(ctl.key);
	config_free(ctl.conf);
	return status;
}

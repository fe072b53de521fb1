/*
 * test-config: the option table, defaults, and every kind of error, each
 * with its file and line, reported together.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "config.h"
#include "log.h"

static char	dir[] = "/tmp/test-config.XXXXXX";
static char	pass[512], key[512], conf_path[512];


/* A valid config with the password file path filled in, plus extra. */
/*
 * fuzz-config: "state_dir =" left state_dir NULL in a config that
 * loaded (and the database path "(null)/conductd.db"); a path with a
 * default cannot be emptied.
 */
static void
test_empty_default(void)
{
	static const char	*const keys[] = { "state_dir", "key_file" };
	struct config		*c;
	char			 text[1024], want[64], *err = NULL;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		snprintf(text, sizeof(text), "[daemon]\n%s =\n[imap]\n"
		    "host = 127.0.0.1\nuser = conduct\npassword_file = %s\n"
		    "[committee]\nalias = conduct@example.test\n", keys[i],
		    pass);
		harness_write_file(conf_path, text, 0644);
		c = config_load(conf_path, &err);
		CHECK(c == NULL);
		snprintf(want, sizeof(want), ":2: [daemon] %s: must not be "
		    "empty", keys[i]);
		CHECK_STRSTR(err, want);
		config_free(c);
		free(err);
		err = NULL;
	}
}

static void
write_conf(const char *daemon_extra, const char *imap_extra)
{
	char	text[4096];

	snprintf(text, sizeof(text),
	    "# sample\n"
	    "[daemon]\n"
	    "state_dir = %s\n"
	    "key_file = %s\n"
	    "%s"
	    "[imap]\n"
	    "host = 127.0.0.1\n"
	    "user = conduct\n"
	    "password_file = %s\n"
	    "%s"
	    "[committee]\n"
	    "alias = conduct@example.test\n",
	    dir, key, daemon_extra, pass, imap_extra);
	harness_write_file(conf_path, text, 0644);
}

static struct config *
load(char **errstr)
{
	*errstr = NULL;
	return config_load(conf_path, errstr);
}

/* The config, which must load; NULL (a failed check) if it does not. */
static struct config *
load_valid(void)
{
	struct config	*c;
	char		*err;

	c = load(&err);
	CHECK(c != NULL);
	if (err != NULL)
		fprintf(stderr, "unexpected: %s\n", err);
	free(err);
	return c;
}

static void
test_valid(void)
{
	struct config	*c;
	char		*err;

	write_conf("", "");
	if ((c = load_valid()) == NULL)
		return;
	CHECK_INTEQ(c->poll_interval, 60);
	CHECK_INTEQ(c->imap_port, 993);
	CHECK_INTEQ(c->imap_tls, TLS_IMPLICIT);
	CHECK_STREQ(c->imap_mailbox, "INBOX");
	CHECK_STREQ(c->imap_processed, "Processed");
	CHECK_STREQ(c->language, "en");
	CHECK_STREQ(c->imap_password, "secret");
	CHECK_INTEQ(c->imap_max_size, 50 * 1024 * 1024);
	CHECK_INTEQ(c->delimiter, '+');
	CHECK_INTEQ(c->log_level, LOG_LEVEL_INFO);
	CHECK_STRSTR(c->database, "/conductd.db");
	CHECK_INTEQ(c->smtp_connections, 4);
	config_free(c);

	write_conf("", "[smtp]\nconnections = 16\n");
	c = load(&err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INTEQ(c->smtp_connections, 16);
	config_free(c);

	write_conf("log_level = debug\npoll_interval = 5\n",
	    "tls = starttls\nmax_message_size = 512K\n");
	c = load(&err);
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK_INTEQ(c->imap_port, 143);
	CHECK_INTEQ(c->imap_tls, TLS_STARTTLS);
	CHECK_INTEQ(c->imap_max_size, 512 * 1024);
	CHECK_INTEQ(c->poll_interval, 5);
	CHECK_INTEQ(c->log_level, LOG_LEVEL_DEBUG);
	config_free(c);

	/* A member's language; the committee's for one without. */
	write_conf("", "[member Ann]\nemail = ann@example.org\n"
	    "language = ko\n[member Bo]\nemail = bo@example.org\n"
	    "[committee]\nlanguage = de\n");
	if ((c = load_valid()) == NULL)
		return;
	CHECK_STREQ(config_member_lang(c, config_member_by_name(c, "Ann")),
	    "ko");
	CHECK_STREQ(config_member_lang(c, config_member_by_name(c, "Bo")),
	    "de");
	CHECK_STREQ(config_member_lang(c, NULL), "de");
	config_free(c);
}

/* Each case: extra lines for [daemon] and [imap], expected error parts. */
static const struct {
	const char	*daemon_extra;
	const char	*imap_extra;
	const char	*expect;
} error_cases[] = {
	{ "", "hots = x\n", ":9: [imap] hots: unknown key" },
	{ "", "tls = maybe\n", ":9: [imap] tls: must be tls, starttls or none" },
	{ "poll_interval = 0\n", "", ":5: [daemon] poll_interval: out of range" },
	{ "poll_interval = ten\n", "", ":5: [daemon] poll_interval: must be a whole number" },
	{ "log_level = loud\n", "", ":5: [daemon] log_level: must be" },
	{ "", "max_message_size = 12Q\n", ":9: [imap] max_message_size: must be a size" },
	{ "", "port = 70000\n", ":9: [imap] port: out of range" },
	{ "", "host = again\n", ":9: [imap] host: set twice (first on line 6)" },
	{ "", "ca_file = relative/ca.pem\n", ":9: [imap] ca_file: must be an absolute path" },
	{ "", "[nonsense]\nfoo = bar\n", ":10: [nonsense] unknown section" },
	{ "", "this line is not ini\n", ":9: syntax error" },
	{ "", "[smtp]\nconnections = 0\n", ":10: [smtp] connections: out of range" },
	{ "", "[smtp]\nconnections = 17\n", ":10: [smtp] connections: out of range" },
	{ "", "[smtp]\nconnections = four\n", ":10: [smtp] connections: must be a whole number" },
	{ "", "[committee]\nlanguage = Korean\n", ":10: [committee] language: must be a language code" },
	{ "", "[committee]\nlanguage = k\n", ":10: [committee] language: must be a language code" },
	{ "", "[member Ann]\nemail = ann@example.org\nlanguage = Korean\n", ":11: [member Ann] language: must be a language code" },
	{ "", "[member Ann]\nemail = ann@example.org\nlanguage = ko\nlanguage = de\n", ":12: [member Ann] language: set twice (first on line 11)" },
	{ "", "[member Ann]\nemail = ann@example.org\npgp_key = 0x1234ABCD\n", ":11: [member Ann] pgp_key: must be a key's whole fingerprint" },
	{ "", "[member Ann]\nemail = ann@example.org\npgp_key = 1234 ABCD 1234 ABCD 1234  ABCD 1234 ABCD 1234 ABC\n", ":11: [member Ann] pgp_key: must be a key's whole fingerprint" },
	{ "", "[committee]\nrequire_encryption = true\n", ":10: [committee] require_encryption: must be yes or no" },
	{ "", "[committee]\nkeys = keys\n", ":10: [committee] keys: must be an absolute path" },
};

static void
test_errors(void)
{
	struct config	*c;
	char		*err;
	size_t		 i;

	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		write_conf(error_cases[i].daemon_extra,
		    error_cases[i].imap_extra);
		c = load(&err);
		CHECK(c == NULL);
		CHECK_STRSTR(err, conf_path);
		CHECK_STRSTR(err, error_cases[i].expect);
		free(err);
		config_free(c);
	}
}

static void
test_all_errors_together(void)
{
	struct config	*c;
	char		*err, *p;
	int		 lines = 1;

	write_conf("poll_interval = -3\nbogus = 1\n", "tls = nope\n");
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, ":5: [daemon] poll_interval");
	CHECK_STRSTR(err, ":6: [daemon] bogus: unknown key");
	CHECK_STRSTR(err, ":11: [imap] tls");
	for (p = err; p != NULL && *p != '\0'; p++)
		if (*p == '\n')
			lines++;
	CHECK_INTEQ(lines, 3);
	free(err);
	config_free(c);
}

static void
test_errors_for_log(void)
{
	char	errs[] = "/c.conf:3: [member Alice Smith] colour: unknown key\n"
	    "/c.conf:9: [member] email: missing (required)\n"
	    "/c.conf:12: [member Bob] email: also belongs to [member Eve]\n"
	    "/c.conf:14: [imap] port: out of range\n"
	    "/c.conf:15: [member unterminated\n";

	config_errors_for_log(errs);
	CHECK_STREQ(errs, "/c.conf:3: [member] colour: unknown key\n"
	    "/c.conf:9: [member] email: missing (required)\n"
	    "/c.conf:12: [member] email: also belongs to [member]\n"
	    "/c.conf:14: [imap] port: out of range\n"
	    "/c.conf:15: [member unterminated\n");
}

static void
test_missing_required(void)
{
	struct config	*c;
	char		*err;

	harness_write_file(conf_path, "[daemon]\npoll_interval = 10\n", 0644);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, "[imap] host: missing (required)");
	CHECK_STRSTR(err, "[imap] user: missing (required)");
	CHECK_STRSTR(err, "[imap] password_file: missing (required)");
	CHECK_STRSTR(err, "[committee] alias: missing (required)");
	free(err);
	config_free(c);
}

static void
test_secret_files(void)
{
	struct config	*c;
	char		*err;

	write_conf("", "");
	chmod(pass, 0644);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, "[imap] password_file: ");
	CHECK_STRSTR(err, "readable by group or others (mode 0644)");
	free(err);
	config_free(c);
	chmod(pass, 0600);

	harness_write_file(key, "x\n", 0640);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, ":4: [daemon] key_file: ");
	CHECK_STRSTR(err, "(mode 0640)");
	free(err);
	config_free(c);
	unlink(key);

	write_conf("", "");
	unlink(pass);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, "[imap] password_file: ");
	CHECK_STRSTR(err, "No such file");
	free(err);
	config_free(c);
	harness_write_file(pass, "secret\n", 0600);
}

static void
test_bad_alias(void)
{
	struct config	*c;
	char		*err;
	char		 text[2048];

	snprintf(text, sizeof(text),
	    "[imap]\nhost = h\nuser = u\npassword_file = %s\n"
	    "[committee]\nalias = conduct+x@example.test\n", pass);
	harness_write_file(conf_path, text, 0644);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, ":6: [committee] alias: must not contain");
	free(err);
	config_free(c);

	snprintf(text, sizeof(text),
	    "[imap]\nhost = h\nuser = u\npassword_file = %s\n"
	    "[committee]\nalias = Conduct <conduct@example.test>\n", pass);
	harness_write_file(conf_path, text, 0644);
	c = load(&err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, ":6: [committee] alias: must be a bare address");
	free(err);
	config_free(c);
}

/*
 * load_sections IMAP COMMITTEE: loads a config whose [imap] ends with
 * IMAP (from line 5) and whose [committee] ends with COMMITTEE.
 */
static struct config *
load_sections(const char *imap, const char *committee, char **err)
{
	char	text[2048];

	snprintf(text, sizeof(text),
	    "[imap]\nhost = h\nuser = u\npassword_file = %s\n%s"
	    "[committee]\nalias = conduct@example.test\n%s", pass, imap,
	    committee);
	harness_write_file(conf_path, text, 0644);
	return load(err);
}

/* load_committee TEXT: loads a config whose [committee] holds TEXT. */
static struct config *
load_committee(const char *extra, char **err)
{
	return load_sections("", extra, err);
}

/* urgent_alert_details: none by default, location on request, else error. */
static void
test_urgent_details(void)
{
	struct config	*c;
	char		*err = NULL;

	c = load_committee("", &err);
	CHECK(c != NULL);
	if (c != NULL)
		CHECK_INTEQ(c->urgent_alert_details, URGENT_DETAILS_NONE);
	config_free(c);
	free(err);
	err = NULL;
	c = load_committee("urgent_alert_details = location\n", &err);
	CHECK(c != NULL);
	if (c != NULL)
		CHECK_INTEQ(c->urgent_alert_details, URGENT_DETAILS_LOCATION);
	config_free(c);
	free(err);
	err = NULL;
	c = load_committee("urgent_alert_details = everything\n", &err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, conf_path);
	CHECK_STRSTR(err, ":7: [committee] urgent_alert_details: "
	    "must be none or location");
	free(err);
	config_free(c);
}

/* moderators, moderators_window and reported_contact (issue 15). */
static void
test_outreach_keys(void)
{
	struct config	*c;
	char		*err = NULL;

	c = load_committee("", &err);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK(c->moderators == NULL);
		CHECK_INTEQ(c->moderators_window, 7 * 86400);
		CHECK_INTEQ(c->reported_contact, CONTACT_LEADS);
	}
	config_free(c);
	free(err);
	err = NULL;
	c = load_committee("moderators = mods@example.org, a@example.org\n"
	    "moderators_window = 3d\nreported_contact = participants\n",
	    &err);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_STREQ(c->moderators, "mods@example.org, a@example.org");
		CHECK_INTEQ(c->moderators_window, 3 * 86400);
		CHECK_INTEQ(c->reported_contact, CONTACT_PARTICIPANTS);
	}
	config_free(c);
	free(err);
	err = NULL;
	c = load_committee("moderators = Mods <mods@example.org>\n"
	    "reported_contact = anyone\n", &err);
	CHECK(c == NULL);
	CHECK_STRSTR(err, ":7: [committee] moderators: must be bare "
	    "addresses separated by commas");
	CHECK_STRSTR(err, ":8: [committee] reported_contact: must be leads "
	    "or participants");
	free(err);
	config_free(c);
}

/* keys, require_encryption and a member's pgp_key (issue 16). */
static void
test_pgp_keys(void)
{
	struct config	*c;
	char		*err = NULL;

	c = load_committee("", &err);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK(c->keys_dir == NULL);
		CHECK_INTEQ(c->require_encryption, 0);
		CHECK_INTEQ(c->require_signed_commands, 0);
		CHECK(!config_uses_pgp(c));
		CHECK(c->pgp_home != NULL && strstr(c->pgp_home, "/gnupg"));
	}
	config_free(c);
	free(err);
	err = NULL;
	c = load_committee("keys = /etc/conductd/keys\n"
	    "require_encryption = yes\nrequire_signed_commands = yes\n"
	    "[member Ann]\nemail = ann@example.org\nrole = lead\n"
	    "pgp_key = 6a07 4aae 24cb 7a56 55ba  0422 16b3 a48a 8499 a838\n",
	    &err);
	CHECK(c != NULL);
	if (c != NULL) {
		CHECK_STREQ(c->keys_dir, "/etc/conductd/keys");
		CHECK_INTEQ(c->require_encryption, 1);
		CHECK_INTEQ(c->require_signed_commands, 1);
		CHECK(config_uses_pgp(c));
		CHECK_STREQ(c->members[0].pgp_key,
		    "6A074AAE24CB7A5655BA042216B3A48A8499A838");
	}
	config_free(c);
	free(err);
}

/* processed_keep: 30 days by default, a number of days, keep, else error. */
static void
test_processed_keep(void)
{
	static const struct {
		const char	*line;
		int		 want;	/* -2: refused */
		const char	*why;
	} t[] = {
		{ "", 30, NULL },
		{ "processed_keep = 0\n", 0, NULL },
		{ "processed_keep = 7\n", 7, NULL },
		{ "processed_keep = keep\n", PROCESSED_KEEP_FOREVER, NULL },
		{ "processed_keep = forever\n", -2,
		    ":5: [imap] processed_keep: must be a number of days, or "
		    "keep" },
		{ "processed_keep = -1\n", -2,
		    ":5: [imap] processed_keep: out of range" },
	};
	struct config	*c;
	char		*err;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err = NULL;
		c = load_sections(t[i].line, "", &err);
		if (t[i].want == -2) {
			CHECK(c == NULL);
			CHECK_STRSTR(err, conf_path);
			CHECK_STRSTR(err, t[i].why);
		} else {
			CHECK(c != NULL);
			if (c != NULL)
				CHECK_INTEQ(c->processed_keep, t[i].want);
		}
		free(err);
		config_free(c);
	}
}

struct keycount {
	int	n;
	int	saw_host;
};

static void
key_cb(const char *section, const char *k, const char *def, void *arg)
{
	struct keycount	*kc = arg;

	kc->n++;
	if (strcmp(section, "imap") == 0 && strcmp(k, "host") == 0 &&
	    strcmp(def, "") == 0)
		kc->saw_host = 1;
}

static void
test_foreach(void)
{
	struct keycount	kc = { 0, 0 };

	config_foreach_key(key_cb, &kc);
	CHECK(kc.n > 15);
	CHECK(kc.saw_host);
}

static char	*manpage;

/* Every key of the option table is an item of its section's list. */
static void
doc_cb(const char *section, const char *k, const char *def, void *arg)
{
	char		 head[128], item[128];
	const char	*start, *end;

	(void)def;
	(void)arg;
	snprintf(head, sizeof(head), "\n.Ss The \\&[%s] section\n", section);
	snprintf(item, sizeof(item), "\n.It Ic %s\n", k);
	harness_checks++;
	if ((start = strstr(manpage, head)) == NULL ||
	    ((end = strstr(start + 1, "\n.Ss ")) == NULL &&
	    (end = strstr(start + 1, "\n.Sh ")) == NULL) ||
	    strstr(start, item) == NULL || strstr(start, item) > end) {
		harness_failures++;
		fprintf(stderr, "FAIL: [%s] %s is not documented in "
		    "conductd.conf.5\n", section, k);
	}
}

static void
test_documented(void)
{
	if ((manpage = harness_read_srcfile("man/conductd.conf.5")) == NULL)
		return;
	config_foreach_key(doc_cb, NULL);
	free(manpage);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(pass, sizeof(pass), "%s/imap.pass", dir);
	snprintf(key, sizeof(key), "%s/conductd.key", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/conductd.conf", dir);
	harness_write_file(pass, "secret\n", 0600);
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-config");

	test_valid();
	test_empty_default();
	test_errors();
	test_all_errors_together();
	test_errors_for_log();
	test_missing_required();
	test_secret_files();
	test_bad_alias();
	test_urgent_details();
	test_outreach_keys();
	test_pgp_keys();
	test_processed_keep();
	test_foreach();
	test_documented();

	unlink(pass);
	unlink(key);
	unlink(conf_path);
	rmdir(dir);
	return harness_done();
}

/*
 * test-confcheck: the offline checks shared by conductd -n, conductd's
 * start and reload, and conductctl check-config: each failure worded as
 * a configuration error with its file, line and key; a committee without
 * a lead fails -n but only warns a running daemon.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "confcheck.h"
#include "config.h"
#include "log.h"

static char	dir[] = "/tmp/test-confcheck.XXXXXX";
static char	pass[512], key[512], ca[512], tdir[512], conf_path[512];

static const char *const templates[] = { "ack", "ack-summary",
    "conflict-check", "conflict-check-triage", "case-purged" };


struct tcase {
	const char	*name;
	const char	*role;		/* of the one member */
	const char	*key_file;	/* NULL: the one that exists */
	const char	*ca_file;	/* NULL: the one that exists */
	const char	*ack;		/* NULL: a good ack template */
	int		 fails;		/* confcheck_run() */
	int		 hard;		/* confcheck_errors() without soft_ok */
	int		 soft;		/* ... with soft_ok */
	const char	*want;		/* in the errors */
};

static const struct tcase cases[] = {
	{ "good", "lead", NULL, NULL, NULL, 0, 0, 0, NULL },
	{ "no lead", "member", NULL, NULL, NULL, 1, -1, 0,
	    ".conf: [member] role: no [member] has role lead" },
	{ "no key", "lead", "/nonexistent/conductd.key", NULL, NULL, 1, -1,
	    -1, ".conf:3: [daemon] key_file: /nonexistent/conductd.key: No such "
	    "file or directory (run conductctl init first)" },
	{ "no ca", "lead", NULL, "/nonexistent/ca.pem", NULL, 1, -1, -1,
	    ".conf:8: [imap] ca_file: /nonexistent/ca.pem: No such file or "
	    "directory" },
	{ "bad template", "lead", NULL, NULL, "Hello ${nosuch}\n", 1, -1, -1,
	    "ack.txt:1: unknown variable ${nosuch}" },
	{ "all at once", "backup", "/nonexistent/k", "/nonexistent/ca.pem",
	    "${x\n", 4, -1, -1, "[imap] ca_file" },
};

static void
write_conf(const struct tcase *t)
{
	char	text[4096];

	snprintf(text, sizeof(text),
	    "[daemon]\n"
	    "state_dir = %s\n"
	    "key_file = %s\n"
	    "[imap]\n"
	    "host = 127.0.0.1\n"
	    "user = conduct\n"
	    "password_file = %s\n"
	    "ca_file = %s\n"
	    "[committee]\n"
	    "alias = conduct@example.test\n"
	    "templates = %s\n"
	    "[member Alice]\n"
	    "email = alice@example.test\n"
	    "role = %s\n", dir, t->key_file != NULL ? t->key_file : key, pass,
	    t->ca_file != NULL ? t->ca_file : ca, tdir, t->role);
	harness_write_file(conf_path, text, 0600);
}

static void
write_templates(const char *ack)
{
	char	path[600];
	size_t	i;

	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.txt", tdir, templates[i]);
		harness_write_file(path, i == 0 && ack != NULL ? ack :
		    "${committee}: ${code_name}\n", 0644);
	}
}

static int	 ncb, nfail;

static void
count_cb(enum confcheck_result r, const char *what, const char *why,
    void *arg)
{
	(void)arg;
	ncb++;
	CHECK(what != NULL && *what != '\0');
	if (r == CONFCHECK_OK)
		CHECK(why == NULL);
	else {
		nfail++;
		CHECK(why != NULL);
	}
}

static void
test_case(const struct tcase *t)
{
	struct config	*c;
	char		*err = NULL;

	fprintf(stderr, "case: %s\n", t->name);
	write_conf(t);
	write_templates(t->ack);
	if ((c = config_load(conf_path, &err)) == NULL) {
		fprintf(stderr, "config_load: %s\n", err);
		CHECK(c != NULL);
		free(err);
		return;
	}
	ncb = nfail = 0;
	CHECK_INTEQ(confcheck_run(c, count_cb, NULL), t->fails);
	CHECK_INTEQ(nfail, t->fails);
	CHECK(ncb >= 8);	/* lead, key, ca, five templates */
	CHECK_INTEQ(confcheck_errors(c, 0, &err), t->hard);
	if (t->hard == 0)
		CHECK(err == NULL);
	else {
		CHECK_STRSTR(err, t->want);
		/* A template's error names its own file and line. */
		if (strncmp(t->want, ".conf", 5) == 0)
			CHECK_STRSTR(err, conf_path);
	}
	free(err);
	err = NULL;
	CHECK_INTEQ(confcheck_errors(c, 1, &err), t->soft);
	if (t->soft == 0)
		CHECK(err == NULL);
	else
		CHECK(strstr(err, "has role lead") == NULL);
	free(err);
	config_free(c);
}

int
main(void)
{
	size_t	i;
	char	path[600];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(pass, sizeof(pass), "%s/imap.pass", dir);
	snprintf(key, sizeof(key), "%s/conductd.key", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(tdir, sizeof(tdir), "%s/templates", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/conductd.conf", dir);
	if (mkdir(tdir, 0700) == -1) {
		perror(tdir);
		return 1;
	}
	harness_write_file(pass, "secret\n", 0600);
	harness_write_file(key, "not really a key\n", 0600);
	harness_write_file(ca, "-----BEGIN CERTIFICATE-----\n", 0644);
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, "test-confcheck");

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_case(&cases[i]);

	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.txt", tdir, templates[i]);
		unlink(path);
	}
	rmdir(tdir);
	unlink(pass);
	unlink(key);
	unlink(ca);
	unlink(conf_path);
	rmdir(dir);
	return harness_done();
}

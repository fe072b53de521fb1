/*
 * test-confcheck: the offline checks shared by conductd -n, conductd's
 * start and reload, and conductctl check-config: each failure worded as
 * a configuration error with its file, line and key; a committee without
 * a lead fails -n but only warns a running daemon.  Every kind of
 * template_kinds.c is written to the admin's folder (with no installed
 * defaults); a bad, missing or subject-less one fails, naming its file.
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
#include "template_kinds.h"

static char	dir[] = "/tmp/test-confcheck.XXXXXX";
static char	pass[512], key[512], ca[512], tdir[512], conf_path[512];


struct tcase {
	const char	*name;
	const char	*role;		/* of the one member */
	const char	*key_file;	/* NULL: the one that exists */
	const char	*ca_file;	/* NULL: the one that exists */
	const char	*ack;		/* NULL: a good ack template */
	const char	*omit;		/* a kind left out, or NULL */
	const char	*plain;		/* a kind without its Subject: */
	int		 fails;		/* confcheck_run() */
	int		 hard;		/* confcheck_errors() without soft_ok */
	int		 soft;		/* ... with soft_ok */
	const char	*want;		/* in the errors */
};

static const struct tcase cases[] = {
	{ "good", "lead", NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL },
	{ "no lead", "member", NULL, NULL, NULL, NULL, NULL, 1, -1, 0,
	    ".conf: [member] role: no [member] has role lead" },
	{ "no key", "lead", "/nonexistent/conductd.key", NULL, NULL, NULL,
	    NULL, 1, -1,
	    -1, ".conf:3: [daemon] key_file: /nonexistent/conductd.key: No such "
	    "file or directory (run conductctl init first)" },
	{ "no ca", "lead", NULL, "/nonexistent/ca.pem", NULL, NULL, NULL, 1,
	    -1, -1,
	    ".conf:8: [imap] ca_file: /nonexistent/ca.pem: No such file or "
	    "directory" },
	{ "bad template", "lead", NULL, NULL, "Hello\n\n${nosuch}\n", NULL,
	    NULL, 1, -1, -1, "ack.txt:3: unknown variable ${nosuch}" },
	{ "other kind's variable", "lead", NULL, NULL, "${code_names}\n",
	    NULL, NULL, 1, -1, -1, "ack.txt:1: unknown variable ${code_names}" },
	{ "missing template", "lead", NULL, NULL, NULL, "overdue", NULL, 1,
	    -1, -1, "template overdue: none of " },
	{ "no subject", "lead", NULL, NULL, NULL, NULL, "reminder", 1, -1,
	    -1, "reminder.txt:1: no \"Subject: ...\" line" },
	{ "all at once", "backup", "/nonexistent/k", "/nonexistent/ca.pem",
	    "${x\n", NULL, NULL, 4, -1, -1, "[imap] ca_file" },
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

/* Every kind, using all of its variables; ack as given. */
static void
write_templates(const struct tcase *t)
{
	const struct template_kind	*k;
	char				 path[600], text[1024];
	size_t				 i, n, len;

	for (i = 0; i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		snprintf(path, sizeof(path), "%s/%s.txt", tdir, k->name);
		if (t->omit != NULL && strcmp(t->omit, k->name) == 0) {
			unlink(path);
			continue;
		}
		len = 0;
		if ((k->flags & TEMPLATE_F_SUBJECT) && (t->plain == NULL ||
		    strcmp(t->plain, k->name) != 0))
			len = (size_t)snprintf(text, sizeof(text),
			    "Subject: about %s\n\n", k->name);
		for (n = 0; n < TEMPLATE_KINDS_MAXVARS && k->vars[n] != NULL;
		    n++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
			    "${%s}\n", k->vars[n]);
		text[len] = '\0';
		harness_write_file(path, strcmp(k->name, "ack") == 0 &&
		    t->ack != NULL ? t->ack : text, 0644);
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
	write_templates(t);
	if ((c = config_load(conf_path, &err)) == NULL) {
		fprintf(stderr, "config_load: %s\n", err);
		CHECK(c != NULL);
		free(err);
		return;
	}
	ncb = nfail = 0;
	CHECK_INTEQ(confcheck_run(c, count_cb, NULL), t->fails);
	CHECK_INTEQ(nfail, t->fails);
	CHECK(ncb >= 3 + (int)template_kinds_count());	/* lead, key, ca */
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

/*
 * [committee] language must name a template set: "xx" has none (an
 * error with the file and line), "ko" has one once the folder exists.
 */
static void
test_language(void)
{
	static const struct tcase	 t = { "language", "lead", NULL, NULL,
	    NULL, NULL, NULL, 0, 0, 0, NULL };
	struct config			*c;
	char				*err = NULL, kodir[600];
	FILE				*fp;
	const char			*lang[] = { "xx", "ko" };
	size_t				 i;

	snprintf(kodir, sizeof(kodir), "%s/ko", tdir);
	write_templates(&t);
	for (i = 0; i < 2; i++) {
		write_conf(&t);
		if ((fp = fopen(conf_path, "a")) == NULL)
			return;
		fprintf(fp, "[committee]\nlanguage = %s\n", lang[i]);
		fclose(fp);
		if (i == 1)
			CHECK(mkdir(kodir, 0700) == 0);
		c = config_load(conf_path, &err);
		CHECK(c != NULL);
		if (c == NULL)
			return;
		CHECK_STREQ(c->language, lang[i]);
		CHECK_INTEQ(confcheck_errors(c, 0, &err), i == 0 ? -1 : 0);
		if (i == 0) {
			CHECK_STRSTR(err, conf_path);
			CHECK_STRSTR(err, ":16: [committee] language: no "
			    "template set for xx");
		} else
			CHECK(err == NULL);
		free(err);
		err = NULL;
		config_free(c);
	}
	rmdir(kodir);
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
	/* No installed defaults to fall back on. */
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", "/nonexistent/templates", 1);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_case(&cases[i]);
	test_language();

	for (i = 0; i < template_kinds_count(); i++) {
		snprintf(path, sizeof(path), "%s/%s.txt", tdir,
		    template_kinds_get(i)->name);
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

/*
 * test-template: writes templates to a temporary folder and renders
 * them: substitution, $$, the lookup order (the admin's language folder,
 * the admin's top, the defaults' language folder, English), errors that
 * name the file and line, the size limit, a missing template naming
 * every place looked in, the kinds' variable lists (template_kinds.c)
 * and "Subject:" lines.  Then every kind must exist in the shipped
 * conf/templates/en, render with all of its variables and be documented
 * in conf/templates/README and conductd.conf(5); ack.txt must read well
 * with and without missing fields.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "template.h"
#include "template_kinds.h"
#include "harness.h"

static char	dir[] = "/tmp/test-template.XXXXXX";
static char	defaults[PATH_MAX];

static const struct template_var vars[] = {
	{ "committee",		"Example Conf Code of Conduct Committee" },
	{ "code_name",		"quiet-otter" },
	{ "followup_days",	"7" },
	{ "alias",		"conduct@example.test" },
	{ "missing_fields",	"" },
	{ "nothing",		NULL },
};
#define NVARS	(sizeof(vars) / sizeof(vars[0]))

static void
put(const char *name, const char *text, size_t len)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(fwrite(text, 1, len, f) == len);
	fclose(f);
}

#define PUT(name, text)	put(name, text, strlen(text))

static char *
render(const char *name, char **err)
{
	*err = NULL;
	return template_render(dir, NULL, name, vars, NVARS, err);
}

static const struct {
	const char	*text;
	const char	*want;		/* or NULL: error */
	const char	*err;		/* substring of the error */
} cases[] = {
	{ "plain text\n", "plain text\n", NULL },
	{ "Ref ${code_name}.\n", "Ref quiet-otter.\n", NULL },
	{ "${code_name}${code_name}", "quiet-otterquiet-otter", NULL },
	{ "${nothing}|${missing_fields}|", "||", NULL },
	{ "costs $$5, $$$$ and $ alone, $x", "costs $5, $$ and $ alone, $x",
	    NULL },
	{ "$${code_name}", "${code_name}", NULL },
	{ "ok\nok\n${nope} here\n", NULL, "t.txt:3: unknown variable ${nope}" },
	{ "line one\n${code_name\n}", NULL, "t.txt:2: unterminated ${" },
	{ "${}", NULL, "t.txt:1: unterminated ${" },
	{ "${code name}", NULL, "t.txt:1: unterminated ${" },
	{ "a\n\nb ${", NULL, "t.txt:3: unterminated ${" },
	{ "", "", NULL },
};

static void
test_cases(void)
{
	size_t	 i;
	char	*out, *err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PUT("t.txt", cases[i].text);
		out = render("t", &err);
		if (cases[i].want != NULL) {
			CHECK_STREQ(out, cases[i].want);
			CHECK(err == NULL);
		} else {
			CHECK(out == NULL);
			CHECK_STRSTR(err, cases[i].err);
			CHECK_STRSTR(err, dir);
		}
		free(out);
		free(err);
	}
}

static void
putdir(const char *base, const char *sub, const char *name, const char *text)
{
	char	 path[PATH_MAX];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", base, sub);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", base, sub, name);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static void
want_render(const char *lang, const char *name, const char *want)
{
	char	*out, *err = NULL;

	out = template_render(dir, lang, name, vars, NVARS, &err);
	CHECK_STREQ(out, want);
	if (err != NULL)
		fprintf(stderr, "  error: %s\n", err);
	free(out);
	free(err);
}

/* The four places, in order; each found only when those before miss. */
static void
test_order(void)
{
	char	*out, *err = NULL;

	snprintf(defaults, sizeof(defaults), "%s/defaults", dir);
	mkdir(defaults, 0700);
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", defaults, 1);
	CHECK_STREQ(template_default_dir(), defaults);

	putdir(defaults, "en", "o.txt", "default en\n");
	want_render("xx", "o", "default en\n");
	want_render(NULL, "o", "default en\n");
	putdir(defaults, "xx", "o.txt", "default xx\n");
	want_render("xx", "o", "default xx\n");
	want_render("en", "o", "default en\n");
	PUT("o.txt", "admin top\n");
	want_render("xx", "o", "admin top\n");
	want_render("en", "o", "admin top\n");
	putdir(dir, "xx", "o.txt", "admin xx\n");
	want_render("xx", "o", "admin xx\n");
	want_render("en", "o", "admin top\n");

	/* Missing everywhere: all four places are named. */
	out = template_render(dir, "xx", "no-such", vars, NVARS, &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, "/xx/no-such.txt");
	CHECK_STRSTR(err, "/no-such.txt");
	CHECK_STRSTR(err, "defaults/xx/no-such.txt");
	CHECK_STRSTR(err, "defaults/en/no-such.txt");
	free(err);

	/* A language is a plain name too. */
	err = NULL;
	out = template_render(dir, "../en", "o", vars, NVARS, &err);
	CHECK(out == NULL && err != NULL);
	free(err);
}

static void
test_lookup(void)
{
	char	*out, *err, big[70 * 1024];

	/* The admin's folder wins (whatever the defaults hold). */
	PUT("t.txt", "custom for ${code_name}\n");
	out = render("t", &err);
	CHECK_STREQ(out, "custom for quiet-otter\n");
	free(out);
	free(err);

	/* Missing everywhere: the places are named. */
	out = render("no-such-template", &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, dir);
	CHECK_STRSTR(err, template_default_dir());
	CHECK_STRSTR(err, "no-such-template.txt");
	free(err);

	/* No admin folder: only the defaults are named. */
	err = NULL;
	out = template_render(NULL, NULL, "no-such-template", vars, NVARS,
	    &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, template_default_dir());
	CHECK(err == NULL || strstr(err, dir) == NULL ||
	    strstr(err, "defaults") != NULL);
	free(err);

	/* Names are file stems, not paths. */
	out = render("../etc/passwd", &err);
	CHECK(out == NULL && err != NULL);
	free(err);
	out = render("", &err);
	CHECK(out == NULL && err != NULL);
	free(err);

	/* Over 64 KB is refused; exactly 64 KB is fine. */
	memset(big, 'x', sizeof(big));
	put("big.txt", big, sizeof(big));
	out = render("big", &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, "big.txt");
	CHECK_STRSTR(err, "larger than");
	free(err);
	put("big.txt", big, 64 * 1024);
	out = render("big", &err);
	CHECK(out != NULL && strlen(out) == 64 * 1024);
	free(out);
	free(err);

	/* A NUL byte and a folder are refused. */
	put("nul.txt", "a\0b", 3);
	out = render("nul", &err);
	CHECK(out == NULL && err != NULL);
	free(err);
	{
		char	path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/sub.txt", dir);
		CHECK(mkdir(path, 0700) == 0);
		out = render("sub", &err);
		CHECK(out == NULL);
		CHECK_STRSTR(err, "not a regular file");
		free(err);
		rmdir(path);
	}
}

static const char *
top_srcdir(void)
{
	const char	*top;

	return (top = getenv("top_srcdir")) != NULL ? top : "..";
}

/* The shipped acknowledgment renders and reads well both ways. */
static void
test_ack(void)
{
	struct template_var	 v[5];
	char			 tdir[PATH_MAX], *out, *err = NULL;

	snprintf(tdir, sizeof(tdir), "%s/conf/templates", top_srcdir());
	memcpy(v, vars, sizeof(v));

	out = template_render(tdir, "en", "ack", v, 5, &err);
	CHECK(err == NULL);
	CHECK_STRSTR(out, "quiet-otter");
	CHECK_STRSTR(out, "within 7 days");
	CHECK_STRSTR(out, "— Example Conf Code of Conduct Committee");
	CHECK_STRSTR(out, "emergency");
	CHECK(out == NULL || strstr(out, "${") == NULL);
	CHECK(out == NULL || strstr(out, "\n\n\n") == NULL);
	free(out);

	v[4].value = "A few details seem to be missing. If you can, "
	    "please reply with:\n- when it happened\n- where it happened\n\n";
	out = template_render(tdir, "en", "ack", v, 5, &err);
	CHECK(err == NULL);
	CHECK_STRSTR(out, "\n\nA few details seem to be missing.");
	CHECK_STRSTR(out, "- where it happened\n\nYou can reply");
	CHECK(out == NULL || strstr(out, "\n\n\n") == NULL);
	free(out);
}

/* A listed variable the shipped English template need not use. */
static int
unused_ok(const char *kind, const char *var)
{
	static const char *const ok[] = {
		"conflict-check-triage", "reported",	/* always empty */
	};
	size_t	i;

	/* Offered to every kind, for the admin's own words. */
	if (strcmp(var, "committee") == 0 || strcmp(var, "alias") == 0 ||
	    strcmp(var, "code_name") == 0)
		return 1;
	/* A parser's reason says what it needs of the command's. */
	if (strncmp(kind, "why-", 4) == 0)
		return 1;
	/* Each line of a vote's tally says some of its figures. */
	if (strncmp(kind, "echo-", 5) == 0 && strstr(kind, "carried") != NULL)
		return 1;
	if (strcmp(kind, "echo-vote") == 0)
		return strcmp(var, "proposal") == 0 ||
		    strcmp(var, "participants") == 0;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i += 2)
		if (strcmp(ok[i], kind) == 0 && strcmp(ok[i + 1], var) == 0)
			return 1;
	return 0;
}

/*
 * Every kind in the table: conf/templates/en/NAME.txt exists (found in
 * the defaults, no admin folder), renders with every one of its
 * variables, uses each, has its subject when it is a mail's, and
 * conf/templates/README documents it and its variables.
 */
static void
test_kinds(void)
{
	const struct template_kind	*k;
	struct template_var		 v[TEMPLATE_KINDS_MAXVARS];
	char				 vals[TEMPLATE_KINDS_MAXVARS][80];
	static char			 readme[64 * 1024], man[256 * 1024];
	char				 path[PATH_MAX];
	char				 entry[128], *out, *subj, *err = NULL;
	size_t				 i, n, len;
	FILE				*f;

	snprintf(path, sizeof(path), "%s/conf/templates", top_srcdir());
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", path, 1);
	snprintf(path, sizeof(path), "%s/conf/templates/README",
	    top_srcdir());
	CHECK((f = fopen(path, "r")) != NULL);
	len = f != NULL ? fread(readme, 1, sizeof(readme) - 1, f) : 0;
	readme[len] = '\0';
	if (f != NULL)
		fclose(f);
	snprintf(path, sizeof(path), "%s/man/conductd.conf.5", top_srcdir());
	CHECK((f = fopen(path, "r")) != NULL);
	len = f != NULL ? fread(man, 1, sizeof(man) - 1, f) : 0;
	man[len] = '\0';
	if (f != NULL)
		fclose(f);
	CHECK(template_kinds_count() >= 100);
	for (i = 0; i < template_kinds_count(); i++) {
		k = template_kinds_get(i);
		for (n = 0; n < TEMPLATE_KINDS_MAXVARS && k->vars[n] != NULL;
		    n++) {
			snprintf(vals[n], sizeof(vals[n]), "<<%s>>",
			    k->vars[n]);
			v[n].name = k->vars[n];
			v[n].value = vals[n];
		}
		out = template_mail(NULL, "en", k->name, v, n, &subj, &err);
		if (out == NULL)
			fprintf(stderr, "  kind %s: %s\n", k->name, err);
		CHECK(out != NULL && err == NULL);
		CHECK((subj != NULL) == ((k->flags & TEMPLATE_F_SUBJECT) != 0));
		CHECK(out == NULL || strstr(out, "${") == NULL);
		CHECK(out == NULL || strncmp(out, "Subject:", 8) != 0);
		for (n = 0; out != NULL && k->vars[n] != NULL &&
		    n < TEMPLATE_KINDS_MAXVARS; n++) {
			if (unused_ok(k->name, k->vars[n]))
				continue;
			if (strstr(out, vals[n]) == NULL && (subj == NULL ||
			    strstr(subj, vals[n]) == NULL))
				fprintf(stderr, "  kind %s does not use "
				    "${%s}\n", k->name, k->vars[n]);
			CHECK(strstr(out, vals[n]) != NULL || (subj != NULL &&
			    strstr(subj, vals[n]) != NULL));
		}
		snprintf(entry, sizeof(entry), "\n%s.txt -- ", k->name);
		if (strstr(readme, entry) == NULL)
			fprintf(stderr, "  README lacks %s\n", entry + 1);
		CHECK(strstr(readme, entry) != NULL);
		snprintf(entry, sizeof(entry), "\n.It Pa %s.txt\n", k->name);
		CHECK_STRSTR(man, entry);
		for (n = 0; k->vars[n] != NULL && n < TEMPLATE_KINDS_MAXVARS;
		    n++) {
			snprintf(entry, sizeof(entry), "${%s}", k->vars[n]);
			CHECK_STRSTR(readme, entry);
		}
		free(out);
		free(subj);
		free(err);
		err = NULL;
	}
	CHECK(template_kinds_find("no-such-kind") == NULL);
	CHECK(template_kinds_find("reminder") != NULL);
}

/*
 * A kind's template may use its listed variables only (file and line);
 * a caller may pass listed ones only; a Subject: line is cut off, and
 * an admin's file without one keeps the default's subject.
 */
static void
test_kind_vars(void)
{
	struct template_var	 v[2] = {
		{ "code_name", "quiet-otter" }, { "due", "Monday" } };
	struct template_var	 bad[1] = { { "nope", "x" } };
	char			*out, *subj, *err = NULL;

	putdir(dir, "en", "reminder.txt", "Subject: Soon: ${code_name}\n\n"
	    "Case ${code_name}\ndue ${due}\n");
	out = template_mail(dir, "en", "reminder", v, 2, &subj, &err);
	CHECK_STREQ(subj, "Soon: quiet-otter");
	CHECK_STREQ(out, "Case quiet-otter\ndue Monday\n");
	free(out);
	free(subj);
	free(err);

	/* ${code_names} is ack-summary's, not the reminder's. */
	putdir(dir, "en", "reminder.txt", "Subject: x\n\nok\n"
	    "${code_names}\n");
	out = template_mail(dir, "en", "reminder", v, 2, &subj, &err);
	CHECK(out == NULL && subj == NULL);
	CHECK_STRSTR(err, "en/reminder.txt:4: unknown variable "
	    "${code_names}");
	free(err);

	/* The caller may not pass what the table does not list. */
	putdir(dir, "en", "reminder.txt", "Subject: x\n\nok\n");
	out = template_mail(dir, "en", "reminder", bad, 1, &subj, &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, "${nope}");
	CHECK_STRSTR(err, "template_kinds.c");
	free(err);

	/* No subject line: the installed default's subject. */
	putdir(dir, "en", "reminder.txt", "just ${code_name}\n");
	out = template_mail(dir, "en", "reminder", v, 2, &subj, &err);
	CHECK_STREQ(out, "just quiet-otter\n");
	CHECK_STRSTR(subj, "Reminder");
	free(out);
	free(subj);
	free(err);

	/* ... and none there either: refused, naming the file. */
	out = template_mail(NULL, "en", "reminder", v, 2, &subj, &err);
	CHECK(out != NULL);
	free(out);
	free(subj);
	free(err);
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", defaults, 1);
	putdir(defaults, "en", "reminder.txt", "no subject\n");
	out = template_mail(NULL, "en", "reminder", v, 2, &subj, &err);
	CHECK(out == NULL && subj == NULL);
	CHECK_STRSTR(err, "defaults/en/reminder.txt:1: no \"Subject:");
	free(err);
}

/*
 * A snapshot renders what was checked: a file broken afterwards has no
 * effect, and a snapshot of the broken folder fails and keeps the old.
 */
static void
test_snapshot(void)
{
	struct template_var	 v[1] = { { "code_name", "quiet-otter" } };
	char			 sdir[PATH_MAX], *out, *subj, *err = NULL;

	snprintf(sdir, sizeof(sdir), "%s/snap", dir);
	mkdir(sdir, 0700);
	snprintf(defaults, sizeof(defaults), "%s/conf/templates",
	    top_srcdir());
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", defaults, 1);
	putdir(sdir, "en", "conflict-reminder.txt",
	    "Subject: S1\n\nfirst ${code_name}\n");
	CHECK(template_snapshot(sdir, &err) == 0);
	CHECK(err == NULL);
	putdir(sdir, "en", "conflict-reminder.txt", "Subject: S2\n\n${nope}\n");
	out = template_mail(sdir, "en", "conflict-reminder", v, 1, &subj, &err);
	CHECK_STREQ(subj, "S1");
	CHECK_STREQ(out, "first quiet-otter\n");
	free(out);
	free(subj);
	free(err);
	err = NULL;
	CHECK(template_snapshot(sdir, &err) == -1);
	CHECK_STRSTR(err, "snap/en/conflict-reminder.txt:3: unknown variable");
	free(err);
	err = NULL;
	out = template_mail(sdir, "en", "conflict-reminder", v, 1, &subj, &err);
	CHECK_STREQ(out, "first quiet-otter\n");
	free(out);
	free(subj);
	free(err);
	err = NULL;
	template_snapshot_drop();
	out = template_mail(sdir, "en", "conflict-reminder", v, 1, &subj, &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, "unknown variable ${nope}");
	free(err);
	err = NULL;

	/* A complete admin folder needs no installed defaults. */
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", "/nonexistent/templates", 1);
	CHECK(template_snapshot(defaults, &err) == 0);
	CHECK(err == NULL);
	free(err);
	template_snapshot_drop();
}

int
main(void)
{
	char	cmd[PATH_MAX + 16];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_cases();
	test_lookup();
	test_order();
	test_ack();
	test_kinds();
	test_kind_vars();
	test_snapshot();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return harness_done();
}

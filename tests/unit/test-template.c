/*
 * test-template: writes templates to a temporary folder and renders
 * them: substitution, $$, the lookup order (the admin's language folder,
 * the admin's top, the defaults' language folder, English), errors that
 * name the file and line, the size limit, a missing template naming
 * every place looked in, the kinds' variable lists (template_kinds.c)
 * and "Subject:" lines.  Then every kind must exist in the shipped
 * conf/templates/en, render with all of its variables and be documented
 * in conf/templates/README and conductd.conf(5); ack.txt must read well
 * with and without missing fields.  Last, every language folder must
 * hold exactly en's files, each strict UTF-8 and shaped like its English
 * one, and every kind of every language must render from its own folder
 * with all of its variables, use the ones English uses, keep the
 * command names members type, and survive composing as a mail.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compose.h"
#include "mime.h"
#include "template.h"
#include "template_kinds.h"
#include "xmalloc.h"
#include "harness.h"

static char	dir[] = "/tmp/test-template.XXXXXX";
static char	defaults[PATH_MAX];

#define TEMPLATE_NAME_LEN	80	/* "NAME.txt" and its NUL */

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
	char			 path_ko[PATH_MAX + 32];

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

	/*
	 * Every language is snapshot, not English alone: the admin's Korean
	 * file is rendered from the snapshot, and a broken one is refused.
	 */
	putdir(sdir, "en", "conflict-reminder.txt",
	    "Subject: S1\n\nfirst ${code_name}\n");
	putdir(sdir, "ko", "conflict-reminder.txt",
	    "Subject: K1\n\n${code_name} 알림\n");
	CHECK(template_snapshot(sdir, &err) == 0);
	CHECK(err == NULL);
	putdir(sdir, "ko", "conflict-reminder.txt", "Subject: K2\n\nchanged\n");
	out = template_mail(sdir, "ko", "conflict-reminder", v, 1, &subj, &err);
	CHECK_STREQ(subj, "K1");
	CHECK_STREQ(out, "quiet-otter 알림\n");
	free(out);
	free(subj);
	free(err);
	err = NULL;
	putdir(sdir, "ko", "conflict-reminder.txt", "Subject: K3\n\n${nope}\n");
	CHECK(template_snapshot(sdir, &err) == -1);
	CHECK_STRSTR(err, "snap/ko/conflict-reminder.txt:3: unknown variable");
	free(err);
	err = NULL;
	template_snapshot_drop();
	snprintf(path_ko, sizeof(path_ko), "%s/ko/conflict-reminder.txt", sdir);
	unlink(path_ko);

	/* A complete admin folder needs no installed defaults. */
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", "/nonexistent/templates", 1);
	CHECK(template_snapshot(defaults, &err) == 0);
	CHECK(err == NULL);
	free(err);
	template_snapshot_drop();
}

/* The shipped languages (conf/templates/LANG); en is the reference. */
static const char *const langs[] = { "en", "ko", "ja", "zh", "de", "es", "fr" };
#define NLANGS		(sizeof(langs) / sizeof(langs[0]))
#define MAXFILES	512

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The sorted *.txt names in folder path; returns how many (-1: none). */
static int
list_txt(const char *path, char names[][TEMPLATE_NAME_LEN])
{
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	int		 n = 0;

	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL && n < MAXFILES) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		CHECK(len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0 &&
		    len < TEMPLATE_NAME_LEN);
		if (len < TEMPLATE_NAME_LEN)
			snprintf(names[n++], TEMPLATE_NAME_LEN, "%s",
			    de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, TEMPLATE_NAME_LEN, name_cmp);
	return n;
}

/*
 * 1 if the len bytes at s are strict UTF-8: no overlong forms, no
 * surrogates, nothing past U+10FFFF.
 */
static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t		 i = 0, k, j;
	unsigned int	 cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			k = 1, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			k = 2, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			k = 3, cp = s[i] & 0x07;
		else
			return 0;
		for (j = 1; j <= k; j++) {
			if (i + j >= len || (s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += k + 1;
	}
	return 1;
}

/* The file's bytes (allocated, NUL-ended), or NULL; *len set. */
static char *
slurp(const char *path, size_t *len)
{
	static char	 data[256 * 1024 + 1];
	FILE		*f;
	char		*out;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	*len = fread(data, 1, sizeof(data) - 1, f);
	fclose(f);
	out = malloc(*len + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, data, *len);
	out[*len] = '\0';
	return out;
}

/* Line ends at the start (front) or end of s. */
static size_t
count_nl(const char *s, size_t len, int front)
{
	size_t	n = 0;

	if (front)
		while (n < len && s[n] == '\n')
			n++;
	else
		while (n < len && s[len - 1 - n] == '\n')
			n++;
	return n;
}

/*
 * One language's file against English's: strict UTF-8, no BOM, CR or
 * tab, the same line ends at both ends, the same leading space (a part
 * put right after a word) and a Subject: line exactly where English has
 * one.
 */
static void
check_lang_file(const char *lang, const char *name)
{
	char	 path[PATH_MAX], *t, *e;
	size_t	 tlen, elen;

	t = e = NULL;
	if (snprintf(path, sizeof(path), "%s/conf/templates/%s/%s",
	    top_srcdir(), lang, name) < (int)sizeof(path))
		t = slurp(path, &tlen);
	if (snprintf(path, sizeof(path), "%s/conf/templates/en/%s",
	    top_srcdir(), name) < (int)sizeof(path))
		e = slurp(path, &elen);
	CHECK(t != NULL && e != NULL);
	if (t != NULL && e != NULL) {
		if (!utf8_valid((unsigned char *)t, tlen))
			fprintf(stderr, "  %s/%s: not UTF-8\n", lang, name);
		CHECK(utf8_valid((unsigned char *)t, tlen));
		CHECK(strlen(t) == tlen);
		CHECK(strncmp(t, "\xef\xbb\xbf", 3) != 0);
		CHECK(strchr(t, '\r') == NULL && strchr(t, '\t') == NULL);
		if (count_nl(t, tlen, 0) != count_nl(e, elen, 0) ||
		    count_nl(t, tlen, 1) != count_nl(e, elen, 1) ||
		    (t[0] == ' ') != (e[0] == ' '))
			fprintf(stderr, "  %s/%s: its ends differ from en's\n",
			    lang, name);
		CHECK_INTEQ(count_nl(t, tlen, 0), count_nl(e, elen, 0));
		CHECK_INTEQ(count_nl(t, tlen, 1), count_nl(e, elen, 1));
		CHECK((t[0] == ' ') == (e[0] == ' '));
		CHECK((strncmp(t, "Subject: ", 9) == 0) ==
		    (strncmp(e, "Subject: ", 9) == 0));
	}
	free(t);
	free(e);
}

/* Makefile.am installs and ships LANG/NAME (a dist_templates_LANG_DATA). */
static void
check_installed(const char *am, const char *lang, const char *name)
{
	char	line[PATH_MAX], var[PATH_MAX];

	if (am == NULL || snprintf(line, sizeof(line),
	    "\tconf/templates/%s/%s", lang, name) >= (int)sizeof(line) ||
	    snprintf(var, sizeof(var), "\ndist_templates_%s_DATA = \\\n",
	    lang) >= (int)sizeof(var))
		return;
	if (strstr(am, line) == NULL)
		fprintf(stderr, "  Makefile.am lacks %s\n", line + 1);
	CHECK_STRSTR(am, line);
	CHECK_STRSTR(am, var);
}

/*
 * Every language folder there is (the seven shipped at least) holds
 * exactly the files of conf/templates/en, each checked against its
 * English one and installed by Makefile.am; and every kind of the table
 * has its file in en.
 */
static void
test_lang_files(void)
{
	static char	 en[MAXFILES][TEMPLATE_NAME_LEN];
	static char	 other[MAXFILES][TEMPLATE_NAME_LEN];
	char		 path[PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	char		*am;
	size_t		 i, amlen, found = 0;
	int		 nen, n, k;

	snprintf(path, sizeof(path), "%s/Makefile.am", top_srcdir());
	CHECK((am = slurp(path, &amlen)) != NULL);
	snprintf(path, sizeof(path), "%s/conf/templates/en", top_srcdir());
	nen = list_txt(path, en);
	CHECK_INTEQ(nen, (int)template_kinds_count());
	for (i = 0; i < NLANGS; i++) {
		snprintf(path, sizeof(path), "%s/conf/templates/%s",
		    top_srcdir(), langs[i]);
		CHECK((d = opendir(path)) != NULL);
		if (d != NULL)
			closedir(d);
	}
	snprintf(path, sizeof(path), "%s/conf/templates", top_srcdir());
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		found++;
		snprintf(path, sizeof(path), "%s/conf/templates/%s",
		    top_srcdir(), de->d_name);
		n = list_txt(path, other);
		if (n != nen)
			fprintf(stderr, "  %s has %d files, en %d\n",
			    de->d_name, n, nen);
		CHECK_INTEQ(n, nen);
		for (k = 0; k < n && k < nen; k++) {
			if (strcmp(other[k], en[k]) != 0)
				fprintf(stderr, "  %s/%s: en has %s\n",
				    de->d_name, other[k], en[k]);
			CHECK_STREQ(other[k], en[k]);
			check_lang_file(de->d_name, other[k]);
			check_installed(am, de->d_name, other[k]);
		}
	}
	closedir(d);
	free(am);
	CHECK(found >= NLANGS);
}

/* The variables that rendered into out or subj, as bits of k's list. */
static unsigned
used_vars(const struct template_kind *k, char vals[][80], const char *out,
    const char *subj)
{
	unsigned	bits = 0;
	size_t		n;

	for (n = 0; n < TEMPLATE_KINDS_MAXVARS && k->vars[n] != NULL; n++)
		if ((out != NULL && strstr(out, vals[n]) != NULL) ||
		    (subj != NULL && strstr(subj, vals[n]) != NULL))
			bits |= 1u << n;
	return bits;
}

/*
 * Every "#command" word of the English text (members type them) is in
 * the other language's text too.
 */
static void
check_commands(const char *lang, const char *kind, const char *en,
    const char *out)
{
	const char	*p = en;
	char		 word[40];
	size_t		 n;

	while (en != NULL && out != NULL && (p = strchr(p, '#')) != NULL) {
		n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz-");
		p++;
		if (n == 0 || n >= sizeof(word) - 1)
			continue;
		snprintf(word, sizeof(word), "#%.*s", (int)n, p);
		if (strstr(out, word) == NULL)
			fprintf(stderr, "  %s/%s lacks %s\n", lang, kind, word);
		CHECK_STRSTR(out, word);
	}
}

/* Lines without their end blanks, and no line ends at the end. */
static void
normalize(char *s)
{
	char	*r = s, *w = s, *mark = s;

	for (; *r != '\0'; r++) {
		if (*r == '\n')
			w = mark;
		*w++ = *r;
		if (*r != ' ')
			mark = w;
	}
	*w = '\0';
	while (w > s && (w[-1] == '\n' || w[-1] == ' '))
		*--w = '\0';
}

/*
 * A mail of this kind, composed as conductd sends it: every header and
 * body byte is 7-bit (RFC 2047 words, a UTF-8 text part in base64 or
 * quoted-printable), and it decodes to the subject and text it had.
 */
static void
check_encoded(const char *lang, const char *kind, const char *subj,
    const char *body)
{
	struct compose_mail	 m;
	struct mime_msg		*msg;
	char			 subject[1024], *raw, *want, *got, *err = NULL;
	size_t			 len, i, high = 0;

	memset(&m, 0, sizeof(m));
	snprintf(subject, sizeof(subject), "[CoC quiet-otter] %s", subj);
	m.from_name = "Example Conf CoC";
	m.from_addr = "conduct@example.test";
	m.to_addr = "reporter@example.test";
	m.subject = subject;
	m.message_id = "test.1@example.test";
	m.date = 1795000000;
	m.text = body;
	if ((raw = compose_message(&m, &len, &err)) == NULL) {
		fprintf(stderr, "  %s/%s: %s\n", lang, kind, err);
		CHECK(raw != NULL);
		free(err);
		return;
	}
	for (i = 0; i < len; i++)
		high += (unsigned char)raw[i] >= 0x80;
	CHECK_INTEQ(high, 0);
	CHECK_STRSTR(raw, "charset=\"utf-8\"");
	msg = mime_parse(raw, len, 0);
	CHECK_INTEQ(msg->warnings, 0);
	CHECK_STREQ(msg->subject, subject);
	want = xstrdup(body);
	got = xstrdup(msg->text);
	normalize(want);
	normalize(got);
	if (strcmp(want, got) != 0)
		fprintf(stderr, "  %s/%s: the text does not come back\n",
		    lang, kind);
	CHECK_STREQ(got, want);
	free(want);
	free(got);
	mime_msg_free(msg);
	free(raw);
}

/*
 * Renders kind k of lang from folder defaults (which holds lang alone,
 * so a missing file cannot fall back to English); NULL on error.
 */
static char *
render_lang(const char *defaults_dir, const char *lang,
    const struct template_kind *k, struct template_var *v, size_t n,
    char **subj)
{
	char	*out, *err = NULL;

	setenv("CONDUCTD_TEMPLATE_DEFAULTS", defaults_dir, 1);
	out = template_mail(NULL, lang, k->name, v, n, subj, &err);
	if (out == NULL)
		fprintf(stderr, "  %s/%s: %s\n", lang, k->name, err);
	CHECK(out != NULL && err == NULL);
	free(err);
	return out;
}

/* One kind of one language against English. */
static void
check_lang_kind(const char *ldir, const char *edir, const char *lang,
    const struct template_kind *k)
{
	struct template_var	 v[TEMPLATE_KINDS_MAXVARS];
	char			 vals[TEMPLATE_KINDS_MAXVARS][80];
	char			*out, *subj = NULL, *eout, *esubj = NULL;
	size_t			 n;

	for (n = 0; n < TEMPLATE_KINDS_MAXVARS && k->vars[n] != NULL; n++) {
		snprintf(vals[n], sizeof(vals[n]), "<<%s>>", k->vars[n]);
		v[n].name = k->vars[n];
		v[n].value = vals[n];
	}
	out = render_lang(ldir, lang, k, v, n, &subj);
	eout = render_lang(edir, "en", k, v, n, &esubj);
	CHECK(out == NULL || strstr(out, "${") == NULL);
	CHECK((subj != NULL) == ((k->flags & TEMPLATE_F_SUBJECT) != 0));
	CHECK(subj == NULL || (subj[0] != '\0' && strstr(subj, "${") == NULL));
	if (used_vars(k, vals, out, subj) != used_vars(k, vals, eout, esubj))
		fprintf(stderr, "  %s/%s does not use the variables en "
		    "uses\n", lang, k->name);
	CHECK(used_vars(k, vals, out, subj) ==
	    used_vars(k, vals, eout, esubj));
	check_commands(lang, k->name, eout, out);
	if (out != NULL && subj != NULL)
		check_encoded(lang, k->name, subj, out);
	free(out);
	free(subj);
	free(eout);
	free(esubj);
}

/*
 * Every kind of every language renders with every variable of its
 * kind, from its own folder alone, uses the variables English uses,
 * keeps the command names, and goes out as mail intact.
 */
static void
test_lang_render(void)
{
	char	 src[PATH_MAX], abs[PATH_MAX], ldir[PATH_MAX];
	char	 edir[PATH_MAX], link[PATH_MAX + 8];
	size_t	 i, j;

	snprintf(edir, sizeof(edir), "%s/lang-en", dir);
	for (i = 0; i < NLANGS; i++) {
		snprintf(src, sizeof(src), "%s/conf/templates/%s",
		    top_srcdir(), langs[i]);
		CHECK(realpath(src, abs) != NULL);
		snprintf(ldir, sizeof(ldir), "%s/lang-%s", dir, langs[i]);
		mkdir(ldir, 0700);
		snprintf(link, sizeof(link), "%s/%s", ldir, langs[i]);
		CHECK(symlink(abs, link) == 0);
	}
	for (i = 0; i < NLANGS; i++) {
		snprintf(ldir, sizeof(ldir), "%s/lang-%s", dir, langs[i]);
		for (j = 0; j < template_kinds_count(); j++)
			check_lang_kind(ldir, edir, langs[i],
			    template_kinds_get(j));
	}
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
	test_lang_files();
	test_lang_render();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return harness_done();
}

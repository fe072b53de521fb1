/*
 * test-template: writes templates to a temporary folder and renders
 * them: substitution, $$, the admin's folder winning, errors that name
 * the file and line, the size limit, and a missing template naming both
 * places looked in.  Then the shipped conf/templates/ack.txt must render
 * with the variables the daemon passes, with and without missing fields.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "template.h"
#include "harness.h"

static char	dir[] = "/tmp/test-template.XXXXXX";

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
	return template_render(dir, name, vars, NVARS, err);
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
test_lookup(void)
{
	char	*out, *err, big[70 * 1024];

	/* The admin's folder wins (whatever the defaults hold). */
	PUT("ack.txt", "custom ack for ${code_name}\n");
	out = render("ack", &err);
	CHECK_STREQ(out, "custom ack for quiet-otter\n");
	free(out);
	free(err);

	/* Missing everywhere: both places are named. */
	out = render("no-such-template", &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, dir);
	CHECK_STRSTR(err, template_default_dir());
	CHECK_STRSTR(err, "no-such-template.txt");
	free(err);

	/* No admin folder: only the defaults are named. */
	err = NULL;
	out = template_render(NULL, "no-such-template", vars, NVARS, &err);
	CHECK(out == NULL);
	CHECK_STRSTR(err, template_default_dir());
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

/* The shipped acknowledgment renders and reads well both ways. */
static void
test_ack(void)
{
	struct template_var	 v[NVARS];
	const char		*top;
	char			 tdir[PATH_MAX], *out, *err = NULL;

	if ((top = getenv("top_srcdir")) == NULL)
		top = "..";
	snprintf(tdir, sizeof(tdir), "%s/conf/templates", top);
	memcpy(v, vars, sizeof(v));

	out = template_render(tdir, "ack", v, NVARS, &err);
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
	out = template_render(tdir, "ack", v, NVARS, &err);
	CHECK(err == NULL);
	CHECK_STRSTR(out, "\n\nA few details seem to be missing.");
	CHECK_STRSTR(out, "- where it happened\n\nYou can reply");
	CHECK(out == NULL || strstr(out, "\n\n\n") == NULL);
	free(out);
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
	test_ack();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return harness_done();
}

/*
 * test-replylang: the language of the reporter's mail, over the
 * installed template sets (conf/templates): a confident guess with a set
 * is used; an unsure one with a set gives both, guess first; an unsure
 * guess of the committee's own language, no guess, or a language with no
 * set give the committee's language alone, whatever that is; an admin's
 * folder adds a language.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "config.h"
#include "lang.h"
#include "replylang.h"

static const struct {
	const char	*committee;
	const char	*guess;
	int		 confidence;
	const char	*lang;		/* expected */
	const char	*second;	/* expected; NULL: one language */
	const char	*single;	/* replylang_single */
} cases[] = {
	{ "en", "ko", 98, "ko", NULL, "ko" },		/* confident ko */
	{ "en", "ko", LANG_CONFIDENT, "ko", NULL, "ko" },
	{ "en", "ko", LANG_CONFIDENT - 1, "ko", "en", "en" }, /* unsure */
	{ "en", "ja", 20, "ja", "en", "en" },
	{ "en", "en", 20, "en", NULL, "en" },		/* unsure, the same */
	{ "en", "en", 95, "en", NULL, "en" },
	{ "en", "xx", 95, "en", NULL, "en" },		/* no set for xx */
	{ "en", "pt", 90, "en", NULL, "en" },		/* guessable, no set */
	{ "en", "", 0, "en", NULL, "en" },		/* no guess */
	{ "en", NULL, -1, "en", NULL, "en" },
	{ "en", "../en", 99, "en", NULL, "en" },	/* not a code */
	{ "de", "", 0, "de", NULL, "de" },		/* committee de */
	{ "de", "xx", 99, "de", NULL, "de" },
	{ "de", "ko", 97, "ko", NULL, "ko" },
	{ "de", "fr", 30, "fr", "de", "de" },
	{ "de", "de", 10, "de", NULL, "de" },
	{ "ko", "en", 30, "en", "ko", "ko" },		/* committee ko */
	{ "ko", "en", 90, "en", NULL, "en" },
};

static void
test_cases(void)
{
	struct config		conf;
	struct replylang	rl;
	size_t			i;

	memset(&conf, 0, sizeof(conf));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "case %zu: committee %s, guess %s %d\n", i,
		    cases[i].committee, cases[i].guess != NULL ?
		    cases[i].guess : "(none)", cases[i].confidence);
		conf.language = (char *)cases[i].committee;
		replylang_choose(&conf, cases[i].guess, cases[i].confidence,
		    &rl);
		CHECK_STREQ(rl.lang, cases[i].lang);
		if (cases[i].second == NULL)
			CHECK(rl.second == NULL);
		else
			CHECK(rl.second != NULL &&
			    strcmp(rl.second, cases[i].second) == 0);
		CHECK_STREQ(replylang_single(&conf, cases[i].guess,
		    cases[i].confidence), cases[i].single);
	}
}

/* An admin's folder for a language the defaults lack makes it a set. */
static void
test_admin_set(void)
{
	char			dir[] = "/tmp/test-replylang.XXXXXX";
	char			sub[600];
	struct config		conf;
	struct replylang	rl;

	if (mkdtemp(dir) == NULL) {
		CHECK(0);
		return;
	}
	memset(&conf, 0, sizeof(conf));
	conf.language = (char *)"en";
	conf.templates = dir;
	replylang_choose(&conf, "pt", 95, &rl);
	CHECK_STREQ(rl.lang, "en");
	snprintf(sub, sizeof(sub), "%s/pt", dir);
	CHECK(mkdir(sub, 0700) == 0);
	replylang_choose(&conf, "pt", 95, &rl);
	CHECK_STREQ(rl.lang, "pt");
	CHECK(rl.second == NULL);
	rmdir(sub);
	rmdir(dir);
}

int
main(void)
{
	const char	*top = getenv("top_srcdir");
	char		 defaults[600];

	snprintf(defaults, sizeof(defaults), "%s/conf/templates",
	    top != NULL ? top : "..");
	setenv("CONDUCTD_TEMPLATE_DEFAULTS", defaults, 1);
	test_cases();
	test_admin_set();
	return harness_done();
}

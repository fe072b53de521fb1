/*
 * test-codename: checks the word lists through the public calls only.
 * 10,000 draws see every word of both lists (the odds of missing one
 * are below 1e-10), so the words seen are the lists: their number must
 * match codename_nwords() (a duplicate would show as fewer), each must
 * be plain a-z and none may be a banned word.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "codename.h"
#include "crypto.h"
#include "xmalloc.h"

#define NDRAWS		10000
#define MAXWORDS	1024

/* Words that must never be half of a code name, whoever adds words. */
static const char *const banned[] = {
	"black", "white", "brown", "yellow", "red", "crazy", "insane",
	"mad", "psycho", "nuts", "loon", "cuckoo", "dumb", "stupid",
	"idiot", "moron", "lame", "master", "slave", "kill", "dead",
	"blood", "gun", "bomb", "war", "sex", "nude", "naked", "fat",
	"ugly", "gay", "queer", "god", "devil", "hell", "cock", "tit",
	"booby", "shag", "butt", "ass", "beaver", "badger", "otter",
	"crow", "turkey", "chicken", "dodo", "thrush", "hornbill",
	"virgin", "mistress", "weed", "dope", "copse", "rainbow", "cotton",
	"saffron", "porcelain"
};

/* Never inside a word either. */
static const char *const banned_parts[] = {
	"kill", "dead", "slave", "sex", "porn", "shit", "cock", "nazi"
};

static char	names[NDRAWS][CODENAME_MAX];
static char	*seen[2][MAXWORDS];
static size_t	nseen[2];

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
see(int which, const char *w, size_t len)
{
	size_t	i;

	for (i = 0; i < nseen[which]; i++)
		if (strlen(seen[which][i]) == len &&
		    strncmp(seen[which][i], w, len) == 0)
			return;
	if (nseen[which] < MAXWORDS)
		seen[which][nseen[which]++] = xstrndup(w, len);
}

static void
test_draws(void)
{
	char	*p[NDRAWS], *dash;
	size_t	 i, distinct;

	for (i = 0; i < NDRAWS; i++) {
		codename_new(names[i], sizeof(names[i]));
		p[i] = names[i];
		CHECK(codename_valid(names[i]));
		dash = strchr(names[i], '-');
		CHECK(dash != NULL && strchr(dash + 1, '-') == NULL);
		if (dash == NULL)
			continue;
		see(0, names[i], (size_t)(dash - names[i]));
		see(1, dash + 1, strlen(dash + 1));
	}
	qsort(p, NDRAWS, sizeof(p[0]), cmp_str);
	for (i = distinct = 1; i < NDRAWS; i++)
		distinct += strcmp(p[i - 1], p[i]) != 0;
	printf("%zu distinct names in %d draws\n", distinct, NDRAWS);
	CHECK(distinct > 9000);
}

static void
check_word(const char *w)
{
	size_t	i;

	CHECK(w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz") ==
	    strlen(w));
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strcmp(w, banned[i]) == 0)
			CHECK_STREQ(w, "(not banned)");
	for (i = 0; i < sizeof(banned_parts) / sizeof(banned_parts[0]); i++)
		if (strstr(w, banned_parts[i]) != NULL)
			CHECK_STREQ(w, "(not banned)");
}

static void
test_lists(void)
{
	size_t	i;
	int	which;

	CHECK(codename_nwords(0) >= 150);
	CHECK(codename_nwords(1) >= 150);
	CHECK_INTEQ(codename_nwords(2), 0);
	CHECK_INTEQ(codename_nwords(-1), 0);
	for (which = 0; which < 2; which++) {
		/* All seen, none twice: the list has no duplicates. */
		CHECK_INTEQ(nseen[which], codename_nwords(which));
		for (i = 0; i < nseen[which]; i++)
			check_word(seen[which][i]);
	}
}

/* A banned word is not a list word either, in either half. */
static void
test_banned_invalid(void)
{
	char	buf[CODENAME_MAX * 2];
	size_t	i;

	CHECK(nseen[0] > 0 && nseen[1] > 0);
	if (nseen[0] == 0 || nseen[1] == 0)
		return;
	for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
		snprintf(buf, sizeof(buf), "%s-%s", banned[i], seen[1][0]);
		CHECK(!codename_valid(buf));
		snprintf(buf, sizeof(buf), "%s-%s", seen[0][0], banned[i]);
		CHECK(!codename_valid(buf));
	}
}

static void
test_valid(void)
{
	static const char *const bad[] = {
		"foo-bar", "amber", "amber-", "-heron", "-", "", "Amber-heron",
		"amber-Heron", "AMBER-HERON", "amber-heron-oak", "amber--heron",
		"amber heron", "amber_heron", " amber-heron", "amber-heron ",
		"heron-amber", "amber-herons", "ambe-heron", "amber-heron-",
		"amber-heron-1", "amber-heron-0", "amber-heron-07",
		"amber-heron-10000", "amber-heron-2a", "amber-heron-2-3",
		"amber-heron--2", "amber-heron-+2", "amber-heron-oak-2"
	};
	char	buf[CODENAME_MAX];
	size_t	i;

	CHECK(codename_valid("amber-heron"));
	CHECK(codename_valid("misty-granite"));
	CHECK(codename_valid("amber-heron-2"));
	CHECK(codename_valid("amber-heron-9999"));
	for (i = 0; i < 2000; i++) {
		codename_new_numbered(buf, sizeof(buf), i % 2 ? 99 : 9999);
		if (!codename_valid(buf))
			fprintf(stderr, "drawn, not valid: \"%s\"\n", buf);
		CHECK(codename_valid(buf));
	}
	CHECK(!codename_valid(NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (codename_valid(bad[i]))
			fprintf(stderr, "valid: \"%s\"\n", bad[i]);
		CHECK(!codename_valid(bad[i]));
	}
}

/* A small buffer gets a cut, terminated name, never an overflow. */
static void
test_small(void)
{
	char	buf[6];

	memset(buf, 'x', sizeof(buf));
	codename_new(buf, sizeof(buf));
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
}

int
main(void)
{
	size_t	i;
	int	which;

	crypto_init();
	test_draws();
	test_lists();
	test_banned_invalid();
	test_valid();
	test_small();
	for (which = 0; which < 2; which++)
		for (i = 0; i < nseen[which]; i++)
			free(seen[which][i]);
	return harness_done();
}

/*
 * test-recusal_match: the matcher (recusal_match.c) behind recusal_check()
 * must decide exactly as the reference scan it replaced (every phrase and
 * every name at every byte, recusal_check_ref()).  The table is every
 * fixture under tests/data (raw, and decoded as mime_parse() gives it),
 * the same with exclusion phrases and names written in, and seeded
 * mutations of each (case, separators, cut bytes), checked against a
 * committee with plain, two-word, non-ASCII, apostrophe and hyphenated
 * names, whole and one member at a time.  Then the matcher alone: its
 * hits, folding and anchors.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "config.h"
#include "mime.h"
#include "recusal.h"
#include "recusal_match.h"
#include "recusal_priv.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static char *e_alice[] = { "alice@example.test", "alice.home@example.net" };
static char *e_bob[] = { "bob@example.test" };
static char *e_carol[] = { "cwhite@example.test" };
static char *e_dave[] = { "dave@example.test", "" };
static char *e_minsu[] = { "minsu@example.test" };
static char *e_ann[] = { "ann.lee@example.org" };
static char *e_elodie[] = { "elo@example.test" };
static char *e_yulia[] = { "yulia@example.test" };
static char *e_obrien[] = { "\xc3\xa9ire@example.test" };	/* éire@ */
static char *e_tash[] = { "tash@example.test" };
static char *e_jl[] = { "jl@example.test" };
static char *e_sofia[] = { "sofia@example.test" };
static char *e_tanaka[] = { "tanaka@example.jp" };

static const struct member members[] = {
	{ "Alice", e_alice, 2, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Bob", e_bob, 1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Carol", e_carol, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Dave", e_dave, 2, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98",		/* 김민수 */
	    e_minsu, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Ann Lee", e_ann, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "\xc3\x89lodie", e_elodie, 1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },	/* Élodie */
	{ "\xd0\xae\xd0\xbb\xd0\xb8\xd1\x8f",			/* Юлия */
	    e_yulia, 1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Sean O'Brien", e_obrien, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "'Tash", e_tash, 1, ROLE_BACKUP, 1, 2, 3, NULL, 0, NULL, 0 },	/* no anchor */
	{ "Jean-Luc Picard", e_jl, 1, ROLE_BACKUP, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "\xce\xa3\xce\xbf\xcf\x86\xce\xaf\xce\xb1",		/* Σοφία */
	    e_sofia, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "\xe7\x94\xb0\xe4\xb8\xad", e_tanaka, 1, ROLE_MEMBER, 1, 2, 3, NULL, 0, NULL, 0 }
};
#define NM	nitems(members)

/* Written into the texts: every phrase shape and every name's forms. */
static const char *const inserts[] = {
	"Please do not share this with Bob and Carol.",
	"Don\xe2\x80\x99t tell ALICE or dave@example.test!",
	"keep Jean-Luc Picard out of it, and Lee, Ann too",
	"Ann  Lee should not see this\n\nthanks",
	"Exclude: \xc3\x89LODIE, \xd0\xae\xd0\x9b\xd0\x98\xd0\xaf.",
	"\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98\xec\x97\x90\xea\xb2\x8c "
	    "\xec\x95\x8c\xeb\xa6\xac\xec\xa7\x80 \xeb\xa7\x90\xec\x95\x84 "
	    "\xec\xa3\xbc\xec\x84\xb8\xec\x9a\x94",	/* 김민수에게 알리지 말아 */
	"\xe7\x94\xb0\xe4\xb8\xad\xe3\x81\xab\xe3\x81\xaf\xe4\xbc\x9d\xe3"
	    "\x81\x88\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xa7",	/* 田中には伝えないで */
	"not to be seen by sean o\xe2\x80\x98" "brien or "
	    "\xc3\x89IRE@EXAMPLE.TEST",
	"without involving \xcf\x83\xce\xbf\xcf\x86\xce\xaf\xce\xb1 "
	    "(\xce\xa3\xce\x9f\xce\xa6\xce\x8a\xce\x91)",
	"Tash and tash@example.test. Mr. Bob must not see it",
	"Hi Alice,\nDave was there; ann.lee@example.org.evil was not.",
	"keep\r\n Bob\r\n away from\r\n this: Carol,\r\n Erin",
};

static int	ncompared;

static uint32_t
lcg(uint32_t *st)
{
	*st = *st * 1103515245u + 12345u;
	return *st >> 8;
}

/* Old and new agree, the whole committee and each member alone. */
static void
compare(const char *text, int alone)
{
	static const char *const reporters[] = {
	    NULL, "Bob <bob@example.test>" };
	const char		*reporteds[] = { NULL, "Dave Kim", text };
	enum recusal_reason	got[NM], want[NM];
	size_t			r, p, k;

	for (r = 0; r < nitems(reporters); r++)
		for (p = 0; p < nitems(reporteds); p++) {
			/* The text as the reported-person field too. */
			recusal_check(members, NM, reporters[r], reporteds[p],
			    text, got);
			recusal_check_ref(members, NM, reporters[r],
			    reporteds[p], text, want);
			ncompared++;
			if (memcmp(got, want, sizeof(got)) != 0) {
				fprintf(stderr, "differs on: \"%.200s\"\n",
				    text);
				CHECK(0);
				return;
			}
		}
	if (!alone)
		return;
	for (k = 0; k < NM; k++) {
		recusal_check(&members[k], 1, NULL, NULL, text, got);
		recusal_check_ref(&members[k], 1, NULL, NULL, text, want);
		ncompared++;
		if (got[0] != want[0]) {
			fprintf(stderr, "member %zu differs on: \"%.200s\"\n",
			    k, text);
			CHECK(0);
			return;
		}
	}
}

/* A copy of s changed at a few seeded places. */
static char *
mutate(const char *s, size_t len, uint32_t seed)
{
	static const char *const seps[] = { " ", "  ", "-", "\n", "\r\n ",
	    "\xc2\xa0", "\xe3\x80\x80", "'", "\xe2\x80\x99", ".", "" };
	char		*out;
	size_t		 n = 0, i, k, cap = len * 2 + 64, edits;
	uint32_t	 st = seed;

	out = malloc(cap + 1);
	edits = 1 + lcg(&st) % 8;
	for (i = 0; i < len && n + 8 < cap; i++) {
		k = len > 0 ? lcg(&st) % (len + 1) : 0;
		if (k < edits * 2 && lcg(&st) % 2) {
			const char *sep = seps[lcg(&st) % nitems(seps)];

			memcpy(out + n, sep, strlen(sep));
			n += strlen(sep);
			if (lcg(&st) % 2)
				continue;	/* replaces the byte */
		}
		if (k < edits * 8 && s[i] >= 'a' && s[i] <= 'z')
			out[n++] = s[i] - 'a' + 'A';
		else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return out;
}

static void
compare_all(const char *text, uint32_t seed)
{
	char	*with, *m;
	size_t	 i, len = strlen(text);
	int	 k;

	compare(text, 1);
	for (i = 0; i < nitems(inserts); i++) {
		with = malloc(len + strlen(inserts[i]) * 2 + 8);
		/* In the middle and at the end. */
		snprintf(with, len + strlen(inserts[i]) * 2 + 8, "%.*s %s %s%s",
		    (int)(len / 2), text, inserts[i], text + len / 2,
		    inserts[i]);
		compare(with, i == 0);
		for (k = 0; k < 1 && (i + seed) % 2 == 0; k++) {
			m = mutate(with, strlen(with), seed + 977 * i + k);
			compare(m, 0);
			free(m);
		}
		free(with);
	}
}

static void
fixture(const char *path, uint32_t seed)
{
	struct mime_msg	*msg;
	char		*raw;
	size_t		 len;

	if ((raw = harness_slurp(path, &len)) == NULL)
		return;
	compare_all(raw, seed);
	msg = mime_parse(raw, len, 0);
	compare_all(msg->text, seed + 1);
	mime_msg_free(msg);
	free(raw);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .eml and .txt under dir, in name order (a stable seed each). */
static int
fixture_dir(const char *dir, uint32_t *seed)
{
	char		 path[2048], *names[1024], *dot;
	struct dirent	*de;
	DIR		*d;
	int		 n = 0, i, total = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < 1024) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		dot = strrchr(de->d_name, '.');
		if (dot != NULL && (strcmp(dot, ".eml") == 0 ||
		    strcmp(dot, ".txt") == 0))
			names[n++] = strdup(path);
		else if (dot == NULL)
			total += fixture_dir(path, seed);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		fixture(names[i], (*seed += 7919));
		free(names[i]);
	}
	return total + n;
}

static void
test_fixtures(void)
{
	const char	*top = getenv("top_srcdir");
	char		 dir[1024];
	uint32_t	 seed = 1;
	int		 n;

	snprintf(dir, sizeof(dir), "%s/tests/data", top != NULL ? top : "..");
	n = fixture_dir(dir, &seed);
	printf("%d fixtures, %d comparisons\n", n, ncompared);
	CHECK(n >= 300);
}

/* Texts built only of inserts, names and separators, seeded. */
static void
test_generated(void)
{
	char		 buf[4096];
	size_t		 n, i;
	uint32_t	 st = 42;
	int		 round;

	for (round = 0; round < 2000; round++) {
		/* Every third text opens with a greeting line. */
		n = round % 3 ? 0 : (size_t)snprintf(buf, sizeof(buf),
		    "%s %s,\n", round % 2 ? "Hi" : "Dear",
		    members[lcg(&st) % NM].name);
		for (i = 0; i < 1 + lcg(&st) % 6 && n < 3000; i++) {
			const char *s = inserts[lcg(&st) % nitems(inserts)];
			const char *nm = members[lcg(&st) % NM].name;

			n += snprintf(buf + n, sizeof(buf) - n, "%s %s%s",
			    lcg(&st) % 2 ? s : nm, lcg(&st) % 2 ? nm : "",
			    lcg(&st) % 3 ? " " : "\n");
		}
		buf[n] = '\0';
		{
			char *m = mutate(buf, n, round);

			compare(m, round % 10 == 0);
			free(m);
		}
	}
}

/* The matcher alone: starts and ids, folding that keeps offsets. */
static void
test_matcher(void)
{
	struct recusal_match	*m;
	struct recusal_hit	*h;
	char			 f[64];
	const char		*t = "Do NOT tell \xc3\x89LODIE; don't.";
	size_t			 n;

	m = recusal_match_new();
	CHECK_INTEQ(recusal_match_add(m, "do not tell", 11,
	    RECUSAL_MATCH_PATTERN, 1), 1);
	CHECK_INTEQ(recusal_match_add(m, "don't", 5, RECUSAL_MATCH_PATTERN,
	    2), 1);
	CHECK_INTEQ(recusal_match_add(m, "\xc3\xa9lodie", 7,
	    RECUSAL_MATCH_PATTERN, 3), 1);
	CHECK_INTEQ(recusal_match_add(m, "'x", 2, RECUSAL_MATCH_PATTERN, 4),
	    0);
	CHECK_INTEQ(recusal_match_add(m, "\xc3\xa9ire@x", 8,
	    RECUSAL_MATCH_LITERAL, 5), 0);
	recusal_match_fold(t, strlen(t), f);
	CHECK(memcmp(f, "do not tell \xc3\xa9lodie; don't.", strlen(t)) == 0);
	n = recusal_match_scan(m, f, strlen(t), &h);
	/* "do" at 0 and at 21 ("don"); the name at 12; "don" at 21. */
	CHECK_INTEQ(n, 4);
	if (n == 4) {
		CHECK_INTEQ(h[0].start, 0);
		CHECK_INTEQ(h[0].id, 1);
		CHECK_INTEQ(h[1].start, 12);
		CHECK_INTEQ(h[1].id, 3);
		CHECK_INTEQ(h[2].start, 21);
		CHECK_INTEQ(h[2].id, 1);
		CHECK_INTEQ(h[3].start, 21);
		CHECK_INTEQ(h[3].id, 2);
	}
	free(h);
	recusal_match_free(m);
	CHECK_INTEQ(recusal_match_cp_fold(0x3a3), 0x3c3);	/* Σ σ */
	CHECK_INTEQ(recusal_match_cp_fold(0x401), 0x451);	/* Ё ё */
	CHECK_INTEQ(recusal_match_cp_fold(0xd7), 0xd7);		/* × */
}

/*
 * The compiled members are kept while they stay the same: the same array
 * changed in place (a name, an address) is compiled again.
 */
static void
test_set_cache(void)
{
	static char	*emails[] = { "bob@example.test" };
	struct member	 m[2] = {
		{ "Bob", emails, 1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },
		{ "Carol", e_carol, 1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 }
	};
	enum recusal_reason	r[2];

	recusal_check(m, 2, NULL, NULL, "Bob and rob@example.test.", r);
	CHECK_INTEQ(r[0], RECUSAL_MENTIONED);
	m[0].name = "Rob";
	recusal_check(m, 2, NULL, NULL, "Bob was there.", r);
	CHECK_INTEQ(r[0], RECUSAL_NONE);
	recusal_check(m, 2, NULL, NULL, "Rob was there.", r);
	CHECK_INTEQ(r[0], RECUSAL_MENTIONED);
	emails[0] = "rob@example.test";
	m[0].name = "Someone";
	recusal_check(m, 2, NULL, NULL, "Ask bob@example.test.", r);
	CHECK_INTEQ(r[0], RECUSAL_NONE);
	recusal_check(m, 2, NULL, NULL, "Ask rob@example.test.", r);
	CHECK_INTEQ(r[0], RECUSAL_MENTIONED);
	m[1].nemails = 0;
	recusal_check(m, 2, NULL, NULL, "Ask cwhite@example.test.", r);
	CHECK_INTEQ(r[1], RECUSAL_NONE);
}

int
main(void)
{
	test_matcher();
	test_set_cache();
	test_generated();
	test_fixtures();
	return harness_done();
}

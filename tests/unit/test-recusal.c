/*
 * test-recusal: a committee of seven (five with plain names, one Korean
 * name, one two-word name) and tables of reports.  Each case of
 * recusal_check() gives the expected reasons as one letter per member,
 * in committee order: '-' none, 'R' reporter, 'P' reported person, 'E'
 * excluded by request, 'M' mentioned anywhere else in the report, so a
 * failure prints the whole verdict.  A second
 * table covers recusal_names_member() alone, and the end checks NULL
 * inputs and inputs past the scanning cap.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "config.h"
#include "recusal.h"
#include "recusal_priv.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define ALICE	0
#define BOB	1
#define CAROL	2
#define DAVE	3
#define ERIN	4
#define MINSU	5
#define MARYANN	6
#define NMEMBERS 7

static char *alice_emails[] = {
	"alice@example.test", "alice.home@example.net"
};
static char *bob_emails[] = { "bob@example.test" };
static char *carol_emails[] = { "cwhite@example.test" };
static char *dave_emails[] = { "dave@example.test" };
static char *erin_emails[] = { "backup@example.test" };
static char *minsu_emails[] = { "minsu@example.test" };
static char *maryann_emails[] = { "maryann@example.test" };

static const struct member committee[NMEMBERS] = {
	{ "Alice", alice_emails, 2, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 },
	{ "Bob", bob_emails, 1, ROLE_LEAD, 5, 6, 7, NULL, 0, NULL, 0 },
	{ "Carol", carol_emails, 1, ROLE_MEMBER, 9, 10, 11, NULL, 0, NULL, 0 },
	{ "Dave", dave_emails, 1, ROLE_MEMBER, 13, 14, 15, NULL, 0, NULL, 0 },
	{ "Erin", erin_emails, 1, ROLE_BACKUP, 17, 18, 19, NULL, 0, NULL, 0 },
	{ "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98",		/* 김민수 */
	    minsu_emails, 1, ROLE_MEMBER, 21, 22, 23, NULL, 0, NULL, 0 },
	{ "Mary Ann", maryann_emails, 1, ROLE_MEMBER, 25, 26, 27, NULL, 0, NULL, 0 }
};

struct check_case {
	const char	*reporter;
	const char	*reported;
	const char	*text;
	const char	*want;	/* A B C D E 김 M */
};

static const struct check_case check_cases[] = {
	/* Nothing at all. */
	{ NULL, NULL, NULL, "-------" },
	{ "", "", "", "-------" },
	{ "stranger@example.org", "someone", "It happened.", "-------" },

	/* The reporter, by any address, in any case. */
	{ "alice@example.test", NULL, NULL, "R------" },
	{ "ALICE.HOME@Example.NET", NULL, NULL, "R------" },
	{ "Bob <BOB@example.test>", NULL, NULL, "-R-----" },
	{ " cwhite@example.test ", NULL, NULL, "--R----" },
	{ "alice@example.test.evil", NULL, NULL, "-------" },
	{ "xalice@example.test", NULL, NULL, "-------" },

	/* The reported person: name, address, both, free text. */
	{ NULL, "Bob", NULL, "-P-----" },
	{ NULL, "Bob Smith <bob@example.org>", NULL, "-P-----" },
	{ NULL, "the speaker with the green lanyard, bob", NULL, "-P-----" },
	{ NULL, "\xeb\xb0\xa5 (Bob)", NULL, "-P-----" },	/* 밥 (Bob) */
	{ NULL, "dave@example.test", NULL, "---P---" },
	{ NULL, "Someone <BACKUP@example.test>", NULL, "----P--" },
	{ NULL, "Bobby", NULL, "-------" },
	{ NULL, "Carolina from the venue", NULL, "-------" },
	{ NULL, "cwhite on Discord", NULL, "-------" },	/* local part */
	{ NULL, "Mary Ann", NULL, "------P" },
	{ NULL, "mary-ann (organizer)", NULL, "------P" },
	{ NULL, "Mary from registration", NULL, "-------" },
	{ NULL, "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98\xeb\x8b\x98", NULL,
	    "-----P-" },					/* 김민수님 */
	{ NULL, "Bob and Dave", NULL, "-P-P---" },

	/* Named in the description only: not recused. */
	{ NULL, "Bob", "Carol and Alice saw Bob shout at me. Dave was out.",
	    "MPMM---" },
	{ NULL, NULL, "I felt excluded by Alice at the sprint.", "M------" },
	{ NULL, NULL, "Alice left without Bob.", "MM-----" },

	/* Exclusion requests. */
	{ NULL, NULL, "Please do NOT share this with Dave.", "---E---" },
	{ NULL, NULL, "exclude: carol, dave", "--EE---" },
	{ NULL, NULL, "EXCLUDE: ERIN", "----E--" },
	{ NULL, NULL, "Keep Erin out of this, please.", "----E--" },
	{ NULL, NULL, "Don\xe2\x80\x99t tell Bob.", "-E-----" },
	{ NULL, NULL, "dont share with alice", "E------" },
	{ NULL, NULL, "Please don't share this report with Mary Ann or "
	    "dave@example.test.", "---E--E" },
	{ NULL, NULL, "Do not involve Carol.", "--E----" },
	{ NULL, NULL, "It should not be shared with Erin", "----E--" },
	{ NULL, NULL, "Dave should not see this.", "---E---" },
	{ NULL, NULL, "This is not to be seen by alice.", "E------" },
	{ NULL, NULL, "Please handle it without involving Bob.", "-E-----" },
	{ NULL, NULL, "Please exclude Bobby and Carolina.", "-------" },
	{ NULL, NULL, "Do not share with Frank.", "-------" },
	{ NULL, NULL, "Do not tell Mr. Bob or Dr. Carol.", "-EE----" },
	{ NULL, NULL, "Do not share with Frank. Carol saw it.", "--M----" },
	{ NULL, NULL, "Don't tell Dave. Alice was there.", "M--E---" },
	{ NULL, NULL, "exclude: carol\nThe talk was Alice's.", "M-E----" },
	{ NULL, NULL, "Please do not share this report with\nErin or Dave.",
	    "---EE--" },
	{ NULL, NULL, "I would be grateful if the committee did not share "
	    "this with Bob\nor Carol, thank you.", "-EE----" },
	{ NULL, NULL, "Please do not tell Bob,\nCarol.", "-EE----" },
	{ NULL, NULL, "The report.\n\nExclude:\n  Dave\n\nThanks",
	    "---E---" },

	/* Korean and Japanese. */
	{ NULL, NULL, "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98 \xec\xa0\x9c"
	    "\xec\x99\xb8", "-----E-" },		/* 김민수 제외 */
	{ NULL, NULL, "\xec\xa0\x9c\xec\x99\xb8: \xea\xb9\x80\xeb\xaf\xbc"
	    "\xec\x88\x98, Dave", "---E-E-" },		/* 제외: 김민수 */
	{ NULL, NULL, "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98\xec\x97\x90"
	    "\xea\xb2\x8c \xea\xb3\xb5\xec\x9c\xa0\xed\x95\x98\xec\xa7\x80 "
	    "\xeb\xa7\x90\xec\x95\x84 \xec\xa3\xbc\xec\x84\xb8\xec\x9a\x94.",
	    "-----E-" },		/* 김민수에게 공유하지 말아 주세요. */
	{ NULL, NULL, "Bob\xec\x97\x90\xea\xb2\x8c \xec\x95\x8c\xeb\xa6\xac"
	    "\xec\xa7\x80 \xeb\xa7\x88\xec\x84\xb8\xec\x9a\x94",
	    "-E-----" },			/* Bob에게 알리지 마세요 */
	{ NULL, NULL, "\xe3\x83\x87\xe3\x82\xa4\xe3\x83\x96\xe3\x81\xab"
	    "\xe3\x81\xaf\xe4\xbc\x9d\xe3\x81\x88\xe3\x81\xaa\xe3\x81\x84"
	    "\xe3\x81\xa7", "-------" },	/* デイブには伝えないで */
	{ NULL, NULL, "Dave\xe3\x81\xab\xe3\x81\xaf\xe4\xbc\x9d\xe3\x81\x88"
	    "\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xa7", "---E---" },
						/* Daveには伝えないで */
	{ NULL, NULL, "\xe9\x99\xa4\xe5\xa4\x96: Carol", "--E----" },
						/* 除外: Carol */
	{ NULL, NULL, "Erin\xe3\x81\xab\xe3\x81\xaf\xe8\xa6\x8b\xe3\x81\x9b"
	    "\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xa7\xe3\x80\x82" "Bob\xe3\x81\xaf"
	    "\xe3\x81\x84\xe3\x81\x9f", "-M--E--" },
					/* Erinには見せないで。Bobはいた */

	/* Precedence: reporter, then reported, then excluded. */
	{ "alice@example.test", "Alice", "Don't tell Alice.", "R------" },
	{ NULL, "Bob", "Do not share with Bob or Carol.", "-PE----" },
	{ "dave@example.test", "Erin", "exclude Dave, Erin, Carol",
	    "--ERP--" },
};

struct names_case {
	const char	*text;
	int		 member;
	int		 want;
};

static const struct names_case names_cases[] = {
	{ "Bob", BOB, 1 },
	{ "bob_smith", BOB, 1 },
	{ "Bob\xeb\x8b\x98", BOB, 1 },		/* Bob님 */
	{ "Bobby", BOB, 0 },
	{ "2bob", BOB, 0 },
	{ "bob2", BOB, 0 },
	{ "Carolina", CAROL, 0 },
	{ "CWHITE@EXAMPLE.TEST", CAROL, 1 },
	{ "<cwhite@example.test>", CAROL, 1 },
	{ "mailto:cwhite@example.test.", CAROL, 1 },
	{ "cwhite@example.test.evil", CAROL, 0 },
	{ "cwhite@example.test2", CAROL, 0 },
	{ "x.cwhite@example.test", CAROL, 0 },
	{ "cwhite", CAROL, 0 },
	/* Another domain, but "alice" is a whole word: her name. */
	{ "alice.home@example.net.evil", ALICE, 1 },
	{ "backup@example.test.evil", ERIN, 0 },
	{ "mary ann", MARYANN, 1 },
	{ "MARY\n   ANN", MARYANN, 1 },
	{ "Mary", MARYANN, 0 },
	{ "Ann", MARYANN, 0 },
	{ "Rosemary Ann", MARYANN, 0 },
	{ "Mary Annabel", MARYANN, 0 },
	{ "\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98\xeb\x8b\x98", MINSU, 1 },
	{ "\xeb\xaf\xbc\xec\x88\x98", MINSU, 0 },	/* 민수 */
	{ "", BOB, 0 },
};

static void
verdict(const char *reporter, const char *reported, const char *text,
    char *out)
{
	enum recusal_reason	reasons[NMEMBERS], ref[NMEMBERS];
	static const char	letters[] = "-RPEM";
	size_t			k;

	recusal_check(committee, NMEMBERS, reporter, reported, text, reasons);
	/* The matcher decides as the reference scan did (issue 13). */
	recusal_check_ref(committee, NMEMBERS, reporter, reported, text, ref);
	CHECK(memcmp(reasons, ref, sizeof(ref)) == 0);
	for (k = 0; k < NMEMBERS; k++)
		out[k] = (size_t)reasons[k] < 5 ? letters[reasons[k]] : '?';
	out[NMEMBERS] = '\0';
}

static void
test_check(void)
{
	const struct check_case	*c;
	char			 got[NMEMBERS + 1];
	size_t			 i;

	for (i = 0; i < nitems(check_cases); i++) {
		c = &check_cases[i];
		verdict(c->reporter, c->reported, c->text, got);
		if (strcmp(got, c->want) != 0)
			fprintf(stderr, "check case %zu: \"%s\"\n", i,
			    c->text ? c->text : c->reported ? c->reported :
			    "(null)");
		CHECK_STREQ(got, c->want);
	}
}

static void
test_names(void)
{
	const struct names_case	*c;
	size_t			 i;

	for (i = 0; i < nitems(names_cases); i++) {
		c = &names_cases[i];
		if (recusal_names_member(c->text, &committee[c->member]) !=
		    c->want)
			fprintf(stderr, "names case %zu\n", i);
		CHECK_INTEQ(recusal_names_member(c->text,
		    &committee[c->member]), c->want);
	}
	CHECK_INTEQ(recusal_names_member(NULL, &committee[BOB]), 0);
	CHECK_INTEQ(recusal_names_member("Bob", NULL), 0);
}

/* A member with no name and no address names nobody, nor everybody. */
static void
test_empty_member(void)
{
	struct member	m;

	memset(&m, 0, sizeof(m));
	CHECK_INTEQ(recusal_names_member("anything at all", &m), 0);
	m.name = " - ";
	CHECK_INTEQ(recusal_names_member("a - b", &m), 0);
}

static void
test_null(void)
{
	enum recusal_reason	r[1] = { RECUSAL_EXCLUDED };

	recusal_check(NULL, 0, "a@b", "x", "y", NULL);
	recusal_check(committee, NMEMBERS, NULL, NULL, NULL, NULL);
	recusal_check(NULL, 1, "a@b", "x", "exclude x", r);
	CHECK_INTEQ(r[0], RECUSAL_NONE);
}

/* Past the cap nothing is read; before it, a huge input still works. */
static void
test_huge(void)
{
	const size_t	 big = 3 * 1024 * 1024;
	char		*s, got[NMEMBERS + 1];
	size_t		 i;

	if ((s = malloc(big + 64)) == NULL)
		abort();
	for (i = 0; i < big; i += 8)
		memcpy(s + i, "exclude ", 8);
	strcpy(s + big, "Dave");
	verdict(NULL, s, s, got);
	CHECK_STREQ(got, "-------");

	memcpy(s + 1000, "Dave    ", 8);
	verdict(NULL, NULL, s, got);
	CHECK_STREQ(got, "---E---");

	memset(s, 'a', big);
	memcpy(s + 4096, " bob ", 5);
	verdict(NULL, s, s, got);
	CHECK_STREQ(got, "-P-----");
	free(s);
}

static void
test_strreason(void)
{
	CHECK_STREQ(recusal_strreason(RECUSAL_NONE), "none");
	CHECK_STREQ(recusal_strreason(RECUSAL_REPORTER), "reporter");
	CHECK_STREQ(recusal_strreason(RECUSAL_REPORTED), "reported");
	CHECK_STREQ(recusal_strreason(RECUSAL_EXCLUDED), "excluded");
	CHECK_STREQ(recusal_strreason((enum recusal_reason)42), "unknown");
}

/* recusal_mentions: anywhere in text or headers, not in a greeting. */
static void
test_mentions(void)
{
	static const char ann_name[] = "Ann Lee";
	static char *ann_emails[] = { "ann@example.test" };
	static const struct member ann = { (char *)ann_name, ann_emails, 1,
	    ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 };

	CHECK_INTEQ(recusal_mentions("It was loud. Bob was there too.", NULL,
	    &committee[BOB]), 1);
	CHECK_INTEQ(recusal_mentions("Ask dave@example.test about it.", NULL,
	    &committee[DAVE]), 1);
	CHECK_INTEQ(recusal_mentions("It happened.", "Cc: Someone "
	    "<cwhite@example.test>\n", &committee[CAROL]), 1);
	CHECK_INTEQ(recusal_mentions("Hi Alice,\nIt happened at the "
	    "party.", NULL, &committee[ALICE]), 0);
	CHECK_INTEQ(recusal_mentions("Dear Alice:\nAlice saw it.", NULL,
	    &committee[ALICE]), 1);
	CHECK_INTEQ(recusal_mentions("\xec\x95\x88\xeb\x85\x95\xed"
	    "\x95\x98\xec\x84\xb8\xec\x9a\x94 \xea\xb9\x80\xeb\xaf"
	    "\xbc\xec\x88\x98\xeb\x8b\x98!\nIt happened.", NULL,
	    &committee[MINSU]), 0);
	CHECK_INTEQ(recusal_mentions("\xea\xb9\x80\xeb\xaf\xbc\xec\x88"
	    "\x98\xeb\x8b\x98\xec\x9d\xb4 \xeb\xb4\xa4\xec\x96\xb4"
	    "\xec\x9a\x94.", NULL, &committee[MINSU]), 1);	/* 김민수님이 봤어요 */
	CHECK_INTEQ(recusal_mentions("At the Annual meeting.", NULL, &ann),
	    0);
	CHECK_INTEQ(recusal_mentions("Ann Lee saw it.", NULL, &ann), 1);
	CHECK_INTEQ(recusal_mentions("Witness: Lee, Ann.", NULL, &ann), 1);
	CHECK_INTEQ(recusal_mentions("Lee, Annabel saw it.", NULL, &ann), 0);
	CHECK_INTEQ(recusal_mentions("Hello Ann Lee!\nIt happened.", NULL,
	    &ann), 0);
	CHECK_INTEQ(recusal_mentions(NULL, "Subject: about Ann Lee", &ann), 1);
	CHECK_INTEQ(recusal_greeting("Hola Bob,\nx"), 10);
	CHECK_INTEQ(recusal_greeting("Bob, it was you.\nx"), 0);
	CHECK_STREQ(recusal_strreason(RECUSAL_MENTIONED), "mentioned");
}

/*
 * Issue 11: a report on one unwrapped line that opens with "Hello," is
 * no greeting; an address in Unicode quotes or before Unicode
 * punctuation is the member's; names fold case beyond ASCII.
 */
static void
test_prose(void)
{
	static const char elodie_name[] = "\xc3\x89lodie";	/* Élodie */
	static const char yulia_name[] = "\xd0\xae\xd0\xbb\xd0\xb8"
	    "\xd1\x8f";					/* Юлия */
	static char *e_emails[] = { "elo@example.test" };
	static const struct member elodie = { (char *)elodie_name, e_emails,
	    1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 };
	static const struct member yulia = { (char *)yulia_name, e_emails,
	    1, ROLE_LEAD, 1, 2, 3, NULL, 0, NULL, 0 };
	char	got[NMEMBERS + 1];

	verdict(NULL, NULL, "Hello, I need to report Alice from your "
	    "committee (alice@example.test), this is what happened:\nx", got);
	CHECK_STREQ(got, "M------");
	verdict(NULL, NULL, "Hi, I need to report someone on your committee:"
	    " cwhite@example.test!", got);
	CHECK_STREQ(got, "--M----");
	verdict(NULL, NULL, "Hi Alice, Bob (and Carol),\nx", got);
	CHECK_STREQ(got, "MMM----");
	verdict(NULL, NULL, "Hi, Alice!\nIt was bad.", got);
	CHECK_STREQ(got, "-------");
	verdict(NULL, NULL, "It was \xe2\x80\x9c" "cwhite@example.test"
	    "\xe2\x80\x9d.", got);				/* “…” */
	CHECK_STREQ(got, "--M----");
	verdict(NULL, NULL, "Ask cwhite@example.test\xe2\x80\xa6", got);
	CHECK_STREQ(got, "--M----");				/* … */
	verdict(NULL, NULL, "Ask\xc2\xa0" "cwhite@example.test\xe3\x80\x82",
	    got);						/* NBSP 。 */
	CHECK_STREQ(got, "--M----");
	verdict(NULL, NULL, "cwhite@example.test\xec\x97\x90\xea\xb2\x8c "
	    "\xeb\xa7\x90\xed\x96\x88\xec\x96\xb4\xec\x9a\x94", got);
	CHECK_STREQ(got, "--M----");		/* cwhite@…에게 말했어요 */
	verdict(NULL, NULL, "jos\xc3\xa9" "cwhite@example.test and "
	    "cwhite@example.test\xc3\xa9", got);		/* other mailboxes */
	CHECK_STREQ(got, "-------");
	CHECK_INTEQ(recusal_mentions("\xc3\x89LODIE was there.", NULL,
	    &elodie), 1);
	CHECK_INTEQ(recusal_mentions("\xc3\xa9lodie was there.", NULL,
	    &elodie), 1);
	CHECK_INTEQ(recusal_mentions("Elodie was there.", NULL, &elodie), 0);
	CHECK_INTEQ(recusal_mentions("\xd0\xae\xd0\x9b\xd0\x98\xd0\xaf "
	    "was there.", NULL, &yulia), 1);			/* ЮЛИЯ */
	CHECK_INTEQ(recusal_mentions("At the annual meeting, annie spoke.",
	    NULL, &committee[ALICE]), 0);
}

int
main(void)
{
	test_check();
	test_names();
	test_empty_member();
	test_null();
	test_huge();
	test_strreason();
	test_mentions();
	test_prose();
	return harness_done();
}

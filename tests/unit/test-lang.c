/*
 * test-lang: the language guess over the report fixtures in
 * tests/data/lang, with the accuracy per language printed as
 * "# accuracy LANG: k/n (p%)" lines and a total, and the rules around
 * it: short text is never confident, quoted text and signatures do not
 * decide, the charset helps Han-only text, and missing data fails soft.
 *
 * A fixture LANG-N.txt is a report in LANG (mixed ones too: an English
 * report quoting Korean, a Korean one with English names and messages,
 * a reply quoting our English acknowledgment); its guess must be LANG,
 * and confident when it has a few sentences.  LANG-short-N.txt is a
 * report of a few words: its guess counts in the accuracy, and it must
 * not be confident.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "harness_log.h"
#include "lang.h"
#include "log.h"

#define MAXFIX	200
#define NLANGS	7

static const char *const langs[NLANGS] = {
	"en", "ko", "ja", "zh", "de", "es", "fr"
};

/*
 * Fixtures the guesser is known to get wrong, each with the reason; they
 * count against the accuracy but do not fail the test.  Keep it short.
 */
static const char *const known_misses[] = {
	NULL
};

static int	ok[NLANGS], total[NLANGS];

static int
is_known_miss(const char *name)
{
	size_t	i;

	for (i = 0; known_misses[i] != NULL; i++)
		if (strcmp(known_misses[i], name) == 0)
			return 1;
	return 0;
}

static int
lang_index(const char *code)
{
	int	i;

	for (i = 0; i < NLANGS; i++)
		if (strcmp(langs[i], code) == 0)
			return i;
	return -1;
}

static void
fixture(const char *dir, const char *name)
{
	struct lang_guess	 g;
	char			 path[1200], want[LANG_CODE_MAX];
	char			*text;
	size_t			 len;
	int			 i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(want, sizeof(want), "%.*s", (int)strcspn(name, "-"), name);
	text = harness_slurp(path, &len);
	CHECK(text != NULL);
	if (text == NULL)
		return;
	lang_guess(text, len, NULL, &g);
	printf("# %s: %s (confidence %d%s)\n", name,
	    g.code[0] != '\0' ? g.code : "unknown", g.confidence,
	    lang_confident(g.confidence) ? ", confident" : "");
	if ((i = lang_index(want)) != -1) {
		total[i]++;
		ok[i] += strcmp(g.code, want) == 0;
	}
	CHECK(i != -1);
	CHECK(g.confidence >= 0 && g.confidence <= 100);
	if (strstr(name, "-short-") != NULL) {
		/* A few words: whatever the guess, it is unsure. */
		if (lang_confident(g.confidence))
			printf("# %s: a short text came out confident\n", name);
		CHECK(!lang_confident(g.confidence));
	} else if (!is_known_miss(name)) {
		CHECK_STREQ(g.code, want);
		/* A report of a few sentences is a confident guess. */
		if (len > 150)
			CHECK(lang_confident(g.confidence));
	}
	free(text);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
fixtures(void)
{
	const char	*top;
	char		 dir[1024], *names[MAXFIX], *dot;
	struct dirent	*de;
	DIR		*d;
	int		 i, n = 0, all = 0, all_ok = 0;

	if ((top = getenv("top_srcdir")) == NULL)
		top = "..";
	snprintf(dir, sizeof(dir), "%s/tests/data/lang", top);
	d = opendir(dir);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < MAXFIX)
		if ((dot = strrchr(de->d_name, '.')) != NULL &&
		    strcmp(dot, ".txt") == 0)
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	for (i = 0; i < n; i++) {
		fixture(dir, names[i]);
		free(names[i]);
	}
	CHECK(n >= 40);
	for (i = 0; i < NLANGS; i++) {
		printf("# accuracy %s: %d/%d (%d%%)\n", langs[i], ok[i],
		    total[i], total[i] > 0 ? 100 * ok[i] / total[i] : 0);
		CHECK(total[i] >= 5);
		all_ok += ok[i];
		all += total[i];
	}
	printf("# accuracy all: %d/%d (%d%%)\n", all_ok, all,
	    all > 0 ? 100 * all_ok / all : 0);
	CHECK_INTEQ(all, n);
}

/* The configured data folder is there (Debian: /usr/share/libexttextcat). */
static void
data_folder(void)
{
	char	path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/fpdb.conf", LANG_DATADIR);
	printf("# language data: %s\n", path);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f != NULL)
		fclose(f);
}

static void
threshold(void)
{
	CHECK(lang_confident(LANG_CONFIDENT));
	CHECK(lang_confident(100));
	CHECK(!lang_confident(LANG_CONFIDENT - 1));
	CHECK(!lang_confident(0));
	CHECK(!lang_confident(-1));	/* a case never guessed */
}

static void
guess(const char *text, const char *charset, struct lang_guess *g)
{
	lang_guess(text, strlen(text), charset, g);
}

static void
short_texts(void)
{
	static const char *const texts[] = {
		"help", "he touched me", "Hilfe", "ayuda por favor", "",
		"   \n\n  ", "12:30 room 4",
	};
	struct lang_guess	g;
	size_t			i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		guess(texts[i], NULL, &g);
		CHECK(g.confidence < 30);
		if (g.code[0] == '\0')
			CHECK_INTEQ(g.confidence, 0);
	}
	guess("", NULL, &g);
	CHECK_STREQ(g.code, "");
	lang_guess(NULL, 0, NULL, &g);
	CHECK_STREQ(g.code, "");
	/* Three Hangul syllables are Korean, but not a confident guess. */
	guess("도와줘", NULL, &g);
	CHECK_STREQ(g.code, "ko");
	CHECK(!lang_confident(g.confidence));
	/* Nor does a Korean charset make a short text long. */
	guess("도와주세요", "euc-kr", &g);
	CHECK_STREQ(g.code, "ko");
	CHECK(!lang_confident(g.confidence));
	/* One clear sentence is still below full length. */
	guess("Un hombre me estuvo siguiendo por los pasillos durante toda "
	    "la tarde.", NULL, &g);
	CHECK_STREQ(g.code, "es");
	CHECK(!lang_confident(g.confidence));
}

static const char english[] =
    "I want to report what happened at the party on Friday evening. A "
    "man kept following me around the room and making comments about my "
    "body, even after I asked him to stop.\n";

static void
quotes_and_signatures(void)
{
	struct lang_guess	 g;
	char			*t;

	/* An English report quoting a long Korean mail. */
	if (asprintf(&t, "%s\n2026년 12월 4일 (금) 오후 10:12, 지은 님이 "
	    "작성:\n> 금요일에 엘리베이터에서 행사장 직원이 "
	    "성적인 말을\n> 두 번이나 했고, 허락도 없이 제 사진을 "
	    "찍었습니다.\n> 너무 무서웠습니다. 직접 그 사람과 "
	    "이야기하고\n> 싶지는 않습니다. 도와주세요. 정말 "
	    "무서웠어요.\n> 다시는 마주치고 싶지 않아요.\n",
	    english) == -1)
		return;
	guess(t, NULL, &g);
	CHECK_STREQ(g.code, "en");
	CHECK(lang_confident(g.confidence));
	free(t);
	/* A long German signature does not decide. */
	if (asprintf(&t, "%s\n-- \nMit freundlichen Grüßen aus dem schönen "
	    "Berlin, Ihre Geschäftsstelle für Veranstaltungen und Tagungen, "
	    "Telefon und Fax siehe unten, Öffnungszeiten Montag bis "
	    "Freitag.\n", english) == -1)
		return;
	guess(t, NULL, &g);
	CHECK_STREQ(g.code, "en");
	free(t);
	/* Only quoted text: it is all there is, so it counts, less sure. */
	guess("> 금요일에 엘리베이터에서 행사장 직원이 성적인 말을 "
	    "두 번이나 "
	    "했고, 허락도 없이 제 사진을 찍었습니다.\n", NULL, &g);
	CHECK_STREQ(g.code, "ko");
	CHECK(!lang_confident(g.confidence));
	/* Links and addresses are not words of any language. */
	guess("https://example.org/the/long/path/to/the/screenshot.png "
	    "jieun.kim@example.org\n", NULL, &g);
	CHECK(g.confidence < 30);
}

static const char korean[] = "지난 토요일 행사장에서 괴롭힘을 당했습니다.";

static void
charsets(void)
{
	struct lang_guess	g;
	static const char	kanji[] = "痴漢被害報告";

	CHECK_STREQ(lang_of_charset("EUC-KR"), "ko");
	CHECK_STREQ(lang_of_charset("ks_c_5601-1987"), "ko");
	CHECK_STREQ(lang_of_charset("ISO-2022-JP"), "ja");
	CHECK_STREQ(lang_of_charset("Shift_JIS"), "ja");
	CHECK_STREQ(lang_of_charset("gb2312"), "zh");
	CHECK_STREQ(lang_of_charset("Big5"), "zh");
	CHECK(lang_of_charset("utf-8") == NULL);
	CHECK(lang_of_charset(NULL) == NULL);
	guess(kanji, NULL, &g);
	CHECK_STREQ(g.code, "zh");
	guess(kanji, "iso-2022-jp", &g);
	CHECK_STREQ(g.code, "ja");
	/* The charset agreeing makes a guess surer, never less. */
	{
		struct lang_guess	h;

		guess(korean, NULL, &g);
		guess(korean, "euc-kr", &h);
		CHECK_STREQ(h.code, "ko");
		CHECK(h.confidence >= g.confidence);
	}
	/* English text from a Japanese mail program stays English. */
	guess(english, "iso-2022-jp", &g);
	CHECK_STREQ(g.code, "en");
}

/* Freed after a pass (lang_done), the guesser comes back whole. */
static void
reload(void)
{
	struct lang_guess	g;

	lang_done();
	guess("help", NULL, &g);
	CHECK_STREQ(g.code, "en");
	lang_done();
	guess(english, NULL, &g);
	CHECK_STREQ(g.code, "en");
	CHECK(lang_confident(g.confidence));
}

static void
missing_data(void)
{
	struct lang_guess	g;

	log_capture();
	lang_set_datadir("/nonexistent/textcat");
	guess(english, NULL, &g);
	CHECK_STREQ(g.code, "");
	CHECK_INTEQ(g.confidence, 0);
	/* Said once, not at every pass. */
	lang_done();
	guess(english, NULL, &g);
	CHECK_STREQ(g.code, "");
	CHECK_INTEQ(log_lines("lang: no language data in /nonexistent"), 1);
	/* The script still tells Korean. */
	guess("지난 토요일 오후 행사장 로비에서 모르는 사람이 "
	    "계속 따라와서 무서웠습니다.", NULL, &g);
	CHECK_STREQ(g.code, "ko");
	lang_set_datadir(NULL);
	guess(english, NULL, &g);
	CHECK_STREQ(g.code, "en");
}

int
main(void)
{
	log_init(LOG_TARGET_STDERR, LOG_LEVEL_WARN, "test-lang");
	data_folder();
	threshold();
	fixtures();
	short_texts();
	quotes_and_signatures();
	charsets();
	reload();
	missing_data();
	lang_done();
	return harness_done();
}

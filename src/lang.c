/*
 * lang: guesses the language a report is written in, so that the mail to
 * the reporter can be in it.  The reporter's own words decide: quoted
 * lines, the line introducing them, forwarded mail and the signature are
 * set aside first, and so are addresses and links.  The script then
 * decides the CJK languages (Hangul is Korean, kana Japanese, Han without
 * kana Chinese), and libexttextcat's n-gram guesser, loaded once per
 * process, the others.  The charset label only helps where the text
 * leaves a doubt.
 *
 * The confidence (0..100) is an estimate of how sure the guess is: the
 * guesser's margin between its best candidate and the next language
 * within its threshold, the share of the text in the winning script, and
 * its length.  Only a text of full length (LANG_FULL_LATIN letters, or
 * LANG_FULL_CJK / LANG_FULL_HAN characters) can reach LANG_CONFIDENT, the
 * one threshold (lang.h); a sentence or two never does.  Nothing of the
 * text is logged.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <textcat.h>
#include <constants.h>

#include "buf.h"
#include "lang.h"
#include "log.h"
#include "xmalloc.h"

#ifndef LANG_DATADIR
#define LANG_DATADIR	"/usr/share/libexttextcat"
#endif

#define LANG_MAX_SCAN	65536	/* bytes of a report read at most */
/*
 * Bytes given to the guesser: its cost grows with them, and 1 KB guesses
 * the fixtures of test-lang as well as 8 KB did, in half the time.
 */
#define LANG_MAX_INPUT	1024
#define LANG_SHORT	30	/* fewer letters: too short for n-grams */

/* What the text is written in, counted in characters. */
struct lang_script {
	size_t	latin;		/* Latin letters, ASCII or not */
	size_t	ascii;		/* of them ASCII */
	size_t	hangul;
	size_t	kana;
	size_t	han;
	size_t	other;		/* letters of other scripts */
};

static char	*lang_dir;
static void	*lang_tc;
static int	 lang_loaded;	/* tried to load, whether it worked or not */
static int	 lang_warned;	/* said the data is missing, until it is not */

static const struct {
	const char	*label;
	const char	*code;
} lang_charsets[] = {
	{ "euc-kr", "ko" }, { "ks_c_5601-1987", "ko" }, { "ks_c_5601", "ko" },
	{ "cp949", "ko" }, { "uhc", "ko" }, { "iso-2022-kr", "ko" },
	{ "windows-949", "ko" },
	{ "iso-2022-jp", "ja" }, { "shift_jis", "ja" }, { "sjis", "ja" },
	{ "shift-jis", "ja" }, { "euc-jp", "ja" }, { "cp932", "ja" },
	{ "windows-31j", "ja" }, { "iso-2022-jp-2", "ja" },
	{ "gb2312", "zh" }, { "gbk", "zh" }, { "gb18030", "zh" },
	{ "big5", "zh" }, { "big5-hkscs", "zh" }, { "hz-gb-2312", "zh" },
	{ "euc-cn", "zh" }, { "euc-tw", "zh" }, { "cp936", "zh" },
	{ "cp950", "zh" },
};

void
lang_set_datadir(const char *dir)
{
	lang_done();
	free(lang_dir);
	lang_dir = dir != NULL ? xstrdup(dir) : NULL;
	lang_warned = 0;
}

int
lang_confident(int confidence)
{
	return confidence >= LANG_CONFIDENT;
}

void
lang_done(void)
{
	if (lang_tc != NULL)
		textcat_Done(lang_tc);
	lang_tc = NULL;
	lang_loaded = 0;
}

const char *
lang_of_charset(const char *charset)
{
	size_t	i;

	if (charset == NULL)
		return NULL;
	for (i = 0; i < sizeof(lang_charsets) / sizeof(lang_charsets[0]); i++)
		if (strcasecmp(charset, lang_charsets[i].label) == 0)
			return lang_charsets[i].code;
	return NULL;
}

/*
 * Loads the guesser on first use after lang_done; NULL without its data,
 * which is logged once, not at every pass.
 */
static void *
lang_classifier(void)
{
	const char	*dir = lang_dir != NULL ? lang_dir : LANG_DATADIR;
	struct stat	 st;
	char		*conf, *prefix;

	if (lang_loaded)
		return lang_tc;
	lang_loaded = 1;
	xasprintf(&conf, "%s/fpdb.conf", dir);
	xasprintf(&prefix, "%s/", dir);
	if (stat(conf, &st) == 0 && S_ISREG(st.st_mode))
		lang_tc = special_textcat_Init(conf, prefix);
	if (lang_tc == NULL && !lang_warned)
		log_warnx("lang: no language data in %s: only the script "
		    "tells a report's language", dir);
	lang_warned = lang_tc == NULL;
	free(conf);
	free(prefix);
	return lang_tc;
}

/*
 * Reads the UTF-8 sequence at s (n bytes left) into *cp; returns its
 * length, 1 for a byte that starts none (then *cp is 0xfffd).
 */
static size_t
lang_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t	len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		len = 0;
	*cp = 0xfffd;
	if (len == 0 || len > n)
		return 1;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	*cp = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++)
		*cp = (*cp << 6) | (s[i] & 0x3f);
	return len;
}

static int
lang_is_hangul(uint32_t c)
{
	return (c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) ||
	    (c >= 0x3131 && c <= 0x318e) || (c >= 0xa960 && c <= 0xa97f) ||
	    (c >= 0xd7b0 && c <= 0xd7ff);
}

/* Kana, without the middle dot and the long-vowel mark Chinese uses too. */
static int
lang_is_kana(uint32_t c)
{
	if (c == 0x30fb || c == 0x30fc)
		return 0;
	return (c >= 0x3041 && c <= 0x309f) || (c >= 0x30a0 && c <= 0x30ff) ||
	    (c >= 0x31f0 && c <= 0x31ff) || (c >= 0xff66 && c <= 0xff9d);
}

static int
lang_is_han(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff);
}

static int
lang_is_latin(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
	    (c >= 0x1e00 && c <= 0x1eff) || (c >= 0xff21 && c <= 0xff3a) ||
	    (c >= 0xff41 && c <= 0xff5a);
}

/* Letters of other scripts: Greek to Ethiopic, and Thai to Myanmar. */
static int
lang_is_other(uint32_t c)
{
	return (c >= 0x370 && c <= 0x3ff && c != 0x37e && c != 0x387) ||
	    (c >= 0x400 && c <= 0x52f) || (c >= 0x531 && c <= 0x1000 &&
	    c != 0x589 && c != 0x5be && c != 0x60c && c != 0x61f &&
	    c != 0x6d4);
}

static int
lang_is_cjk(uint32_t c)
{
	return lang_is_hangul(c) || lang_is_kana(c) || lang_is_han(c);
}

static void
lang_count(const char *s, size_t n, struct lang_script *sc)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 i = 0;

	memset(sc, 0, sizeof(*sc));
	while (i < n) {
		i += lang_utf8(p + i, n - i, &c);
		if (lang_is_hangul(c))
			sc->hangul++;
		else if (lang_is_kana(c))
			sc->kana++;
		else if (lang_is_han(c))
			sc->han++;
		else if (lang_is_latin(c)) {
			sc->latin++;
			sc->ascii += c < 0x80;
		} else if (lang_is_other(c))
			sc->other++;
	}
}

/* 1 if the line (len bytes) is a signature's or a forward's first. */
static int
lang_is_cut(const char *l, size_t len)
{
	static const char *const cuts[] = {
		"-----Original Message-----", "----- Original Message",
		"-------- Original Message", "---------- Forwarded message",
		"-------- Forwarded Message", "Begin forwarded message:",
		"________________________________",
	};
	size_t	i;

	if ((len == 2 || len == 3) && memcmp(l, "-- ", len) == 0)
		return 1;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		if (len >= strlen(cuts[i]) &&
		    strncasecmp(l, cuts[i], strlen(cuts[i])) == 0)
			return 1;
	return 0;
}

/* Appends the words of a line, without addresses and links. */
static void
lang_add_words(struct buf *out, const char *l, size_t len)
{
	const char	*w, *end = l + len;
	size_t		 wl;

	while (l < end) {
		while (l < end && (*l == ' ' || *l == '\t'))
			l++;
		for (w = l; l < end && *l != ' ' && *l != '\t'; l++)
			;
		if ((wl = l - w) == 0)
			continue;
		if (memchr(w, '@', wl) != NULL ||
		    memmem(w, wl, "://", 3) != NULL ||
		    (wl > 4 && strncasecmp(w, "www.", 4) == 0))
			continue;
		buf_add(out, w, wl);
		buf_addch(out, ' ');
	}
}

/*
 * The reporter's own words: out gets text without quoted lines, the
 * "... wrote:" line before them, and what follows a signature or
 * forward marker.
 */
static void
lang_own_words(const char *text, size_t n, struct buf *out)
{
	const char	*l, *end = text + n, *nl, *next;
	size_t		 len, last = 0, k;
	int		 last_colon = 0;

	/* text need not end in a NUL: every read stays before end. */
	for (l = text; l < end; l = next) {
		if ((nl = memchr(l, '\n', end - l)) == NULL)
			nl = end;
		next = nl < end ? nl + 1 : end;
		len = nl - l;
		if (len > 0 && l[len - 1] == '\r')
			len--;
		if (lang_is_cut(l, len))
			break;
		for (k = 0; k < len && (l[k] == ' ' || l[k] == '\t'); k++)
			;
		if (k == len)
			continue;
		if (l[k] == '>') {
			if (last_colon)
				buf_truncate(out, last);
			last_colon = 0;
			continue;
		}
		last = out->len;
		last_colon = l[len - 1] == ':';
		lang_add_words(out, l, len);
		buf_addch(out, '\n');
	}
}

/* Copies text without its CJK characters, at most LANG_MAX_INPUT bytes. */
static void
lang_non_cjk(const char *s, size_t n, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 i = 0, k;

	while (i < n && out->len < LANG_MAX_INPUT) {
		k = lang_utf8(p + i, n - i, &c);
		if (!lang_is_cjk(c))
			buf_add(out, s + i, k);
		i += k;
	}
}

/* "en--utf8", "zh-CN-utf8" -> "en", "zh"; 0 for a longer code. */
static int
lang_code_of(const char *name, char *code, size_t size)
{
	size_t	len = strcspn(name, "-");

	if (len != 2 || len >= size)
		return 0;
	memcpy(code, name, len);
	code[len] = '\0';
	return 1;
}

static int
lang_scale(double v)
{
	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	return (int)(v * 100 + 0.5);
}

/*
 * The guesser's verdict on the non-CJK text: its best two-letter
 * language, and a margin 0..1 over the next other language within its
 * threshold (1 when none is).
 */
static int
lang_textcat(const char *s, size_t n, char *code, size_t size,
    double *margin)
{
	candidate_t	*cand;
	void		*tc;
	char		 other[LANG_CODE_MAX];
	int		 cnt, i, best = -1;

	if ((tc = lang_classifier()) == NULL || n == 0)
		return 0;
	cand = textcat_GetClassifyFullOutput(tc);
	cnt = textcat_ClassifyFull(tc, s, n, cand);
	for (i = 0; i < cnt && best == -1; i++)
		if (lang_code_of(cand[i].name, code, size))
			best = i;
	/*
	 * The margin is over the next language we could answer in: Scots
	 * next to English, or Low German next to German, is no doubt.
	 */
	*margin = 1;
	for (i = 0; best != -1 && i < cnt; i++) {
		if (i <= best || !lang_code_of(cand[i].name, other,
		    sizeof(other)) || strcmp(other, code) == 0)
			continue;
		/* Within THRESHOLDVALUE (3 %) of the best score. */
		*margin = (double)(cand[i].score - cand[best].score) /
		    (cand[best].score * (THRESHOLDVALUE - 1) + 1);
		break;
	}
	textcat_ReleaseClassifyFullOutput(tc, cand);
	return best != -1;
}

/*
 * The confidence of a guess of this quality (0..1: the guesser's margin,
 * the share of the winning script) at this top (below 100: no guess is
 * certain).  A text of less than full length gets at most its share of
 * what stays below LANG_CONFIDENT.
 */
static int
lang_confidence(double quality, double length, double top)
{
	if (length >= 1)
		return lang_scale(quality * top);
	return lang_scale(quality * length * (LANG_CONFIDENT - 1) / 100.0);
}

/* The CJK languages, by their script alone; 1 if the text is full. */
static int
lang_by_script(const struct lang_script *sc, double share, const char *hint,
    struct lang_guess *g)
{
	size_t	cjk = sc->hangul + sc->kana + sc->han, full;
	double	len, mix;

	if (sc->hangul > 0 && sc->hangul >= sc->kana + sc->han / 2) {
		snprintf(g->code, sizeof(g->code), "ko");
		full = LANG_FULL_CJK;
	} else if (sc->kana > 0) {
		snprintf(g->code, sizeof(g->code), "ja");
		full = LANG_FULL_CJK;
	} else {
		/* Han alone: Chinese, unless the charset says Japanese. */
		snprintf(g->code, sizeof(g->code), "%s", hint != NULL &&
		    strcmp(hint, "ja") == 0 ? "ja" : "zh");
		full = LANG_FULL_HAN;
	}
	/* The script says a lot even of a few characters: a floor. */
	len = cjk >= full ? 1 : 0.3 + 0.7 * cjk / full;
	mix = share >= 0.85 ? 1 : 0.5 + 0.5 * (share - 0.5) / 0.35;
	g->confidence = lang_confidence(mix, len, 0.98);
	return cjk >= full;
}

/*
 * Below LANG_SHORT letters the n-grams say little ("help" comes out
 * Dutch): plain ASCII with a common English word in it is taken for
 * English, at the low confidence its length allows.
 */
static int
lang_short_english(const char *s, size_t n, const struct lang_script *sc)
{
	static const char *const words[] = {
		"help", "me", "my", "he", "she", "him", "her", "i", "please",
		"someone", "they", "touched", "hurt", "harassed", "stop",
		"report", "is", "was", "the", "a", "at", "to", "and",
	};
	char	w[16];
	size_t	i, k;

	if (sc->latin + sc->other >= LANG_SHORT || sc->other > 0 ||
	    sc->ascii != sc->latin)
		return 0;
	while (n > 0) {
		k = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ'");
		if (k > n)
			k = n;
		if (k > 0 && k < sizeof(w)) {
			for (i = 0; i < k; i++)
				w[i] = s[i] | 0x20;
			w[k] = '\0';
			for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
				if (strcmp(w, words[i]) == 0)
					return 1;
		}
		k += k < n;
		s += k;
		n -= k;
	}
	return 0;
}

/* The other languages, by the guesser; 1 if the text is full. */
static int
lang_by_ngrams(const char *own, size_t n, const struct lang_script *sc,
    double share, struct lang_guess *g)
{
	struct buf	 in;
	size_t		 letters = sc->latin + sc->other;
	double		 margin, len, mix;
	void		*tc = lang_classifier();	/* loaded first */

	buf_init(&in);
	lang_non_cjk(own, n, &in);
	len = letters >= LANG_FULL_LATIN ? 1 :
	    (double)letters / LANG_FULL_LATIN;
	if (tc != NULL && lang_short_english(in.data, in.len, sc)) {
		snprintf(g->code, sizeof(g->code), "en");
		g->confidence = lang_confidence(0.8, len, 0.5);
	} else if (lang_textcat(in.data, in.len, g->code, sizeof(g->code),
	    &margin)) {
		mix = share >= 0.9 ? 1 : share;
		g->confidence = lang_confidence((0.4 + 0.6 * margin) * mix,
		    len, 0.97);
	} else if (tc != NULL && sc->other == 0 && sc->ascii == sc->latin) {
		/* Plain ASCII the guesser cannot place: English, barely. */
		snprintf(g->code, sizeof(g->code), "en");
		g->confidence = lang_confidence(0.5, len, 0.3);
	}
	buf_free(&in);
	return letters >= LANG_FULL_LATIN;
}

static void
lang_decide(const char *own, size_t n, const char *hint, struct lang_guess *g)
{
	struct lang_script	sc;
	double			cjk, all;
	int			full;

	lang_count(own, n, &sc);
	/* A CJK character carries about as much as two Latin letters. */
	cjk = 2.0 * (sc.hangul + sc.kana + sc.han);
	all = cjk + sc.latin + sc.other;
	if (all == 0)
		return;
	if (cjk / all >= 0.5)
		full = lang_by_script(&sc, cjk / all, hint, g);
	else
		full = lang_by_ngrams(own, n, &sc, 1 - cjk / all, g);
	if (g->code[0] == '\0')
		g->confidence = 0;
	else if (hint != NULL && strcmp(hint, g->code) == 0)
		g->confidence = g->confidence + 10 > 98 ? 98 :
		    g->confidence + 10;
	/* The charset agreeing does not make a short text long. */
	if (!full && lang_confident(g->confidence))
		g->confidence = LANG_CONFIDENT - 1;
}

void
lang_guess(const char *text, size_t len, const char *charset,
    struct lang_guess *g)
{
	struct buf	 own;
	const char	*hint = lang_of_charset(charset);

	memset(g, 0, sizeof(*g));
	if (text == NULL)
		return;
	if (len > LANG_MAX_SCAN)
		len = LANG_MAX_SCAN;	/* the start says it; memory bounded */
	buf_init(&own);
	lang_own_words(text, len, &own);
	lang_decide(own.data != NULL ? own.data : "", own.len, hint, g);
	if (g->code[0] == '\0' && own.len < len) {
		/* Nothing of the reporter's own: the quoted text, less sure. */
		lang_decide(text, len, hint, g);
		g->confidence /= 2;
	}
	buf_free(&own);
}

/*
 * lang: a guess at the language a report is written in, from its decoded
 * text, its script and its charset label.  The only file that talks to
 * libexttextcat.
 */
#ifndef LANG_H
#define LANG_H

#include <stddef.h>

#define LANG_CODE_MAX	8

/*
 * The one threshold: a guess is confident when its confidence is at least
 * LANG_CONFIDENT.  It takes all of: at least LANG_FULL_LATIN letters of
 * the reporter's own words (LANG_FULL_CJK characters of Korean or
 * Japanese text, LANG_FULL_HAN of Han alone), mostly in the winning
 * script, and, where n-grams decide, a best language clearly ahead of
 * the next.  A shorter text is never confident, whatever it says.
 * conductd.8 documents it.
 */
#define LANG_CONFIDENT	60
#define LANG_FULL_LATIN	120	/* letters for a full-length guess */
#define LANG_FULL_CJK	30	/* with Hangul or kana: the script decides */
#define LANG_FULL_HAN	40	/* Han alone: Chinese or kanji-only */

struct lang_guess {
	char	code[LANG_CODE_MAX];	/* ISO 639-1 ("en", "ko"); "": unknown */
	int	confidence;		/* 0..100; 0 when code is "" */
};

/* 1 if a guess of this confidence (0..100, or -1: none) is confident. */
int	lang_confident(int confidence);

/*
 * Sets the folder holding fpdb.conf and its fingerprint files, before
 * the first guess (later calls drop the loaded classifier); NULL goes
 * back to the configured default (configure --with-textcat-data).  For
 * tests.
 */
void	lang_set_datadir(const char *);

/*
 * Guesses the language of len bytes of UTF-8 text.  Lines quoted with
 * '>', their attribution line, forwarded or replied-to mail and a
 * signature do not count.  charset is the mail's charset label (or NULL
 * or ""), a hint for the CJK languages.  The classifier is loaded on the
 * first call; without its data only the script can tell (Hangul, kana,
 * Han), and the rest is unknown.  Never fails; not thread-safe.
 */
void	lang_guess(const char *text, size_t len, const char *charset,
	    struct lang_guess *);

/* The language a charset label implies ("ko" for euc-kr), or NULL. */
const char *lang_of_charset(const char *charset);

/*
 * Frees the classifier (some 1.8 MB of fingerprints); the next guess
 * loads it again (about 20 ms).
 */
void	lang_done(void);

#endif

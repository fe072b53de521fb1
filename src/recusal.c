/*
 * recusal: decides, before anything about a new case is sent, which
 * committee members must never hear of it.  A leak to the reported person
 * costs far more than an extra recusal, which the other members can see
 * and undo, so where a rule is unsure it leans to recusing.
 *
 * A member is "named" by a text when one of their addresses appears as a
 * whole address (case-insensitive; "x.dave@..." or "dave@example.org.evil"
 * are other mailboxes), or their configured name appears: as whole words
 * for an ASCII name (only ASCII letters and digits join words, so "Bob님"
 * and "Daveには" name Bob and Dave, "Bobby" does not; a multi-word name
 * matches only as a whole, across any spaces, hyphens or line breaks),
 * and as a plain substring for a name with non-ASCII characters, where
 * word boundaries mean nothing ("김민수님").  Case folds for ASCII only.
 * The local part alone does not name anyone ("dave" is not dave@...).
 *
 * Exclusion requests are found through one table of phrases; the names
 * are looked for in the part of the text the phrase points at: the rest
 * of the sentence after it ("do not share this with Dave and Erin"), the
 * start of the sentence before it ("Dave should not see this", "캐럴에게
 * 알리지 말아 주세요"), both ("캐럴 제외", "제외: 캐럴"), or the words it
 * wraps ("keep Erin out").  A sentence ends at . ! ? 。！？ or a blank
 * line; a single line break ends it too unless the line looks hard-
 * wrapped.  Every input is read up to RECUSAL_SCAN_MAX bytes, each
 * scan is linear, and nothing here logs.
 *
 * The report is folded once and scanned once per pass over it by an
 * Aho-Corasick automaton (recusal_match.c) of every phrase's and every
 * member's anchor; a pattern is tried only where its anchor starts.
 * recusal_check_ref() keeps the scan of every pattern at every byte, as
 * the reference the tests hold the automaton to.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"
#include "recusal.h"
#include "recusal_match.h"
#include "recusal_priv.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define RECUSAL_SCAN_MAX	(1024 * 1024)	/* bytes of any input read */
#define RECUSAL_PART_MAX	256	/* bytes where a phrase's names are */
#define RECUSAL_RUN_MAX		64	/* bytes of one run of separators */
#define RECUSAL_GAP_WORDS	4	/* words " * " in a phrase may skip */
#define RECUSAL_WORD_MAX	32	/* bytes of one such word */
#define RECUSAL_WRAP_MIN	60	/* a longer line may be wrapped */
#define RECUSAL_GREET_WORDS	4	/* words a greeting line may name */

/* Pattern flags: word boundaries, and whether " * " is a gap. */
#define RECUSAL_P_START	0x01
#define RECUSAL_P_END	0x02
#define RECUSAL_P_GAP	0x04

/* Where, around an exclusion phrase, the names are. */
enum recusal_side {
	RECUSAL_AFTER,		/* "do not tell Dave" */
	RECUSAL_BEFORE,		/* "Dave should not see this" */
	RECUSAL_BOTH,		/* "캐럴 제외", "제외: 캐럴" */
	RECUSAL_GAP		/* what " * " skipped: "keep Erin out" */
};

/*
 * In a pattern, a space or hyphen matches a run of white space and
 * hyphens (line breaks too: mail is wrapped), an apostrophe matches ',
 * U+2018, U+2019 or nothing ("dont"), " * " up to RECUSAL_GAP_WORDS
 * words, ASCII letters either case, and any other byte itself.
 */
struct recusal_phrase {
	const char		*pat;
	enum recusal_side	 side;
};

/*
 * "without" alone is left out: "he left without Bob" is far more common
 * in a report than a request.  The first phrase that matches wins.
 */
static const struct recusal_phrase recusal_phrases[] = {
	{ "not share * with", RECUSAL_AFTER },
	{ "not to share * with", RECUSAL_AFTER },
	{ "don't share * with", RECUSAL_AFTER },
	{ "shouldn't share * with", RECUSAL_AFTER },
	{ "not be shared with", RECUSAL_AFTER },
	{ "not forward * to", RECUSAL_AFTER },
	{ "don't forward * to", RECUSAL_AFTER },
	{ "do not tell", RECUSAL_AFTER },
	{ "don't tell", RECUSAL_AFTER },
	{ "do not inform", RECUSAL_AFTER },
	{ "don't inform", RECUSAL_AFTER },
	{ "do not involve", RECUSAL_AFTER },
	{ "don't involve", RECUSAL_AFTER },
	{ "without involving", RECUSAL_AFTER },
	{ "keep * away from", RECUSAL_AFTER },
	{ "keep * out", RECUSAL_GAP },
	{ "exclude", RECUSAL_AFTER },
	{ "excluding", RECUSAL_AFTER },
	{ "not to be seen by", RECUSAL_AFTER },
	{ "not be seen by", RECUSAL_AFTER },
	{ "should not see", RECUSAL_BEFORE },
	{ "shouldn't see", RECUSAL_BEFORE },
	{ "must not see", RECUSAL_BEFORE },
	{ "mustn't see", RECUSAL_BEFORE },
	{ "\xec\xa0\x9c\xec\x99\xb8", RECUSAL_BOTH },		/* 제외 */
	{ "\xea\xb3\xb5\xec\x9c\xa0\xed\x95\x98\xec\xa7\x80 \xeb\xa7\x90",
	    RECUSAL_BEFORE },				/* 공유하지 말 */
	{ "\xea\xb3\xb5\xec\x9c\xa0\xed\x95\x98\xec\xa7\x80 \xeb\xa7\x88",
	    RECUSAL_BEFORE },				/* 공유하지 마 */
	{ "\xec\x95\x8c\xeb\xa6\xac\xec\xa7\x80 \xeb\xa7\x90",
	    RECUSAL_BEFORE },				/* 알리지 말 */
	{ "\xec\x95\x8c\xeb\xa6\xac\xec\xa7\x80 \xeb\xa7\x88",
	    RECUSAL_BEFORE },				/* 알리지 마 */
	{ "\xe9\x99\xa4\xe5\xa4\x96", RECUSAL_BOTH },		/* 除外 */
	{ "\xe5\x85\xb1\xe6\x9c\x89\xe3\x81\x97\xe3\x81\xaa\xe3\x81\x84"
	    "\xe3\x81\xa7", RECUSAL_BEFORE },		/* 共有しないで */
	{ "\xe4\xbc\x9d\xe3\x81\x88\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xa7",
	    RECUSAL_BEFORE },				/* 伝えないで */
	{ "\xe8\xa6\x8b\xe3\x81\x9b\xe3\x81\xaa\xe3\x81\x84\xe3\x81\xa7",
	    RECUSAL_BEFORE },				/* 見せないで */
	{ "\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b\xe3\x81\xaa\xe3\x81\x84"
	    "\xe3\x81\xa7", RECUSAL_BEFORE }		/* 知らせないで */
};

/* Abbreviations whose '.' does not end the sentence. */
static const char *const recusal_titles[] = {
	"mr", "mrs", "ms", "mx", "dr", "prof", "st"
};

static const char *const recusal_reasons[] = {
	"none", "reporter", "reported", "excluded", "mentioned"
};

/* Words that open a greeting line ("Hi Alice," "안녕하세요 캐럴님!"). */
static const char *const recusal_greetings[] = {
	"hi", "hello", "hey", "dear", "hallo", "bonjour", "hola",
	"ol\xc3\xa1", "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8"
	"\xec\x9a\x94"					/* 안녕하세요 */
};

struct recusal_text {
	const char	*s;
	size_t		 len;
};

struct recusal_span {
	size_t	s;
	size_t	e;
};

struct recusal_pat {
	const char	*p;
	size_t		 len;
	int		 flags;
};

static int	recusal_match(const struct recusal_text *, size_t,
		    const char *, size_t, int, size_t *, struct recusal_span *);

static size_t
recusal_cap(const char *s)
{
	return s == NULL ? 0 : strnlen(s, RECUSAL_SCAN_MAX);
}

static int
recusal_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
recusal_fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
recusal_byte(const struct recusal_text *t, size_t i)
{
	return i < t->len ? (unsigned char)t->s[i] : -1;
}

static int
recusal_has(const struct recusal_text *t, size_t i, const char *seq)
{
	size_t	n = strlen(seq);

	return i <= t->len && t->len - i >= n && memcmp(t->s + i, seq, n) == 0;
}

/*
 * The code point of the UTF-8 character that starts at i (or, back,
 * ends just before i); -1 for none or a malformed one.
 */
static long
recusal_cp_at(const struct recusal_text *t, size_t i)
{
	int	c = recusal_byte(t, i), n, k;
	long	cp;

	if (c < 0xc0 || c > 0xf4)
		return c < 0x80 ? c : -1;
	n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	cp = c & (0x3f >> n);
	for (k = 1; k <= n; k++) {
		if (((c = recusal_byte(t, i + k)) & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (c & 0x3f);
	}
	return cp;
}

static long
recusal_cp_before(const struct recusal_text *t, size_t i)
{
	size_t	k;

	for (k = 1; k <= 4 && k <= i; k++)
		if (((unsigned char)t->s[i - k] & 0xc0) != 0x80)
			return recusal_cp_at(t, i - k);
	return -1;
}

/* Bytes of the white space at i: ASCII, U+00A0 or U+3000; 0 if none. */
static size_t
recusal_space(const struct recusal_text *t, size_t i)
{
	int	c = recusal_byte(t, i);

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (recusal_has(t, i, "\xc2\xa0"))
		return 2;
	return recusal_has(t, i, "\xe3\x80\x80") ? 3 : 0;
}

/* Does the '.' at i end a title ("Mr. Bob"), not a sentence? */
static int
recusal_title(const struct recusal_text *t, size_t i)
{
	size_t	k, n;

	for (k = 0; k < nitems(recusal_titles); k++) {
		n = strlen(recusal_titles[k]);
		if (i >= n && strncasecmp(t->s + i - n, recusal_titles[k],
		    n) == 0 && (i == n ||
		    !recusal_alnum((unsigned char)t->s[i - n - 1])))
			return 1;
	}
	return 0;
}

/* Bytes of a sentence end at i: ".!?" before a space or the end, "。！？". */
static size_t
recusal_stop(const struct recusal_text *t, size_t i)
{
	int	c = recusal_byte(t, i);

	if (c == '.' && recusal_title(t, i))
		return 0;
	if (c == '.' || c == '!' || c == '?')
		return i + 1 == t->len || recusal_space(t, i + 1) ? 1 : 0;
	if (recusal_has(t, i, "\xe3\x80\x82") ||
	    recusal_has(t, i, "\xef\xbc\x81") ||
	    recusal_has(t, i, "\xef\xbc\x9f"))
		return 3;
	return 0;
}

/* Bytes of the run of white space and hyphens at i; 0 if none or huge. */
static size_t
recusal_run(const struct recusal_text *t, size_t i)
{
	size_t	n = 0, k;

	for (;;) {
		k = recusal_byte(t, i + n) == '-' ? 1 : recusal_space(t, i + n);
		if (k == 0)
			return n;
		if ((n += k) > RECUSAL_RUN_MAX)
			return 0;
	}
}

static size_t
recusal_apos(const struct recusal_text *t, size_t i)
{
	if (recusal_byte(t, i) == '\'')
		return 1;
	if (recusal_has(t, i, "\xe2\x80\x98") ||
	    recusal_has(t, i, "\xe2\x80\x99"))
		return 3;
	return 0;
}

/* Bytes of the word at i that " * " may skip; 0 if none or too long. */
static size_t
recusal_word(const struct recusal_text *t, size_t i)
{
	size_t	n = 0;

	while (i + n < t->len && t->s[i + n] != '-' &&
	    recusal_space(t, i + n) == 0 && recusal_stop(t, i + n) == 0)
		if (++n > RECUSAL_WORD_MAX)
			return 0;
	return n;
}

/* Matches the rest p of a pattern after " * ", skipping fewest words. */
static int
recusal_skip(const struct recusal_text *t, size_t i, const char *p,
    size_t plen, int flags, size_t *end, struct recusal_span *gap)
{
	size_t	gs = i, n, w;

	for (w = 0;; w++) {
		if (recusal_match(t, i, p, plen, flags, end, NULL)) {
			if (gap != NULL) {
				gap->s = gs;
				gap->e = i;
			}
			return 1;
		}
		if (w == RECUSAL_GAP_WORDS || (n = recusal_word(t, i)) == 0)
			return 0;
		i += n;
		if ((n = recusal_run(t, i)) == 0)
			return 0;
		i += n;
	}
}

/*
 * Bytes of text at i that match the pattern character at p, case
 * folded (one ASCII byte, or a two-byte letter); 0 if they differ.
 */
static size_t
recusal_same(const struct recusal_text *t, size_t i, const char *p,
    size_t plen)
{
	struct recusal_text	pt;
	int			c = recusal_byte(t, i);
	long			a, b;

	if (c < 0xc0 || (unsigned char)*p < 0xc0)
		return recusal_fold(c) == recusal_fold((unsigned char)*p) ?
		    1 : 0;
	pt.s = p;
	pt.len = plen;
	a = recusal_cp_at(t, i);
	b = recusal_cp_at(&pt, 0);
	if (a < 0x80 || a > 0x7ff || b < 0x80 || b > 0x7ff)
		return c == (unsigned char)*p ? 1 : 0;
	return recusal_match_cp_fold(a) == recusal_match_cp_fold(b) ?
	    2 : 0;
}

/* Does pattern p match at i?  Then *end is where the match ends. */
static int
recusal_match(const struct recusal_text *t, size_t i, const char *p,
    size_t plen, int flags, size_t *end, struct recusal_span *gap)
{
	size_t	n;

	while (plen > 0) {
		if (*p == ' ' || *p == '-') {
			if ((n = recusal_run(t, i)) == 0)
				return 0;
			i += n;
			for (; plen > 0 && (*p == ' ' || *p == '-'); p++)
				plen--;
			if ((flags & RECUSAL_P_GAP) && plen >= 2 &&
			    p[0] == '*' && p[1] == ' ')
				return recusal_skip(t, i, p + 2, plen - 2,
				    flags, end, gap);
		} else if (*p == '\'') {
			i += recusal_apos(t, i);
			p++;
			plen--;
		} else if ((n = recusal_same(t, i, p, plen)) != 0) {
			i += n;
			p += n;
			plen -= n;
		} else
			return 0;
	}
	if ((flags & RECUSAL_P_END) && recusal_alnum(recusal_byte(t, i)))
		return 0;
	*end = i;
	return 1;
}

/* Does pat match at i, with a word boundary before it if it needs one? */
static int
recusal_match_at(const struct recusal_text *t, size_t i,
    const struct recusal_pat *pat, size_t *end, struct recusal_span *gap)
{
	if (pat->p[0] != '\'' && (unsigned char)pat->p[0] < 0x80 &&
	    recusal_fold(recusal_byte(t, i)) !=
	    recusal_fold((unsigned char)pat->p[0]))
		return 0;
	if ((pat->flags & RECUSAL_P_START) && i > 0 &&
	    recusal_alnum((unsigned char)t->s[i - 1]))
		return 0;
	return recusal_match(t, i, pat->p, pat->len, pat->flags, end, gap);
}

static void
recusal_pat_init(struct recusal_pat *pat, const char *p, size_t len,
    int flags)
{
	size_t	i;

	pat->p = p;
	pat->len = len;
	pat->flags = flags;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return;
	if (recusal_alnum((unsigned char)p[0]))
		pat->flags |= RECUSAL_P_START;
	if (recusal_alnum((unsigned char)p[len - 1]))
		pat->flags |= RECUSAL_P_END;
}

/*
 * The member's name as a pattern, trimmed of separators; word boundaries
 * only for an all-ASCII name.  Returns 0 for no usable name.
 */
static int
recusal_name_pat(const struct member *m, struct recusal_pat *pat)
{
	const char	*s, *e;

	if (m->name == NULL)
		return 0;
	s = m->name;
	e = s + strnlen(s, RECUSAL_PART_MAX);
	while (s < e && (*s == ' ' || *s == '\t' || *s == '-'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '-'))
		e--;
	if (s == e)
		return 0;
	recusal_pat_init(pat, s, e - s, 0);
	return 1;
}

/*
 * Is cp, not ASCII, a letter that could run on in an address
 * ("josé@", "bücher.example")?  Latin, Greek and Cyrillic letters are;
 * punctuation, spaces, quotes and CJK text are not ("“dave@…”",
 * "dave@example.org에게"): where unsure, the address is the member's.
 */
static int
recusal_cp_joins(long cp)
{
	return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	    (cp >= 0x370 && cp <= 0x52f);
}

/* Could the character before i be part of an address's local part? */
static int
recusal_local(const struct recusal_text *t, size_t i)
{
	int	c;

	if (i == 0)
		return 0;
	if ((c = (unsigned char)t->s[i - 1]) >= 0x80)
		return recusal_cp_joins(recusal_cp_before(t, i));
	return recusal_alnum(c) ||
	    (c > 0 && strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL);
}

/* Does the domain go on at i ("example.org.evil", "example.org2")? */
static int
recusal_domain_goes_on(const struct recusal_text *t, size_t i)
{
	int	c = recusal_byte(t, i);

	if (c == '.') {
		i++;
		c = recusal_byte(t, i);
	}
	if (c >= 0x80)
		return recusal_cp_joins(recusal_cp_at(t, i));
	return c == '-' || recusal_alnum(c);
}

static int
recusal_find_addr(const struct recusal_text *t, struct recusal_span sp,
    const char *addr)
{
	size_t	i, n = strnlen(addr, RECUSAL_PART_MAX);

	if (n == 0 || n > sp.e - sp.s)
		return 0;
	for (i = sp.s; i + n <= sp.e; i++) {
		if (recusal_fold((unsigned char)t->s[i]) !=
		    recusal_fold((unsigned char)addr[0]) ||
		    strncasecmp(t->s + i, addr, n) != 0)
			continue;
		if (recusal_local(t, i))
			continue;
		if (!recusal_domain_goes_on(t, i + n))
			return 1;
	}
	return 0;
}

static int
recusal_find_pat(const struct recusal_text *t, struct recusal_span sp,
    const struct recusal_pat *pat)
{
	size_t	i, end;

	for (i = sp.s; i < sp.e; i++)
		if (recusal_match_at(t, i, pat, &end, NULL) && end <= sp.e)
			return 1;
	return 0;
}

/* Does the span of t name m? */
static int
recusal_names(const struct recusal_text *t, struct recusal_span sp,
    const struct member *m)
{
	struct recusal_pat	pat;
	size_t			k;

	for (k = 0; k < m->nemails; k++)
		if (m->emails[k] != NULL &&
		    recusal_find_addr(t, sp, m->emails[k]))
			return 1;
	return recusal_name_pat(m, &pat) && recusal_find_pat(t, sp, &pat);
}

int
recusal_names_member(const char *text, const struct member *m)
{
	struct recusal_text	t;
	struct recusal_span	sp;

	if (text == NULL || m == NULL)
		return 0;
	t.s = text;
	t.len = recusal_cap(text);
	sp.s = 0;
	sp.e = t.len;
	return recusal_names(&t, sp, m);
}

/* Does the line ending at e (a '\n' at or after i) end in word w? */
static int
recusal_ends_in(const struct recusal_text *t, size_t i, size_t e,
    const char *w)
{
	size_t	n = strlen(w);

	if (e - i < n || strncasecmp(t->s + e - n, w, n) != 0)
		return 0;
	return e - i == n || !recusal_alnum((unsigned char)t->s[e - n - 1]);
}

/*
 * The named part after a phrase runs on past the '\n' at e when the
 * next line is not blank and this one looks wrapped: nothing after the
 * phrase yet, a format=flowed trailing space, a list going on (":",
 * ",", ";", "&", "and", "or"), or a line long enough to have been
 * wrapped.
 */
static int
recusal_wraps(const struct recusal_text *t, size_t i, size_t e)
{
	size_t	k, n;
	int	c;

	for (n = e + 1; n < t->len && n - e < RECUSAL_RUN_MAX &&
	    t->s[n] != '\n' && recusal_space(t, n) == 1; n++)
		;
	if (n >= t->len || t->s[n] == '\n')
		return 0;
	if (e > i && t->s[e - 1] == '\r')
		e--;
	for (k = i; k < e && recusal_space(t, k) != 0; k++)
		;
	if (k == e)
		return 1;
	c = (unsigned char)t->s[e - 1];
	if (strchr(" ,;:&", c) != NULL || recusal_ends_in(t, i, e,
	    "and") || recusal_ends_in(t, i, e, "or"))
		return 1;
	for (k = e; k > 0 && e - k < RECUSAL_WRAP_MIN; k--)
		if (t->s[k - 1] == '\n')
			return 0;
	return e - k >= RECUSAL_WRAP_MIN;
}

static struct recusal_span
recusal_after(const struct recusal_text *t, size_t i)
{
	struct recusal_span	sp;
	size_t			max;

	max = t->len - i > RECUSAL_PART_MAX ? i + RECUSAL_PART_MAX : t->len;
	sp.s = i;
	for (sp.e = i; sp.e < max; sp.e++) {
		if (recusal_stop(t, sp.e) != 0)
			break;
		if (t->s[sp.e] == '\n' && !recusal_wraps(t, i, sp.e))
			break;
	}
	return sp;
}

/* Back from i to the sentence's start, a line break or floor. */
static struct recusal_span
recusal_before(const struct recusal_text *t, size_t i, size_t floor)
{
	struct recusal_span	sp;
	size_t			min;
	int			blank = 1;

	min = i - floor > RECUSAL_PART_MAX ? i - RECUSAL_PART_MAX : floor;
	sp.e = i;
	for (sp.s = i; sp.s > min; sp.s--) {
		if (t->s[sp.s - 1] == '\n' && !blank)
			break;
		if (recusal_stop(t, sp.s - 1) == 1 ||
		    (sp.s >= min + 3 && recusal_stop(t, sp.s - 3) == 3))
			break;
		if (recusal_space(t, sp.s - 1) == 0)
			blank = 0;
	}
	return sp;
}

static void
recusal_mark(const struct member *members, size_t n,
    const struct recusal_text *t, struct recusal_span sp,
    enum recusal_reason *reasons)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (reasons[k] == RECUSAL_NONE &&
		    recusal_names(t, sp, &members[k]))
			reasons[k] = RECUSAL_EXCLUDED;
}

/*
 * Tries phrase k at i; on a match marks the members its named part
 * names and returns where scanning goes on, after that part (so named
 * parts never overlap and the scan stays linear).  Returns 0 for none.
 */
static size_t
recusal_phrase_try(const struct member *members, size_t n,
    const struct recusal_text *t, size_t i, size_t floor, size_t k,
    enum recusal_reason *reasons)
{
	const struct recusal_phrase	*ph = &recusal_phrases[k];
	struct recusal_pat		 pat;
	struct recusal_span		 gap = { 0, 0 }, sp;
	size_t				 end;

	recusal_pat_init(&pat, ph->pat, strlen(ph->pat), RECUSAL_P_GAP);
	if (!recusal_match_at(t, i, &pat, &end, &gap))
		return 0;
	if (ph->side == RECUSAL_BEFORE || ph->side == RECUSAL_BOTH)
		recusal_mark(members, n, t, recusal_before(t, i, floor),
		    reasons);
	if (ph->side == RECUSAL_GAP)
		recusal_mark(members, n, t, gap, reasons);
	if (ph->side == RECUSAL_AFTER || ph->side == RECUSAL_BOTH) {
		sp = recusal_after(t, end);
		recusal_mark(members, n, t, sp, reasons);
		end = sp.e;
	}
	return end;
}

/* The reference scan: every phrase at i, the first that matches wins. */
static size_t
recusal_phrase_at(const struct member *members, size_t n,
    const struct recusal_text *t, size_t i, size_t floor,
    enum recusal_reason *reasons)
{
	size_t	k, end;

	for (k = 0; k < nitems(recusal_phrases); k++) {
		if (recusal_fold(recusal_byte(t, i)) !=
		    recusal_fold((unsigned char)recusal_phrases[k].pat[0]))
			continue;
		if ((end = recusal_phrase_try(members, n, t, i, floor, k,
		    reasons)) != 0)
			return end;
	}
	return 0;
}

static int
recusal_pending(const enum recusal_reason *reasons, size_t n)
{
	size_t	k;

	for (k = 0; k < n; k++)
		if (reasons[k] == RECUSAL_NONE)
			return 1;
	return 0;
}

/* The reference scan for exclusions: every byte, every phrase. */
static void
recusal_exclusions_ref(const struct member *members, size_t n,
    const char *text, enum recusal_reason *reasons)
{
	struct recusal_text	t;
	size_t			i, next, floor = 0;

	t.s = text;
	t.len = recusal_cap(text);
	for (i = 0; i < t.len; i++) {
		if ((next = recusal_phrase_at(members, n, &t, i, floor,
		    reasons)) == 0)
			continue;
		if (!recusal_pending(reasons, n))
			return;
		floor = next;
		i = next - 1;
	}
}

/* The phrases' anchors, compiled once: the table never changes. */
static struct recusal_match *
recusal_phrase_matcher(void)
{
	static struct recusal_match	*m;
	size_t				 k;

	if (m != NULL)
		return m;
	m = recusal_match_new();
	for (k = 0; k < nitems(recusal_phrases); k++)
		if (!recusal_match_add(m, recusal_phrases[k].pat,
		    strlen(recusal_phrases[k].pat), RECUSAL_MATCH_PATTERN,
		    (int)k))
			fatalx("recusal: phrase %zu has no anchor", k);
	return m;
}

/*
 * As recusal_exclusions_ref(), trying a phrase only where its anchor
 * starts in the folded text (hits in order of start, then of table
 * order: the first phrase that matches at a byte still wins).
 */
static void
recusal_exclusions(const struct member *members, size_t n,
    const struct recusal_text *t, const char *folded,
    enum recusal_reason *reasons)
{
	struct recusal_hit	*hits;
	size_t			 nh, h, i, end, next = 0, floor = 0;

	nh = recusal_match_scan(recusal_phrase_matcher(), folded, t->len,
	    &hits);
	for (h = 0; h < nh;) {
		if ((i = hits[h].start) < next) {
			h++;
			continue;
		}
		for (end = 0; h < nh && hits[h].start == i; h++)
			if (end == 0)
				end = recusal_phrase_try(members, n, t, i,
				    floor, (size_t)hits[h].id, reasons);
		if (end == 0)
			continue;
		if (!recusal_pending(reasons, n))
			break;
		floor = next = end;
	}
	free(hits);
}

/* The address in reporter: inside the last <...> if any, trimmed. */
static struct recusal_span
recusal_addr_spec(const char *r, size_t len)
{
	struct recusal_span	sp;
	size_t			i;

	sp.s = 0;
	sp.e = len;
	for (i = len; i > 0; i--)
		if (r[i - 1] == '<') {
			sp.s = i;
			break;
		}
	for (i = sp.s; i < len; i++)
		if (r[i] == '>') {
			sp.e = i;
			break;
		}
	while (sp.s < sp.e && (r[sp.s] == ' ' || r[sp.s] == '\t'))
		sp.s++;
	while (sp.e > sp.s && (r[sp.e - 1] == ' ' || r[sp.e - 1] == '\t'))
		sp.e--;
	return sp;
}

static int
recusal_is_reporter(const char *r, struct recusal_span sp,
    const struct member *m)
{
	size_t	k, n = sp.e - sp.s;

	for (k = 0; k < m->nemails; k++)
		if (m->emails[k] != NULL && n > 0 &&
		    strlen(m->emails[k]) == n &&
		    strncasecmp(r + sp.s, m->emails[k], n) == 0)
			return 1;
	return 0;
}

/*
 * Is what follows the greeting word, up to its last character, only a
 * few words naming whom it greets ("Hi Alice,", "Hello CoC team!")?
 * "Hello, I need to report Alice (alice@...), here is what happened:"
 * is the report itself on one unwrapped line, and no greeting.
 */
static int
recusal_greeting_short(const struct recusal_text *t, size_t i, size_t e)
{
	size_t	words = 0, n;
	int	inword = 0;

	while (i < e) {
		if ((n = recusal_space(t, i)) != 0) {
			inword = 0;
			i += n;
			continue;
		}
		/* "Hi, Alice," but not "Hi Alice, Bob (...)," */
		if (t->s[i] == '@' || recusal_stop(t, i) != 0 ||
		    (words > 0 && strchr("(),;:", t->s[i]) != NULL))
			return 0;
		if (!inword && ++words > RECUSAL_GREET_WORDS)
			return 0;
		inword = 1;
		i++;
	}
	return 1;
}

size_t
recusal_greeting(const char *text)
{
	struct recusal_text	t;
	size_t			i = 0, k, n, e;
	int			c;

	if (text == NULL)
		return 0;
	t.s = text;
	t.len = recusal_cap(text);
	while (i < t.len && (n = recusal_space(&t, i)) != 0)
		i += n;
	for (e = i; e < t.len && t.s[e] != '\n'; e++)
		;
	n = e;
	while (n > i && recusal_space(&t, n - 1) == 1)
		n--;
	if (n == i || e - i > RECUSAL_PART_MAX)
		return 0;
	c = (unsigned char)t.s[n - 1];
	if (c != ',' && c != ':' && c != '!')
		return 0;
	for (k = 0; k < nitems(recusal_greetings); k++) {
		c = strlen(recusal_greetings[k]);
		if (n - i >= (size_t)c && strncasecmp(t.s + i,
		    recusal_greetings[k], c) == 0 &&
		    !recusal_alnum(recusal_byte(&t, i + c)) &&
		    recusal_greeting_short(&t, i + c, n - 1))
			return e < t.len ? e + 1 : e;
	}
	return 0;
}

/* m's name as "Last, First" ("Ann Lee" -> "Lee, Ann") into buf; 0: none. */
static int
recusal_rev_name(const struct member *m, char *buf, size_t size)
{
	const char	*sp;

	if (m->name == NULL || strnlen(m->name, RECUSAL_PART_MAX) >=
	    RECUSAL_PART_MAX || (sp = strrchr(m->name, ' ')) == NULL ||
	    sp == m->name || sp[1] == '\0')
		return 0;
	snprintf(buf, size, "%s, %.*s", sp + 1, (int)(sp - m->name),
	    m->name);
	return 1;
}

/* Does text name m, or m's name as "Last, First" ("Lee, Ann")? */
static int
recusal_names_any(const char *text, const struct member *m)
{
	struct member	 rev;
	char		 buf[RECUSAL_PART_MAX + 4];

	if (recusal_names_member(text, m))
		return 1;
	if (!recusal_rev_name(m, buf, sizeof(buf)))
		return 0;
	memset(&rev, 0, sizeof(rev));
	rev.name = buf;
	return recusal_names_member(text, &rev);
}

int
recusal_mentions(const char *text, const char *headers,
    const struct member *m)
{
	if (m == NULL)
		return 0;
	if (headers != NULL && recusal_names_any(headers, m))
		return 1;
	return text != NULL &&
	    recusal_names_any(text + recusal_greeting(text), m);
}

/*
 * What one member is named by in the whole-text scan for mentions:
 * slot 0 the name, 1 the name as "Last, First", 2 on its addresses.
 */
#define RECUSAL_SLOT_NAME	0
#define RECUSAL_SLOT_REV	1
#define RECUSAL_SLOT_ADDR	2

struct recusal_who {
	struct recusal_pat	pat[2];
	int			has[2];
	char			rev[RECUSAL_PART_MAX + 4];
	int			fallback[2];	/* unanchored: [with_rev] */
};

/*
 * The members' anchors compiled, with a copy of the names and addresses
 * they came from: a check with the same members (the same configuration)
 * reuses it, different ones rebuild it.
 */
struct recusal_set {
	struct member		*members;	/* copies */
	size_t			 n;
	size_t			 stride;	/* ids per member */
	struct recusal_who	*who;
	struct recusal_match	*rm;
};

/* Adds member m's anchors under ids base + slot. */
static void
recusal_who_add(struct recusal_match *rm, const struct member *m,
    struct recusal_who *w, int base)
{
	struct member	rev;
	size_t		j;

	memset(&rev, 0, sizeof(rev));
	if (recusal_rev_name(m, w->rev, sizeof(w->rev))) {
		rev.name = w->rev;
		w->has[RECUSAL_SLOT_REV] = recusal_name_pat(&rev,
		    &w->pat[RECUSAL_SLOT_REV]);
	}
	w->has[RECUSAL_SLOT_NAME] = recusal_name_pat(m,
	    &w->pat[RECUSAL_SLOT_NAME]);
	for (j = 0; j < 2; j++)
		if (w->has[j] && !recusal_match_add(rm, w->pat[j].p,
		    w->pat[j].len, RECUSAL_MATCH_PATTERN, base + (int)j)) {
			w->fallback[1] = 1;
			if (j == RECUSAL_SLOT_NAME)
				w->fallback[0] = 1;
		}
	for (j = 0; j < m->nemails; j++)
		if (m->emails[j] != NULL && m->emails[j][0] != '\0' &&
		    !recusal_match_add(rm, m->emails[j],
		    strnlen(m->emails[j], RECUSAL_PART_MAX),
		    RECUSAL_MATCH_LITERAL, base + RECUSAL_SLOT_ADDR + (int)j))
			w->fallback[0] = w->fallback[1] = 1;
}

static char *
recusal_strdup(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

static int
recusal_streq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
recusal_set_free(struct recusal_set *set)
{
	size_t	k, j;

	if (set == NULL)
		return;
	for (k = 0; k < set->n; k++) {
		free(set->members[k].name);
		for (j = 0; j < set->members[k].nemails; j++)
			free(set->members[k].emails[j]);
		free(set->members[k].emails);
	}
	free(set->members);
	free(set->who);
	recusal_match_free(set->rm);
	free(set);
}

static struct recusal_set *
recusal_set_new(const struct member *members, size_t n)
{
	struct recusal_set	*set;
	struct member		*m;
	size_t			 k, j;

	set = xcalloc(1, sizeof(*set));
	set->n = n;
	set->members = xcalloc(n + 1, sizeof(*set->members));
	set->who = xcalloc(n + 1, sizeof(*set->who));
	set->rm = recusal_match_new();
	for (k = 0; k < n; k++) {
		m = &set->members[k];
		m->name = recusal_strdup(members[k].name);
		m->nemails = members[k].nemails;
		m->emails = xcalloc(m->nemails + 1, sizeof(*m->emails));
		for (j = 0; j < m->nemails; j++)
			m->emails[j] = recusal_strdup(members[k].emails[j]);
		if (m->nemails > set->stride)
			set->stride = m->nemails;
	}
	set->stride += RECUSAL_SLOT_ADDR;
	for (k = 0; k < n; k++)
		recusal_who_add(set->rm, &set->members[k], &set->who[k],
		    (int)(k * set->stride));
	return set;
}

/* Were set's members compiled from these, name for name? */
static int
recusal_set_same(const struct recusal_set *set, const struct member *members,
    size_t n)
{
	size_t	k, j;

	if (set == NULL || set->n != n)
		return 0;
	for (k = 0; k < n; k++) {
		if (!recusal_streq(set->members[k].name, members[k].name) ||
		    set->members[k].nemails != members[k].nemails)
			return 0;
		for (j = 0; j < members[k].nemails; j++)
			if (!recusal_streq(set->members[k].emails[j],
			    members[k].emails[j]))
				return 0;
	}
	return 1;
}

/*
 * The compiled set for members: the committee's (kept while the
 * configuration's members stay the same) or a single member's.
 */
static const struct recusal_set *
recusal_set_for(const struct member *members, size_t n)
{
	static struct recusal_set	*cache[2];
	struct recusal_set		**slot = &cache[n == 1];

	if (!recusal_set_same(*slot, members, n)) {
		recusal_set_free(*slot);
		*slot = recusal_set_new(members, n);
	}
	return *slot;
}

/* Does the anchor hit at i name the member, as recusal_names() would? */
static int
recusal_who_at(const struct recusal_text *t, size_t i,
    const struct member *m, const struct recusal_who *w, int slot)
{
	const char	*addr;
	size_t		 n, end;

	if (slot < RECUSAL_SLOT_ADDR)
		return recusal_match_at(t, i, &w->pat[slot], &end, NULL) &&
		    end <= t->len;
	addr = m->emails[slot - RECUSAL_SLOT_ADDR];
	n = strnlen(addr, RECUSAL_PART_MAX);
	return n <= t->len && i + n <= t->len &&
	    strncasecmp(t->s + i, addr, n) == 0 && !recusal_local(t, i) &&
	    !recusal_domain_goes_on(t, i + n);
}

/*
 * For every member without a reason yet, whether t names them, as
 * recusal_names_member() (with_rev: recusal_names_any()) decides, in
 * one scan of t folded; into named[].  A member with a pattern that has
 * no anchor is looked for the reference way.
 */
static void
recusal_names_all(const struct member *members, size_t n,
    const struct recusal_text *t, const char *folded, int with_rev,
    const enum recusal_reason *reasons, int *named)
{
	const struct recusal_set	*set = recusal_set_for(members, n);
	struct recusal_hit		*hits;
	size_t				 k, h, nh, slot;

	for (k = 0; k < n; k++)
		named[k] = 0;
	nh = recusal_match_scan(set->rm, folded, t->len, &hits);
	for (h = 0; h < nh; h++) {
		k = (size_t)hits[h].id / set->stride;
		slot = (size_t)hits[h].id % set->stride;
		if (named[k] || reasons[k] != RECUSAL_NONE ||
		    (!with_rev && slot == RECUSAL_SLOT_REV))
			continue;
		named[k] = recusal_who_at(t, hits[h].start, &set->members[k],
		    &set->who[k], (int)slot);
	}
	for (k = 0; k < n; k++)
		if (!named[k] && reasons[k] == RECUSAL_NONE &&
		    set->who[k].fallback[with_rev])
			named[k] = with_rev ? recusal_names_any(t->s,
			    &members[k]) : recusal_names_member(t->s,
			    &members[k]);
	free(hits);
}

/* Folds the first len bytes of s (allocated, the caller frees it). */
static char *
recusal_folded(const char *s, size_t len)
{
	char	*f;

	f = xmalloc(len + 1);
	recusal_match_fold(s, len, f);
	return f;
}

/* Exclusions and mentions over the text, folded once. */
static void
recusal_scan(const struct member *members, size_t n, const char *text,
    enum recusal_reason *reasons)
{
	struct recusal_text	t, t2;
	char			*folded;
	size_t			 g, flen, k;
	int			*named;

	t.s = text;
	t.len = recusal_cap(text);
	g = recusal_greeting(text);
	t2.s = text + g;
	t2.len = recusal_cap(t2.s);
	flen = g + t2.len > t.len ? g + t2.len : t.len;
	folded = recusal_folded(text, flen);
	recusal_exclusions(members, n, &t, folded, reasons);
	named = xcalloc(n + 1, sizeof(*named));
	recusal_names_all(members, n, &t2, folded + g, 1, reasons, named);
	for (k = 0; k < n; k++)
		if (named[k])
			reasons[k] = RECUSAL_MENTIONED;
	free(named);
	free(folded);
}

/* The reporter by address, else the reported person by name or address. */
static void
recusal_parties(const struct member *members, size_t n,
    const char *reporter, const char *reported, enum recusal_reason *reasons)
{
	struct recusal_span	from;
	struct recusal_text	t;
	char			*folded;
	size_t			 k;
	int			*named;

	from = recusal_addr_spec(reporter, recusal_cap(reporter));
	for (k = 0; k < n; k++)
		if (reporter != NULL &&
		    recusal_is_reporter(reporter, from, &members[k]))
			reasons[k] = RECUSAL_REPORTER;
	if (reported == NULL)
		return;
	t.s = reported;
	t.len = recusal_cap(reported);
	folded = recusal_folded(reported, t.len);
	named = xcalloc(n + 1, sizeof(*named));
	recusal_names_all(members, n, &t, folded, 0, reasons, named);
	for (k = 0; k < n; k++)
		if (named[k])
			reasons[k] = RECUSAL_REPORTED;
	free(named);
	free(folded);
}

/* The reasons that come before the text: reporter, reported person. */
static int
recusal_check_start(const struct member *members, size_t n,
    const char *reporter, const char *reported, enum recusal_reason *reasons,
    int ref)
{
	struct recusal_span	from;
	size_t			k;

	if (reasons == NULL)
		return 0;
	for (k = 0; k < n; k++)
		reasons[k] = RECUSAL_NONE;
	if (members == NULL)
		return 0;
	if (!ref) {
		recusal_parties(members, n, reporter, reported, reasons);
		return 1;
	}
	from = recusal_addr_spec(reporter, recusal_cap(reporter));
	for (k = 0; k < n; k++) {
		if (reporter != NULL &&
		    recusal_is_reporter(reporter, from, &members[k]))
			reasons[k] = RECUSAL_REPORTER;
		else if (recusal_names_member(reported, &members[k]))
			reasons[k] = RECUSAL_REPORTED;
	}
	return 1;
}

void
recusal_check(const struct member *members, size_t n, const char *reporter,
    const char *reported, const char *text, enum recusal_reason *reasons)
{
	if (recusal_check_start(members, n, reporter, reported, reasons, 0) &&
	    text != NULL)
		recusal_scan(members, n, text, reasons);
}

void
recusal_check_ref(const struct member *members, size_t n,
    const char *reporter, const char *reported, const char *text,
    enum recusal_reason *reasons)
{
	size_t	k;

	if (!recusal_check_start(members, n, reporter, reported, reasons, 1))
		return;
	if (text != NULL)
		recusal_exclusions_ref(members, n, text, reasons);
	for (k = 0; k < n; k++)
		if (reasons[k] == RECUSAL_NONE &&
		    recusal_mentions(text, NULL, &members[k]))
			reasons[k] = RECUSAL_MENTIONED;
}

const char *
recusal_strreason(enum recusal_reason r)
{
	if ((size_t)r >= nitems(recusal_reasons))
		return "unknown";
	return recusal_reasons[r];
}

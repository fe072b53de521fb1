/*
 * recusal_match: a multi-pattern (Aho-Corasick) matcher over case-folded
 * text, the prefilter of recusal.c.  Each pattern is added by its anchor,
 * the literal run it must start with; one scan of the folded text gives
 * every place where an anchor starts, and only there does recusal.c try
 * the pattern itself.  Folding keeps every byte offset: ASCII letters
 * and the two-byte letters recusal.c folds keep their length.
 */
#ifndef RECUSAL_MATCH_H
#define RECUSAL_MATCH_H

#include <stddef.h>

/* How a pattern's anchor is taken. */
enum recusal_match_kind {
	RECUSAL_MATCH_PATTERN,	/* up to a space, hyphen or apostrophe */
	RECUSAL_MATCH_LITERAL	/* an address: its ASCII bytes */
};

struct recusal_match;

/* Where an anchor starts in the text, and whose it is. */
struct recusal_hit {
	size_t	start;
	int	id;
};

struct recusal_match	*recusal_match_new(void);
void			 recusal_match_free(struct recusal_match *);

/*
 * Adds the anchor of pattern p (len bytes) under id (>= 0).  Returns 1,
 * or 0 when p has no anchor (nothing was added: the caller must try p
 * at every position).  Adding after a scan is allowed.
 */
int	recusal_match_add(struct recusal_match *, const char *p, size_t len,
	    enum recusal_match_kind, int id);

/* Folds len bytes of s into out (len bytes, not terminated). */
void	recusal_match_fold(const char *s, size_t len, char *out);

/*
 * Every anchor in folded text of len bytes, into *hits (allocated, the
 * caller frees it), sorted by start, then id; returns their number.
 */
size_t	recusal_match_scan(struct recusal_match *, const char *folded,
	    size_t len, struct recusal_hit **hits);

/*
 * The lower case of code point cp for the two-byte letters that have
 * one of the same length (Latin-1, Latin Extended-A, Greek, Cyrillic);
 * any other cp unchanged.
 */
long	recusal_match_cp_fold(long cp);

#endif

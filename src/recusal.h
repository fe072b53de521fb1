/*
 * recusal: which committee members must never hear of a case, decided
 * before anything about it is sent: the reporter (by any of their
 * addresses), the reported person (their name or an address in the
 * reported-person field), and anyone the reporter asked to keep out
 * ("do not share with ...", "exclude: ...").
 */
#ifndef RECUSAL_H
#define RECUSAL_H

#include <stddef.h>

struct member;

enum recusal_reason {
	RECUSAL_NONE = 0,
	RECUSAL_REPORTER,	/* the member sent the report */
	RECUSAL_REPORTED,	/* the member is the reported person */
	RECUSAL_EXCLUDED,	/* the reporter asked to keep them out */
	RECUSAL_MENTIONED	/* named anywhere in the report (held back) */
};

/*
 * Fills reasons[i] for members[i].  reporter: the report's sender
 * address (may be NULL); reported: the reported-person field (may be
 * NULL); text: the whole decoded report (for exclusions).
 */
void	recusal_check(const struct member *members, size_t n,
	    const char *reporter, const char *reported, const char *text,
	    enum recusal_reason *reasons);

/* Does text name the member (a name as whole words, or an address)? */
int	recusal_names_member(const char *text, const struct member *);

/*
 * Does the report name the member anywhere (text, or headers such as
 * To, Cc and Subject), outside a greeting first line ("Hi Alice,")?
 * headers may be NULL.
 */
int	recusal_mentions(const char *text, const char *headers,
	    const struct member *);

/* Bytes of text's greeting first line ("Dear Ann:\n"), or 0 if none. */
size_t	recusal_greeting(const char *text);

const char *recusal_strreason(enum recusal_reason);

#endif

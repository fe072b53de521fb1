/*
 * codename: random two-word code names for cases ("amber-heron"), drawn
 * with libsodium's randomness from a list of neutral words kept here.
 * Uniqueness is the caller's: draw again while the store has the name.
 */
#ifndef CODENAME_H
#define CODENAME_H

#include <stddef.h>

#define CODENAME_MAX	48

/* Writes a fresh "word-word" into buf (at least CODENAME_MAX bytes). */
void	codename_new(char *buf, size_t size);
/*
 * The same with a number from 2 to max appended ("amber-heron-17"): for
 * when the two-word names run short (some 90,000 cases).
 */
void	codename_new_numbered(char *buf, size_t size, unsigned max);
/*
 * 1 if s looks like a code name: two list words joined by '-', and
 * perhaps '-' and a number from 2 to 9999 without a leading zero.
 */
int	codename_valid(const char *s);
/* The number of words in each list (for tests and the odds). */
size_t	codename_nwords(int which);

#endif

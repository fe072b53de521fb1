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
/* 1 if s looks like a code name (two list words joined by '-'). */
int	codename_valid(const char *s);
/* The number of words in each list (for tests and the odds). */
size_t	codename_nwords(int which);

#endif

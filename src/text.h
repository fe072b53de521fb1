/*
 * text: small string helpers the parsers share.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/*
 * 1 if the len bytes at w are, ignoring ASCII case, one of the words of
 * alts, a '|'-separated list ("pass|fail").  An empty w matches nothing.
 */
int	text_word_in(const char *w, size_t len, const char *alts);

#endif

/*
 * addrspec: recovers the sender's addr-spec from a From value a strict
 * parse got wrong (a missing '>', an unquoted comma or colon in the
 * display name) and measures quoted local parts ("a b"@example.org).
 */
#ifndef ADDRSPEC_H
#define ADDRSPEC_H

#include <stddef.h>

#define ADDRSPEC_MAX_LOCAL	64

size_t	 addrspec_quoted_len(const char *s);
int	 addrspec_literal(const char *value, const char *spec);
char	*addrspec_recover(const char *value);

#endif

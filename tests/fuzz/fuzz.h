/*
 * fuzz: what the libFuzzer targets in tests/fuzz share: turning the
 * fuzzer's bytes into the C strings and valid UTF-8 the modules' contracts
 * ask for, splitting one input into several values, a UTF-8 check for
 * the properties the targets assert, and a sink that makes ASan read
 * every byte of a result.  Header only: each target is one program.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* Reading every string makes ASan check its bounds. */
static volatile size_t	fuzz_sink;

/* Stops the run: libFuzzer saves the input as a crash. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond))							\
		abort();						\
} while (0)

/* The bytes as a C string (allocated); a NUL ends it early. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s;

	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static inline size_t
fuzz_utf8_seq(const unsigned char *s, size_t n)
{
	size_t	len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return len;
}

/* 1 if the C string s is valid UTF-8. */
static inline int
fuzz_utf8_ok(const char *s)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 n = strlen(s), k;

	while (n > 0) {
		if ((k = fuzz_utf8_seq(u, n)) == 0)
			return 0;
		u += k;
		n -= k;
	}
	return 1;
}

/*
 * The bytes as valid UTF-8 without NULs (allocated): a NUL becomes a
 * space and a byte that starts no valid sequence a '?'.
 */
static inline char *
fuzz_utf8(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 i = 0, k;

	s = fuzz_cstr(data, size);
	while (i < size) {
		if (s[i] == '\0')
			s[i] = ' ';
		if ((k = fuzz_utf8_seq((unsigned char *)s + i, size - i)) == 0) {
			s[i++] = '?';
			continue;
		}
		i += k;
	}
	return s;
}

/*
 * Splits the C string s in place at each byte sep into at most n
 * parts; parts not given are "".  Returns how many were given.
 */
static inline size_t
fuzz_split(char *s, char sep, char **part, size_t n)
{
	size_t	i, given = 0;
	char	*p;

	for (i = 0; i < n; i++)
		part[i] = (char *)"";
	for (i = 0; i < n && s != NULL; i++) {
		part[i] = s;
		given++;
		if ((p = strchr(s, sep)) != NULL)
			*p++ = '\0';
		s = p;
	}
	return given;
}

#endif

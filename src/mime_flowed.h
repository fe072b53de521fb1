/*
 * mime_flowed: undoes format=flowed (RFC 3676, DelSp included) so a
 * soft-wrapped paragraph reads as the one line its writer typed.
 */
#ifndef MIME_FLOWED_H
#define MIME_FLOWED_H

#include <stddef.h>

/*
 * Returns the n bytes of UTF-8 text s (CRLF or LF line ends, already
 * transfer- and charset-decoded) unflowed, with LF line ends, as an
 * allocated string.  delsp is the DelSp=yes parameter.
 */
char	*mime_flowed_decode(const char *s, size_t n, int delsp);

#endif

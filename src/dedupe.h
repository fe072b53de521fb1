/*
 * dedupe: the form of a message that deduplication hashes.  Two deliveries
 * of one mail differ in the trace and mail-store headers each hop adds
 * (Received, Delivered-To, X-UID, ...), in folding and in line endings;
 * this form drops those headers, unfolds the rest and ends lines with LF.
 */
#ifndef DEDUPE_H
#define DEDUPE_H

#include <stddef.h>

/* Whether a header field of this name is left out of the form. */
int	 dedupe_trace_field(const char *name, size_t len);
/* The form of raw (len bytes), allocated, NUL-terminated; *outlen set. */
char	*dedupe_form(const char *raw, size_t len, size_t *outlen);

#endif

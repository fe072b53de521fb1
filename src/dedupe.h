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
/*
 * The same form handed to put a piece at a time, in order, so that it
 * can be hashed as it is made: a big message's form is never held.
 */
typedef void	(*dedupe_put_fn)(void *arg, const char *, size_t);
void	 dedupe_form_feed(const char *raw, size_t len, dedupe_put_fn put,
	    void *arg);

#endif

/*
 * noreply: mail nobody should answer or open a case for.  A no-reply
 * address (noreply@, do-not-reply@, forms-noreply@ and the like) reads
 * no acknowledgment; an empty message (no subject, no text, no
 * attachment) is recorded but is never a case.
 */
#ifndef NOREPLY_H
#define NOREPLY_H

struct mime_msg;

/* 1 when addr's local part says no-reply (any case, any separators). */
int	noreply_address(const char *addr);

/* 1 when msg has no subject, no text and no attachment worth reading. */
int	noreply_empty(const struct mime_msg *msg);

#endif

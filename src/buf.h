/*
 * buf: a growable byte buffer, always NUL-terminated so text can be used
 * as a C string.  Allocation failure is fatal (xmalloc).
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addstr(struct buf *, const char *);
void	 buf_addch(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_truncate(struct buf *, size_t);
/* Appends n bytes as unwrapped base64 (RFC 4648, padded), by libsodium. */
void	 buf_add_base64(struct buf *, const unsigned char *, size_t);
/* Returns the data (caller frees) and leaves the buffer empty. */
char	*buf_release(struct buf *, size_t *);
/* Wipes the bytes before freeing them. */
void	 buf_free(struct buf *);

#endif

/*
 * xmalloc: allocation helpers for small, bounded allocations.  They never
 * return NULL: running out of memory is fatal.  Sizes a sender controls
 * must be checked by the caller before they get here.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

void	 xmalloc_tune(void);
void	 xmalloc_trim(void);
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

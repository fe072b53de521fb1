/*
 * mime_priv: what mime.c and mime_html.c share and nobody else needs.
 */
#ifndef MIME_PRIV_H
#define MIME_PRIV_H

#include <stddef.h>

struct buf;

/*
 * Appends the n bytes of UTF-8 HTML s rendered as text to out; -1 when
 * libxml2 cannot be opened (the text between the tags was appended).
 */
int		 mime_html(const char *s, size_t n, struct buf *out);
/* The charset an HTML part's <meta> names, copied into cs, or NULL. */
const char	*mime_html_charset(const char *s, size_t n, char *cs,
		    size_t size);

#endif
